"""The outreach API: a launch meeting lays out the workbook's tasks; moving it moves the open
ones only, never duplicating; tasks complete with an outcome that moves the pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.outreach.models import Task
from crm.partnerships.models import Meeting, Membership
from tests.web.world import build_world

KINDS = {"ask", "follow_up_call", "reminder_email", "send_summary", "champion_call", "second_meeting",
         "recruit_one_more", "thank_you", "custom"}


@pytest.fixture
def launch_world(db, make_person, make_org, add_member):
    world = build_world()
    employer = make_org("Gamma Tools")
    for name in ("Ann Approved", "Bob Approved"):
        add_member(world.a, make_person(name, org=employer, email=f"{name.split()[0].lower()}@gamma.example"),
                   stage="approved")
    return world


def _launch(client, headers, world, when):
    return client.post(f"/api/v1/partnerships/{world.a.id}/meetings",
                       json={"kind": "launch", "starts_at": when.isoformat()}, headers=headers)


def test_creating_a_launch_meeting_lays_out_the_workbook_tasks(client, bearer, launch_world):
    world = launch_world
    headers = bearer(world.users["convener_a"])
    when = datetime(2027, 3, 18, 16, 0, tzinfo=UTC)
    created = _launch(client, headers, world, when)
    assert created.status_code == 201, created.json
    meeting_id = created.json["id"]
    tasks = client.get(f"/api/v1/partnerships/{world.a.id}/tasks", headers=headers).json["items"]
    mine = [t for t in tasks if t["meeting_id"] == meeting_id]
    assert {"id", "kind", "due", "status", "person_id", "owner_id"} <= set(mine[0])
    assert {t["kind"] for t in tasks} <= KINDS
    asks = [t for t in mine if t["kind"] == "ask"]
    assert len(asks) == 2 and all(t["due"] == "2027-02-25" for t in asks)  # 21 days before
    reminder = next(t for t in mine if t["kind"] == "reminder_email")
    assert reminder["due"] == "2027-03-15"
    assert next(t for t in mine if t["kind"] == "send_summary")["due"] == "2027-03-25"
    assert next(t for t in mine if t["kind"] == "second_meeting")["due"] == "2027-05-17"
    assert meeting_id > 0


def test_moving_the_meeting_moves_open_tasks_keeps_done_ones_and_duplicates_nothing(client, bearer,
                                                                                     launch_world):
    world = launch_world
    headers = bearer(world.users["convener_a"])
    meeting = _launch(client, headers, world, datetime(2027, 3, 18, 16, tzinfo=UTC)).json
    tasks = client.get(f"/api/v1/partnerships/{world.a.id}/tasks", headers=headers).json["items"]
    generated = [t for t in tasks if t["meeting_id"] == meeting["id"]]
    first_ask = next(t for t in generated if t["kind"] == "ask")
    done = client.patch(f"/api/v1/tasks/{first_ask['id']}", json={"status": "done", "outcome": "accepted"},
                        headers=headers)
    assert done.status_code == 200 and done.json["status"] == "done"
    moved = client.patch(f"/api/v1/meetings/{meeting['id']}",
                         json={"starts_at": "2027-04-01T16:00:00+00:00"}, headers=headers)
    assert moved.status_code == 200
    after = client.get(f"/api/v1/partnerships/{world.a.id}/tasks", headers=headers).json["items"]
    by_id = {t["id"]: t for t in after}
    assert len(after) == len(tasks)
    assert by_id[first_ask["id"]]["due"] == first_ask["due"]  # done: stays
    # they accepted: their follow-up call is done too (closed by the plan), and stays
    follow_up = next(t for t in generated if t["kind"] == "follow_up_call"
                     and t["person_id"] == first_ask["person_id"])
    assert by_id[follow_up["id"]]["status"] == "done" and by_id[follow_up["id"]]["due"] == follow_up["due"]
    for t in generated:
        if t["id"] not in (first_ask["id"], follow_up["id"]):
            expected = date.fromisoformat(t["due"]) + timedelta(days=14)
            assert by_id[t["id"]]["due"] == expected.isoformat()


def test_ask_outcome_moves_the_pipeline_and_referred_creates_person_and_tie(client, bearer, launch_world,
                                                                           db):
    from sqlalchemy import select

    from crm.contacts.models import Person, Tie

    world = launch_world
    headers = bearer(world.users["convener_a"])
    meeting = _launch(client, headers, world, datetime(2027, 3, 18, 16, tzinfo=UTC)).json
    asks = [t for t in client.get(f"/api/v1/partnerships/{world.a.id}/tasks", headers=headers).json["items"]
            if t["kind"] == "ask" and t["meeting_id"] == meeting["id"]]
    accepted = client.patch(f"/api/v1/tasks/{asks[0]['id']}", json={"status": "done", "outcome": "accepted"},
                            headers=headers)
    assert accepted.status_code == 200
    assert db.session.scalar(select(Membership.stage).where(
        Membership.person_id == asks[0]["person_id"])) == "accepted"
    missing_name = client.patch(f"/api/v1/tasks/{asks[1]['id']}", json={"status": "done", "outcome": "referred"},
                                headers=headers)
    assert missing_name.status_code == 400 and "referred_name" in missing_name.json["error"]["fields"]
    referred = client.patch(f"/api/v1/tasks/{asks[1]['id']}", headers=headers, json={
        "status": "done", "outcome": "referred", "referred": {"name": "Cara Referred", "email": "cara@x.example"}})
    assert referred.status_code == 200
    cara = db.session.scalar(select(Person).where(Person.name == "Cara Referred"))
    assert cara is not None
    assert db.session.scalar(select(Tie).where(Tie.kind == "referred", Tie.target_id == cara.id)).source_id \
        == asks[1]["person_id"]
    assert db.session.scalar(select(Membership.stage).where(Membership.person_id == cara.id)) == "suggested"


def test_a_convener_asking_an_employer_needs_a_recorded_reason(client, bearer, launch_world, make_person,
                                                               make_org, add_member):
    world = launch_world
    headers = bearer(world.users["convener_a"])
    board = make_org("Workforce Board", kind="workforce_board")
    convener = make_person("Connie Convener", org=board)
    add_member(world.a, convener, role="convener", stage="champion")
    task_id = world.extra["task_id"]
    refused = client.patch(f"/api/v1/tasks/{task_id}", json={"owner_id": convener.id}, headers=headers)
    assert refused.status_code == 400 and "asker_reason" in refused.json["error"]["fields"]
    allowed = client.patch(f"/api/v1/tasks/{task_id}", json={
        "owner_id": convener.id, "asker_reason": "She sits on his board"}, headers=headers)
    assert allowed.status_code == 200 and allowed.json["asker_reason"] == "She sits on his board"


def test_outreach_api_hides_other_partnerships_and_refuses_viewers(client, bearer, db):
    world = build_world()
    starts = db.session.get(Meeting, world.extra["meeting_id"]).starts_at
    other = bearer(world.users["convener_b"])
    assert client.get(f"/api/v1/partnerships/{world.a.id}/tasks", headers=other).status_code == 404
    assert client.patch(f"/api/v1/tasks/{world.extra['task_id']}", json={"status": "done"},
                        headers=other).status_code == 404
    assert client.patch(f"/api/v1/meetings/{world.extra['meeting_id']}",
                        json={"starts_at": "2027-01-01T10:00:00+00:00"}, headers=other).status_code == 404
    viewer = bearer(world.users["viewer_a"])
    assert client.patch(f"/api/v1/tasks/{world.extra['task_id']}", json={"status": "done"},
                        headers=viewer).status_code == 403
    assert db.session.get(Task, world.extra["task_id"]).status == "open"  # the refusals changed nothing
    assert db.session.get(Meeting, world.extra["meeting_id"]).starts_at == starts
    chair = bearer(world.users["chair_a"])
    assert client.patch(f"/api/v1/tasks/{world.extra['task_id']}", json={"status": "done"},
                        headers=chair).status_code == 200
    assert client.post(f"/api/v1/partnerships/{world.a.id}/meetings", headers=chair,
                       json={"starts_at": "2027-01-01T10:00:00+00:00"}).status_code == 403


def test_meeting_input_is_validated(client, bearer):
    world = build_world()
    headers = bearer(world.users["convener_a"])
    bad = client.post(f"/api/v1/partnerships/{world.a.id}/meetings", headers=headers,
                      json={"kind": "party", "starts_at": "tomorrow", "extra": 1})
    assert bad.status_code == 400
    assert {"starts_at", "extra", "kind"} <= set(bad.json["error"]["fields"])
