"""Two partnerships, A and B, with people, ties and one user of each role: the world the
access tests (and any test that needs "someone of another partnership") run against."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, select, text

from crm.accounts import services as accounts
from crm.contacts import services as contacts
from crm.extensions import db
from crm.health.models import HealthNote
from crm.launch.models import Commitment
from crm.partnerships import services as partnerships
from crm.partnerships.models import PriorityNote
from crm.timeutil import utcnow
from tests.helpers import PASSWORD

ROLES = ("anonymous", "viewer_a", "chair_a", "convener_a", "convener_b", "admin")


@dataclass
class World:
    a: object
    b: object
    org_a: object
    org_b: object
    person_a: object  # a member of A
    chair_person: object  # the chair of A, linked to chair_a
    person_b: object  # a member of B only
    membership_a: object
    tie_a: object
    users: dict
    token_id: int  # an API token owned by convener_a
    extra: dict  # more objects features add (meeting_id, task_id, ...)


def build_world() -> World:
    a = partnerships.create_partnership("Partnership A", "Manufacturing", region="Alpha")
    b = partnerships.create_partnership("Partnership B", "Healthcare", region="Beta")
    org_a = contacts.save_organisation(None, {"name": "Alpha Works", "kind": "employer",
                                              "sector": "Manufacturing", "county": "Alpha"})
    org_b = contacts.save_organisation(None, {"name": "Beta Clinic", "kind": "employer",
                                              "sector": "Healthcare", "county": "Beta"})
    chair_person = contacts.save_person(None, {"name": "Chair Alpha", "title": "CEO",
                                               "organisation_id": org_a.id, "email": "chair@alpha.example"})
    person_a = contacts.save_person(None, {"name": "Member Alpha", "title": "Owner",
                                           "organisation_id": org_a.id, "email": "member@alpha.example"})
    person_b = contacts.save_person(None, {"name": "Member Beta", "title": "President",
                                           "organisation_id": org_b.id, "email": "member@beta.example"})
    partnerships.add_member(a, chair_person.id, "chair", "champion")
    membership_a = partnerships.add_member(a, person_a.id, "member", "suggested")
    partnerships.add_member(b, person_b.id, "member", "candidate")
    tie_a = contacts.add_tie("knows", chair_person.id, person_a.id, 3, "Same board")
    users = {
        "viewer_a": accounts.create_user("viewer.a@example.org", PASSWORD, "viewer", partnership_ids=[a.id]),
        "chair_a": accounts.create_user("chair.a@example.org", PASSWORD, "chair", partnership_ids=[a.id],
                                        person_id=chair_person.id),
        "convener_a": accounts.create_user("convener.a@example.org", PASSWORD, "convener",
                                           partnership_ids=[a.id]),
        "convener_b": accounts.create_user("convener.b@example.org", PASSWORD, "convener",
                                           partnership_ids=[b.id]),
        "admin": accounts.create_user("admin@example.org", PASSWORD, "admin"),
    }
    accounts.create_api_token(users["convener_a"], "matrix")
    from crm.accounts.models import ApiToken

    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == users["convener_a"].id))
    db.session.commit()
    world = World(a, b, org_a, org_b, person_a, chair_person, person_b, membership_a, tie_a, users,
                  token_id, {})
    _add_outreach(world)
    _add_health(world)
    return world


def _add_outreach(world: World) -> None:
    """A launch meeting of A with its generated tasks, and convener_a's calendar feed token."""
    from datetime import timedelta

    from crm.accounts.models import token_digest
    from crm.outreach import services as outreach
    from crm.timeutil import utcnow

    meeting = outreach.create_meeting(world.a, utcnow() + timedelta(days=40), "launch",
                                      chair_ids=[world.chair_person.id])
    task = outreach.create_task(world.a, "ask", (utcnow() + timedelta(days=10)).date(),
                                person_id=world.person_a.id, owner_id=world.chair_person.id)
    world.users["convener_a"].ics_token_hash = token_digest("world-feed-token")
    db.session.commit()
    area = partnerships.add_priority_area(world.a, "Talent pipeline")  # no champion yet: no call
    db.session.commit()
    commitment = Commitment(priority_area_id=area.id, owner_id=world.chair_person.id, text="Host the first visit",
                            due=(utcnow() + timedelta(days=50)).date(), early_win=True, early_win_kind="prototype")
    db.session.add(commitment)
    db.session.commit()
    world.extra.update(meeting_id=meeting.id, task_id=task.id, feed_token="world-feed-token", area_id=area.id,
                       commitment_id=commitment.id)
    note = PriorityNote(partnership_id=world.a.id, meeting_id=meeting.id, kind="opportunity",
                        text="Shared apprenticeships")  # on the wall, not yet in an area
    db.session.add(note)
    db.session.commit()
    world.extra.update(note_id=note.id)


def url_values(world: World) -> dict:
    """The value each URL parameter takes: always an object of partnership A."""
    values = {
        "partnership_id": world.a.id,
        "person_id": world.person_a.id,
        "org_id": world.org_a.id,
        "membership_id": world.membership_a.id,
        "tie_id": world.tie_a.id,
        "token_id": world.token_id,
        "filename": "css/app.css",
        "upload_id": "expired-or-unknown-upload",  # an import upload: unknown ids redirect to start
        "merge_id": 1,  # not a merge: the merge pages redirect to the duplicates list
        "user_id": world.users["viewer_a"].id,
        "reset_token": "unknown-or-used-reset-token",  # a password-reset link that works no more (410)
    }
    values.update(world.extra)
    return values


def snapshot() -> dict:
    """Every row of every table, to prove a refused request changed nothing."""
    data = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(text(f'SELECT * FROM "{table.name}"')).all()
        data[table.name] = sorted(repr(tuple(r)) for r in rows)
    return data


def dump() -> dict:
    """Every row of every table as column values, for `restore` to put back."""
    connection = db.session.connection()
    return {table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
            for table in db.metadata.sorted_tables}


def restore(rows: dict) -> None:
    """Put the database back as `dump` found it: every table emptied, then refilled (ids
    included, so URLs built from the world stay valid). Commits. On the session's connection,
    not through the session: its hooks (the network's change log) would log the restore."""
    db.session.rollback()
    connection = db.session.connection()
    for table in reversed(db.metadata.sorted_tables):
        connection.execute(table.delete())
    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            connection.execute(table.insert(), rows[table.name])
    if connection.dialect.name == "postgresql":
        _rewind_sequences(connection)
    db.session.commit()


def _rewind_sequences(connection) -> None:
    """PostgreSQL's sequences do not go back with the rows (SQLite's next id does): set each
    to follow the table's highest id, so a row added after a restore gets the id it got the
    first time, and two tries of one request can be compared row for row."""
    for table in db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": table.name, "c": key[0].name}).scalar()
        if sequence:
            connection.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{key[0].name}") '
                                    f'FROM "{table.name}"), 0) + 1, false)'), {"s": sequence})


def sign_in(client, user) -> None:
    """Put a user's session in the test client (as a real login would)."""
    db.session.refresh(user)
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True


def _add_health(world: World) -> None:
    """A turf trap the convener recorded on A (its health page shows it; staff clear it)."""
    note = HealthNote(partnership_id=world.a.id, code="turf_trap", noted_on=utcnow().date(),
                      text="The college wants the training agenda without an MOU")
    db.session.add(note)
    db.session.commit()
    world.extra.update(note_id=note.id)
