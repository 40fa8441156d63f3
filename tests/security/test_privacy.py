"""A person's data: one action exports everything held about them, another erases them
everywhere, after which a full dump of the database holds no trace of their email or phone."""

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

from crm.accounts.models import User
from crm.audit.models import AuditEntry
from crm.contacts import services as contacts
from crm.contacts.models import Person, Tie
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Membership
from crm.privacy import services as privacy
from crm.scoring.models import TraitAssessment
from tests.security.figures import add
from tests.web.world import build_world, sign_in

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
    from crm.partnerships import services as partnerships

    partnerships.add_member(world.a, person.id, "champion", "asked")
    contacts.add_tie("knows", person.id, world.person_a.id, 2, "Board of the food bank")
    contacts.add_tie("referred", world.chair_person.id, person.id, 1, f"Call her on {PHONE}")
    contacts.save_person(world.person_a, {"notes": f"Introduced to {NAME} ({EMAIL})"})
    db.session.add(Task(partnership_id=world.a.id, kind="ask", title=f"Ask {NAME}", person_id=person.id,
                        owner_id=world.chair_person.id, due=date(2026, 1, 5), notes=f"email {EMAIL}"))
    db.session.add(Task(partnership_id=world.a.id, kind="follow_up_call", title="Call Member Alpha",
                        person_id=world.person_a.id, owner_id=person.id, due=date(2026, 1, 6)))
    db.session.add(OutboxMessage(idempotency_key=f"invite-{person.id}", to_email=EMAIL.lower(),
                                 to_person_id=person.id, subject="Invitation", body=f"Dear {NAME}"))
    db.session.add(TraitAssessment(person_id=person.id, partnership_id=world.a.id, trait="community",
                                   rating=3, evidence="Chairs the food bank"))
    from crm.accounts import services as accounts

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
    assert related["outbox"]["to_email"][0]["subject"] == "Invitation"
    assert any(a["entity"] == "people" and a["entity_id"] == person_id for a in data["audit"])


def test_erasure_asks_for_the_name_and_changes_nothing_without_it(app, client, db, subject):
    world, person_id = subject
    sign_in(client, world.users["convener_a"])
    page = client.get(f"/people/{person_id}/privacy")
    assert page.status_code == 200 and b"Type their full name" in page.data
    response = client.post(f"/people/{person_id}/privacy/erase", data={"confirm_name": "Dana"})
    assert response.status_code == 400 and b"Type the person" in response.data
    assert db.session.get(Person, person_id) is not None


def test_erasure_leaves_no_trace_of_email_phone_or_name_in_a_full_dump(app, client, db, subject):
    world, person_id = subject
    sign_in(client, world.users["convener_a"])
    convener_id, other_id = world.users["convener_a"].id, world.person_a.id
    assert _traces(_full_dump(db)), "the fixture should have put the person everywhere"
    db.session.remove()  # no read transaction of the test's own left open during VACUUM
    response = client.post(f"/people/{person_id}/privacy/erase",
                           data={"confirm_name": f"  {NAME.upper()} "})
    assert response.status_code == 302
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
    assert "[erased]" in other.notes and other.name == "Member Alpha"
    erase_entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erase"))
    assert erase_entry.entity_id == person_id and erase_entry.user_id == convener_id
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
