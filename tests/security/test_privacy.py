"""A person's data: one action exports everything held about them, another erases them by
key (their own rows, found through foreign keys), after which a full dump of the database holds
no trace of their email or phone, and every other row is exactly as it was."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.audit.models import AuditEntry
from crm.contacts import merge
from crm.contacts import services as contacts
from crm.contacts.models import Person, Tie
from crm.extensions import db as _db
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership
from crm.privacy import services as privacy
from crm.scoring.models import TraitAssessment
from tests.security.figures import add
from tests.web.world import build_world, dump, sign_in, snapshot


@pytest.fixture
def app_config():
    """The request log on, as in production: it runs after the erasure has ended the session."""
    return {"LOG_REQUESTS": True}


EMAIL = "Dana.Quill@Example.ORG"
PHONE = "+1 (555) 013-7788"
NAME = "Dana Quill-Øster"


def _full_dump(db) -> str:
    """Every byte a backup would carry: .dump of SQLite (plus raw file pages), pg_dump of PostgreSQL."""
    url = make_url(str(db.engine.url))
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        con = sqlite3.connect(url.database)
        dump = "\n".join(con.iterdump())
        con.close()
        raw = b""
        for suffix in ("", "-wal"):
            path = Path(url.database + suffix)
            if path.exists():
                raw += path.read_bytes()
        return dump + "\n" + raw.decode("latin-1")
    pg_dump = shutil.which("pg_dump")
    if pg_dump:
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return subprocess.run([pg_dump, "--data-only", plain], check=True, capture_output=True,
                              text=True).stdout
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [repr(tuple(r)) for r in db.session.execute(text(f'SELECT * FROM "{table.name}"'))]
    return "\n".join(rows)


def _traces(dump: str) -> list[str]:
    lowered = dump.lower()
    needles = {EMAIL.lower(), PHONE, json.dumps(NAME)[1:-1].lower(), NAME.lower()}
    return [n for n in needles if n.lower() in lowered]


@pytest.fixture
def subject(db):
    """A person touching every table: memberships, ties both ways, tasks about and owned by
    them, an outbox message, an assessment, a linked user, and mentions in others' notes."""
    world = build_world()
    person = contacts.save_person(None, {"name": NAME, "email": EMAIL, "phone": PHONE,
                                         "notes": "Met at the Rotary lunch", "tags": "Rotary, Board",
                                         "organisation_id": world.org_a.id})
    db.session.flush()
    partnerships.add_member(world.a, person.id, "champion", "asked")
    contacts.add_tie("knows", person.id, world.person_a.id, 2, "Board of the food bank")
    contacts.add_tie("referred", world.chair_person.id, person.id, 1, f"Call her on {PHONE}")
    db.session.add(Task(partnership_id=world.a.id, kind="ask", title=f"Ask {NAME}", person_id=person.id,
                        owner_id=world.chair_person.id, due=date(2026, 1, 5), notes=f"email {EMAIL}"))
    db.session.add(Task(partnership_id=world.a.id, kind="follow_up_call", title="Call Member Alpha",
                        person_id=world.person_a.id, owner_id=person.id, due=date(2026, 1, 6)))
    db.session.add(OutboxMessage(idempotency_key=f"invite-{person.id}", to_email=EMAIL.lower(),
                                 to_person_id=person.id, subject="Invitation", body=f"Dear {NAME}"))
    db.session.add(TraitAssessment(person_id=person.id, partnership_id=world.a.id, trait="community",
                                   rating=3, evidence="Chairs the food bank"))
    accounts.create_user(EMAIL, "correct horse battery", "chair", partnership_ids=[world.a.id],
                         person_id=person.id)
    db.session.commit()
    return world, person.id


