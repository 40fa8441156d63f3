"""What outside programs expect of our HTTP, calendars and vCards (issue 17, items 3-5): Allow on
every 405, WWW-Authenticate on the API's 401s, ETag and 304 on the feed, the ICS files and the
exports, 410 for a feed that was turned off; calendar UIDs unique to the installation and
stable, DTSTAMP from the last change (same bytes when nothing changed); vCards folded at 75
octets with a stable UID and REV, read by vobject and by our own importer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select, update
from werkzeug.routing import BaseConverter

from crm.accounts.models import token_digest
from crm.config import installation_id
from crm.contacts import import_parsing
from crm.contacts import services as contacts
from crm.contacts.models import Person
from crm.ids import IdConverter
from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from tests.web.world import build_world, sign_in

FEED = "/calendar/world-feed-token.ics"
CHAIR_FEED = "/calendar/chair-token.ics"
LAST_WEEK = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def app_config():
    return {"INSTALLATION_ID": "crm.example.org"}


# --- HTTP ---------------------------------------------------------------------------------------

def test_every_405_lists_the_allowed_methods(app, client):
    world = build_world()
    sign_in(client, world.users["admin"])
    adapter = app.url_map.bind("localhost")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {a: "x" if isinstance(rule._converters[a], BaseConverter) and not isinstance(
            rule._converters[a], IdConverter) else 1 for a in rule.arguments}
        path = adapter.build(rule.endpoint, values)
        allowed = set(adapter.allowed_methods(path))
        method = next(m for m in ("PUT", "PATCH", "DELETE", "POST") if m not in allowed)
        response = client.open(path, method=method)
        assert response.status_code == 405, (method, path)
        assert set(response.headers["Allow"].split(", ")) == allowed, path
        checked += 1
    assert checked > 50


def test_api_401_names_the_bearer_scheme(client):
    build_world()
    missing = client.get("/api/v1/people")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer ")
    wrong = client.get("/api/v1/people", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]


def _conditional_round(client, url):
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(url)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
    return first


@pytest.mark.parametrize("url", ["/export/people.csv", "/export/people.vcf",
                                 "/export/organisations.csv", "/export/relationships.csv"])
def test_exports_answer_304_while_unchanged(client, url):
    world = build_world()
    sign_in(client, world.users["admin"])
    first = _conditional_round(client, url)
    contacts.save_person(world.person_a, {"notes": "changed since"})
    contacts.add_tie("knows", world.person_a.id, world.person_b.id, 1, "new")
    contacts.save_organisation(world.org_a, {"city": "Elsewhere"})
    from crm.extensions import db

    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_a_turned_off_feed_is_gone_in_plain_text(client):
    world = build_world()
    assert client.get(FEED).status_code == 200
    sign_in(client, world.users["convener_a"])
    client.post("/calendar/feed/revoke")
    gone = client.get(FEED)
    assert gone.status_code == 410 and gone.mimetype == "text/plain"
    assert b"turned off" in gone.data


# --- iCalendar ----------------------------------------------------------------------------------

def _events(data: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_feed_is_byte_identical_until_something_changes_then_updates_in_place(client, bearer, db):
    world = build_world()
    world.users["chair_a"].ics_token_hash = token_digest("chair-token")
    # the last changes lie in the past: DTSTAMP must say them, not the time of the fetch
    db.session.execute(update(Meeting).values(updated_at=LAST_WEEK))
    db.session.execute(update(Task).values(updated_at=LAST_WEEK))
    db.session.execute(update(Person).values(updated_at=LAST_WEEK))
    db.session.commit()
    first = _conditional_round(client, CHAIR_FEED)
    events = _events(first.data)
    meeting_uid = f"meeting-{world.extra['meeting_id']}@crm.example.org"
    assert meeting_uid in events and len(events) > 1
    assert all(uid.endswith("@crm.example.org") for uid in events)
    for event in events.values():
        assert event["dtstamp"].dt == event["last-modified"].dt == LAST_WEEK

    moved = client.patch(f"/api/v1/meetings/{world.extra['meeting_id']}",
                         headers=bearer(world.users["convener_a"]), json={"starts_at": "2099-03-02T17:00:00Z"})
    assert moved.status_code == 200
    after = client.get(CHAIR_FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    moved_events = _events(after.data)
    assert set(moved_events) == set(events)  # same UIDs: the calendar updates, adds nothing
    event = moved_events[meeting_uid]
    assert event["dtstart"].dt.year == 2099
    assert event["dtstamp"].dt > LAST_WEEK
    assert int(event["sequence"]) > int(events[meeting_uid]["sequence"])


def test_uids_differ_between_installations_and_follow_the_secret_key(app, client, db):
    world = build_world()
    sign_in(client, world.users["admin"])
    app.config["INSTALLATION_ID"] = None
    url = f"/meetings/{world.extra['meeting_id']}/calendar.ics"
    derived = list(_events(client.get(url).data))
    with app.test_request_context():
        assert derived == [f"meeting-{world.extra['meeting_id']}@{installation_id()}"]
        assert installation_id().startswith("convene-")
        app.config["SECRET_KEY"] = "another installation's key"
        assert derived != [f"meeting-{world.extra['meeting_id']}@{installation_id()}"]
        app.config["INSTALLATION_ID"] = "crm.example.net"
        assert installation_id() == "crm.example.net"


def test_single_item_ics_files_are_conditional_and_dated(client, db):
    world = build_world()
    sign_in(client, world.users["admin"])
    task_url = f"/tasks/{world.extra['task_id']}/calendar.ics"
    first = _conditional_round(client, task_url)
    assert first.headers["Last-Modified"]
    since = client.get(task_url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    # the task's person renamed: the summary changes, and so do DTSTAMP and the ETag
    task = db.session.get(Task, world.extra["task_id"])
    contacts.save_person(task.person, {"name": "Member Renamed"})
    db.session.commit()
    renamed = client.get(task_url, headers={"If-None-Match": first.headers["ETag"]})
    assert renamed.status_code == 200 and b"Member Renamed" in renamed.data


# --- vCard ---------------------------------------------------------------------------------------

LONG = "Zoë Ångström-Łukasiewicz 日本語のメモ " * 12


def test_vcards_fold_at_75_octets_and_read_back(client, db):
    world = build_world()
    contacts.save_person(world.person_a, {"notes": LONG.strip(), "title": "Directrice générale " * 5})
    db.session.commit()
    sign_in(client, world.users["admin"])
    data = client.get("/export/people.vcf").data
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no line ends inside a UTF-8 sequence
    cards = {c.fn.value: c for c in vobject.readComponents(data.decode())}
    card = cards["Member Alpha"]
    assert card.note.value == LONG.strip()
    assert card.uid.value.startswith("urn:uuid:")
    person = db.session.get(Person, world.person_a.id)
    assert card.rev.value == f"{person.updated_at:%Y%m%dT%H%M%SZ}"
    assert len({c.uid.value for c in cards.values()}) == len(cards)
    rows = {r["name"]: r for r in import_parsing.read_vcards(data)}
    assert rows["Member Alpha"]["notes"] == LONG.strip()
    assert rows["Member Alpha"]["title"] == ("Directrice générale " * 5).strip()


def test_vcard_uid_is_stable_and_rev_follows_changes(client, db):
    world = build_world()
    sign_in(client, world.users["admin"])

    def card():
        data = client.get("/export/people.vcf").data.decode()
        return next(c for c in vobject.readComponents(data) if c.fn.value == "Member Alpha")

    before = card()
    contacts.save_person(world.person_a, {"title": "Chief Owner"})
    db.session.commit()
    after = card()
    assert after.uid.value == before.uid.value
    assert after.rev.value >= before.rev.value and after.title.value == "Chief Owner"
    other = db.session.scalar(select(Person).where(Person.id == world.person_b.id))
    assert other is not None
