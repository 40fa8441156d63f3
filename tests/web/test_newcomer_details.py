"""The small things a newcomer trips on (issue 13 item 13): conveners create the partnerships
they run; "Who should ask" is not offered for a chair or champion; letters greet by first
name and name the counties as prose; a digest to someone without an account carries their
letters; copy reads as English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.contacts.models import Tie
from crm.outreach import jobs, letters
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Partnership
from crm.timeutil import utcnow
from tests.helpers import text_of
from tests.web.world import sign_in

NEW = {"name": "Northern Colorado Manufacturing", "sector": "Manufacturing", "region": "Larimer, Weld",
       "timezone": "America/Denver", "stage": "scoping", "launch_target_low": 25,
       "launch_target_high": 30, "launch_minimum": 10}


def test_a_convener_creates_a_partnership_and_runs_it(client, world, db):
    sign_in(client, world.users["convener_a"])
    assert "New partnership" in text_of(client.get("/partnerships"))
    response = client.post("/partnerships/new", data=NEW)
    assert response.status_code == 302
    created = db.session.scalar(select(Partnership).where(Partnership.name == NEW["name"]))
    assert created.id in world.users["convener_a"].partnership_ids  # given to its creator at once
    assert client.get(response.headers["Location"]).status_code == 200
    assert NEW["name"] in text_of(client.get("/"))


def test_chairs_and_viewers_still_cannot_create_partnerships(client, world, db):
    for role in ("chair_a", "viewer_a"):
        sign_in(client, world.users[role])
        assert client.post("/partnerships/new", data=NEW).status_code == 403
        assert "New partnership" not in text_of(client.get("/partnerships"))
    assert db.session.scalar(select(Partnership).where(Partnership.name == NEW["name"])) is None


def test_a_convener_creates_a_partnership_through_the_api(client, world, bearer):
    headers = bearer(world.users["convener_a"])
    created = client.post("/api/v1/partnerships", json=NEW, headers=headers)
    assert created.status_code == 201
    assert client.get(f"/api/v1/partnerships/{created.json['id']}", headers=headers).status_code == 200
    refused = client.post("/api/v1/partnerships", json={**NEW, "name": "Other"},
                          headers=bearer(world.users["chair_a"]))
    assert refused.status_code == 403


def test_who_should_ask_is_not_offered_for_a_chair_or_champion(client, world):
    sign_in(client, world.users["convener_a"])
    assert "Who should ask" not in text_of(client.get(f"/people/{world.chair_person.id}"))
    assert "Who should ask" in text_of(client.get(f"/people/{world.person_a.id}"))
    panel = client.get(f"/people/{world.chair_person.id}/intro-paths", headers={"HX-Request": "true"})
    assert "Partnership A" not in text_of(panel)


def test_the_letter_greets_by_first_name_and_names_the_counties_as_prose(world, db):
    world.a.region = "Larimer, Weld, Boulder"
    db.session.commit()
    task = db.session.get(Task, world.extra["task_id"])
    letter = letters.render(letters.DEFAULT_SUBJECT, letters.DEFAULT_BODY, letters.fields_for(task, None))
    assert letter.body.startswith("Dear Member,")
    assert "partnership in Larimer, Weld and Boulder counties." in letter.body


def _digest_body(app, committed, person_id):
    now = datetime.now(UTC).replace(hour=16, minute=0) + timedelta(days=1)  # after the digest hour
    jobs.run("daily_digest", now, app=app)
    return committed().scalar(select(OutboxMessage.body).where(OutboxMessage.to_person_id == person_id))


def test_a_digest_to_someone_without_an_account_carries_their_letters(app, world, db, committed, make_person):
    asker = make_person("Ginger Holloway", world.org_a, email="ginger@alpha.example")
    outreach.create_task(world.a, "ask", utcnow().date(), person_id=world.person_a.id, owner_id=asker.id)
    db.session.commit()
    body = _digest_body(app, committed, asker.id)
    assert body.startswith("Hello Ginger,")
    assert "My tasks" not in body  # a page they cannot open
    assert "To: Member Alpha <member@alpha.example>" in body and "Dear Member," in body
    assert "Subject: An invitation: the Manufacturing sector partnership launch" in body


def test_a_digest_to_an_account_holder_points_to_my_tasks(app, world, db, committed):
    outreach.create_task(world.a, "ask", utcnow().date(), person_id=world.person_a.id,
                         owner_id=world.chair_person.id)
    db.session.commit()
    body = _digest_body(app, committed, world.chair_person.id)
    assert "My tasks" in body and "Dear Member," not in body


def test_a_referral_tie_says_where_it_came_from_in_english(client, world, db):
    sign_in(client, world.users["chair_a"])
    client.post(f"/tasks/{world.extra['task_id']}", data={
        "status": "done", "outcome": "referred", "referred_name": "Rita Referral"})
    context = db.session.scalar(select(Tie.context).where(Tie.kind == "referred"))
    assert context == "Referred during outreach: Ask (invitation)"