def test_export_holds_every_table_that_points_at_the_person(app, client, db, subject):
    world, person_id = subject
    sign_in(client, world.users["convener_a"])
    response = client.get(f"/people/{person_id}/privacy/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["person"]["email"] == EMAIL.lower() and data["person"]["phone"] == PHONE
    assert set(data["tags"]) == {"Rotary", "Board"}
    related = data["related"]
    for table, column, _fk in privacy.person_links():
        if table.name == "people":
            continue
        expected = db.session.execute(select(table).where(column == person_id)).all()
        got = related.get(table.name, {}).get(column.name, [])
        assert len(got) == len(expected), f"export misses {table.name}.{column.name}"
    assert related["memberships"]["person_id"][0]["stage"] == "asked"
    assert related["outbox"]["to_person_id"][0]["subject"] == "Invitation"
    assert any(a["entity"] == "people" and a["entity_id"] == person_id for a in data["audit"])


def test_erasure_asks_for_the_name_and_changes_nothing_without_it(app, client, db, subject):
    world, person_id = subject
    sign_in(client, world.users["admin"])
    page = client.get(f"/people/{person_id}/privacy")
    assert page.status_code == 200 and b"Type their full name" in page.data
    response = client.post(f"/people/{person_id}/privacy/erase", data={"confirm_name": "Dana"})
    assert response.status_code == 400 and b"Type the person" in response.data
    assert db.session.get(Person, person_id) is not None


def test_erasure_leaves_no_trace_of_email_phone_or_name_in_a_full_dump(app, client, db, subject):
    world, person_id = subject
    sign_in(client, world.users["admin"])  # the person is linked to a user: admins only
    admin_id, other_id = world.users["admin"].id, world.person_a.id
    assert _traces(_full_dump(db)), "the fixture should have put the person everywhere"
    db.session.remove()  # no read transaction of the test's own left open during VACUUM
    response = client.post(f"/people/{person_id}/privacy/erase",
                           data={"confirm_name": f"  {NAME.upper()} "})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    db.session.remove()
    assert db.session.get(Person, person_id) is None
    assert not db.session.scalars(select(Tie).where((Tie.source_id == person_id) | (Tie.target_id == person_id))).all()
    assert not db.session.scalars(select(Membership).where(Membership.person_id == person_id)).all()
    assert not db.session.scalars(select(TraitAssessment).where(TraitAssessment.person_id == person_id)).all()
    assert not db.session.scalars(select(OutboxMessage)).all()
    assert not db.session.scalars(select(Task).where(Task.person_id == person_id)).all()
    theirs = db.session.scalar(select(Task).where(Task.title == "Call Member Alpha"))
    assert theirs is not None and theirs.owner_id is None  # a task they owned stays, without owner
    user = db.session.scalar(select(User).where(User.role == "chair", User.email.like("erased-user-%")))
    assert user is not None and not user.active and user.person_id is None
    other = db.session.get(Person, other_id)
    assert other.name == "Member Alpha"
    erase_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erase"))
    assert erase_entry.entity_id == person_id and erase_entry.user_id == admin_id
    assert _traces(_full_dump(db)) == []
    add("privacy", "erasures checked against a full dump")


def test_cli_exports_and_erases_a_person(app, runner, db, subject):
    _world, person_id = subject
    result = runner.invoke(args=["person", "export", "--id", str(person_id)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["person"]["phone"] == PHONE
    result = runner.invoke(args=["person", "erase", "--id", str(person_id)], input="n\n")
    assert result.exit_code != 0 and db.session.get(Person, person_id) is not None
    result = runner.invoke(args=["person", "erase", "--id", str(person_id), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.get(Person, person_id) is None
    assert _traces(_full_dump(db)) == []
    result = runner.invoke(args=["person", "export", "--id", str(person_id)])
    assert result.exit_code != 0 and "No person" in result.output
    add("privacy", "erasures checked against a full dump")


def test_privacy_pages_are_for_staff_only(app, client, subject):
    world, person_id = subject
    for role in ("viewer_a", "chair_a"):
        sign_in(client, world.users[role])
        assert client.get(f"/people/{person_id}/privacy/export").status_code == 403
        assert client.post(f"/people/{person_id}/privacy/erase", data={"confirm_name": NAME}).status_code == 403
    sign_in(client, world.users["convener_a"])
    page = client.get(f"/people/{person_id}")
    assert b"Erase on request" in page.data


# --- erasure by key: only the person's own rows change ------------------------------------------

def _rows_by_key(rows: dict) -> dict:
    """{table: {primary key: row}} from `dump()`."""
    out = {}
    for table in db_tables():
        pk = [c.name for c in table.primary_key.columns]
        out[table.name] = {tuple(r[c] for c in pk): r for r in rows[table.name]}
    return out


def db_tables():
    return _db.metadata.sorted_tables


def _people_columns(table) -> list[str]:
    return [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table.name == "people"]


def _not_theirs(before: dict, after: dict, people: set[int], users: set[int]) -> list[str]:
    """Every difference between two dumps that is not a trace of the erased people (and their
    linked users): rows gone that neither are theirs nor hang from a row of theirs, rows
    changed beyond losing a link to them, rows added beyond the erasure's own audit entry and
    the network's change log."""
    tables = {t.name: t for t in db_tables()}
    old, new = _rows_by_key(before), _rows_by_key(after)
    gone = {name: {k for k in old[name] if k not in new[name]} for name in old}
    problems = []
    theirs: set[tuple] = set()  # (table, key) of removed rows that were theirs
    pending = {(name, k) for name in gone for k in gone[name]}
    while True:  # a row is theirs when it points at them or at a removed row of theirs
        found = set()
        for name, key in pending:
            row, table = old[name][key], tables[name]
            if name == "people" and row["id"] in people:
                found.add((name, key))
                continue
            for column in table.columns:
                for fk in column.foreign_keys:
                    value = row[column.name]
                    if fk.column.table.name == "people" and value in people:
                        found.add((name, key))
                    elif value is not None and (fk.column.table.name, (value,)) in theirs:
                        found.add((name, key))
        if not found:
            break
        theirs |= found
        pending -= found
    problems += [f"{name} row {key} removed: {old[name][key]}" for name, key in sorted(pending, key=str)]
    anonymised = {("people", p) for p in people} | {("users", u) for u in users}
    anonymised |= {(name, key[0]) for name, key in theirs if len(key) == 1}
    for name, rows in old.items():
        table = tables[name]
        for key, row in rows.items():
            if key not in new[name] or new[name][key] == row:
                continue
            changed = {c for c in row if row[c] != new[name][key][c]}
            if name == "users" and row["id"] in users:
                continue
            if name == "api_tokens" and row["user_id"] in users and changed == {"revoked_at"}:
                continue
            if name == "audit_log" and (row["entity"], row["entity_id"]) in anonymised:
                continue
            if name == "graph_version":
                continue
            links = set(_people_columns(table))
            changed -= {"updated_at"}  # bookkeeping: the row did change (it lost its link)
            if changed <= links and all(row[c] in people and new[name][key][c] is None for c in changed):
                continue
            problems.append(f"{name} row {key} changed {sorted(changed)}: {row} -> {new[name][key]}")
        for key, row in new[name].items():
            if key in rows or name == "graph_changes":
                continue
            if name == "audit_log" and row["action"] == "erase" and row["entity_id"] in people:
                continue
            problems.append(f"{name} row {key} added: {row}")
    return problems


@pytest.fixture
def decoy(db):
    """A person whose phone is ".", whose email is the admin's and whose name other people's
    notes, a user's name, a task, an organisation and the audit log all mention."""
    world = build_world()
    name, email = "Dana Quill", "admin@example.org"
    person = contacts.save_person(None, {"name": name, "email": email, "phone": ".",
                                         "notes": "Decoy", "organisation_id": world.org_b.id})
    db.session.flush()
    partnerships.add_member(world.b, person.id, "member", "candidate")
    contacts.add_tie("knows", person.id, world.person_b.id, 1, f"Met {name}.")
    contacts.save_person(world.person_a, {"notes": f"Lunch with {name} ({email}). Call 555.0101."})
    contacts.save_organisation(world.org_a, {"name": "Alpha Works", "kind": "employer",
                                             "notes": f"{name.lower()} knows the CEO. {email}"})
    outreach.create_task(world.a, "ask", date(2030, 1, 5), person_id=world.person_a.id,
                         owner_id=person.id)
    accounts.create_user("dana.quill@example.org.au", "correct horse battery", "viewer",
                         name=f"{name} Jr.", partnership_ids=[world.a.id])
    db.session.commit()
    return world, person.id


def test_erasure_changes_only_the_persons_own_rows(app, client, db, decoy):
    """Erasing the decoy leaves every other row as it was: the admin still signs in, others'
    notes still mention them, no '.' anywhere was replaced; only their rows went."""
    world, person_id = decoy
    sign_in(client, world.users["convener_b"])
    before = dump()
    response = client.post(f"/people/{person_id}/privacy/erase", data={"confirm_name": "Dana Quill"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get(response.headers["Location"]).status_code == 200
    after = dump()
    problems = _not_theirs(before, after, {person_id}, set())
    assert problems == [], "\n".join(problems[:20])
    assert not any(r["id"] == person_id for r in after["people"])
    assert any(r["owner_id"] is None for r in after["tasks"] if r["person_id"] == world.person_a.id)
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin is not None and admin.active
    client.post("/logout")
    assert client.post("/login", data={"email": "admin@example.org", "password": "correct horse battery"}
                       ).status_code == 302
    add("privacy", "erasures diffed against a full dump (others' rows unchanged)")


def test_erasing_a_person_linked_to_a_user_is_for_admins_and_touches_that_user_only(app, client, db):
    world = build_world()
    chair_person, chair_user = world.chair_person.id, world.users["chair_a"].id
    sign_in(client, world.users["convener_a"])
    before = snapshot()
    refused = client.post(f"/people/{chair_person}/privacy/erase", data={"confirm_name": "Chair Alpha"})
    assert refused.status_code == 403 and b"only an administrator" in refused.data
    assert snapshot() == before
    page = client.get(f"/people/{chair_person}/privacy")
    assert page.status_code == 200 and b"only an administrator" in page.data and b"confirm_name" not in page.data
    sign_in(client, world.users["admin"])
    before = dump()
    response = client.post(f"/people/{chair_person}/privacy/erase", data={"confirm_name": "Chair Alpha"})
    assert response.status_code == 302
    after = dump()
    problems = _not_theirs(before, after, {chair_person}, {chair_user})
    assert problems == [], "\n".join(problems[:20])
    user = db.session.get(User, chair_user)
    assert not user.active and user.email.startswith("erased-user-")
    assert sum(1 for r in after["users"] if r["active"]) == len(world.users) - 1


def test_erasure_takes_records_merged_into_the_person_with_it(app, db):
    world = build_world()
    keep = contacts.save_person(None, {"name": "Ola Berg", "email": "ola@berg.example"})
    drop = contacts.save_person(None, {"name": "O. Berg", "phone": "+47 555 01"})
    db.session.flush()
    contacts.add_tie("knows", drop.id, world.person_b.id, 1, "old record")
    db.session.flush()
    merge.merge(keep, drop)
    db.session.commit()
    keep_id, drop_id = keep.id, drop.id
    before = dump()
    privacy.erase_person(keep_id)
    db.session.commit()
    after = dump()
    assert _not_theirs(before, after, {keep_id, drop_id}, set()) == []
    assert not {keep_id, drop_id} & {r["id"] for r in after["people"]}


def test_api_export_is_the_pages_export(app, client, db, subject, bearer):
    world, person_id = subject
    convener = world.users["convener_a"]
    from_api = client.get(f"/api/v1/people/{person_id}/privacy", headers=bearer(convener)).get_json()
    sign_in(client, convener)
    from_page = json.loads(client.get(f"/people/{person_id}/privacy/export").get_data(as_text=True))
    for data in (from_api, from_page):
        data.pop("exported_at")
    assert from_api == from_page
    assert client.get(f"/api/v1/people/{person_id}/privacy",
                      headers=bearer(world.users["viewer_a"])).status_code == 403


def test_api_erase_is_refused_as_the_page_refuses_and_changes_nothing(app, client, db, subject, bearer):
    world, person_id = subject
    convener, admin, viewer = (bearer(world.users[k]) for k in ("convener_a", "admin", "viewer_a"))
    before = snapshot()
    url = f"/api/v1/people/{person_id}/erase"
    linked = client.post(url, json={"confirm_name": NAME}, headers=convener)
    assert linked.status_code == 403 and "only an administrator" in linked.get_json()["error"]["message"]
    wrong = client.post(url, json={"confirm_name": "Dana"}, headers=admin)
    assert wrong.status_code == 400 and "confirm_name" in wrong.get_json()["error"]["fields"]
    assert client.post(url, json={"confirm_name": NAME}, headers=viewer).status_code == 403
    after = snapshot()
    for rows in (before, after):
        rows.pop("api_tokens")  # a token's last use is noted on every call
    assert after == before


def test_api_erase_with_the_name_erases_by_key(app, client, db, subject, bearer):
    world, person_id = subject
    response = client.post(f"/api/v1/people/{person_id}/erase", json={"confirm_name": f"  {NAME.upper()} "},
                           headers=bearer(world.users["admin"]))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["erased"] == person_id and body["counts"]["people"] == 1
    assert db.session.get(Person, person_id) is None
    assert _traces(_full_dump(db)) == []
