"""The plan follows the chairs and stays current: the review's "I'll ask" and "assign to X" own
the asks when the launch is set (not whoever the intro paths propose), a later decision
reassigns the open ask (in its history), someone approved after the launch is set is asked at
once (short notice when the window passed), not now / removed close open asks with the reason,
priority areas added later get their champion call, attendance its "recruit one more"; and a
non-employer asker needs the workbook's reason on every path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.accounts.models import token_digest
from crm.config import default_timezone
from crm.contacts import services as contacts
from crm.extensions import db as _db
from crm.outreach import digest
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Meeting, Membership
from crm.timeutil import local, utcnow
from tests.helpers import text_of
from tests.web.world import sign_in


@pytest.fixture
def team(db, make_partnership, make_org, make_person, add_member, make_user):
    """A partnership with an employer chair (linked to a chair account), an employer champion
    who knows everyone well (the intro paths propose him), a community partner and a convener,
    and three suggested employer leaders."""
    p = make_partnership("Tech Launch", sector="Tech", region="Lane", timezone="UTC")
    employer = make_org("Acme Software", sector="Tech", county="Lane")
    college = make_org("Lane College", kind="community_college")
    chair = make_person("Carla Chair", org=employer, title="CEO", email="carla@acme.example")
    champion = make_person("Cham Pion", org=make_org("Pion Labs", sector="Tech"), title="CEO",
                           email="cham@pion.example")
    partner = make_person("Pat Partner", org=college, email="pat@college.example")
    convener = make_person("Connie Convener", org=college, email="connie@college.example")
    add_member(p, chair, "chair", "champion")
    add_member(p, champion, "champion", "champion")
    add_member(p, partner, "community_partner", "accepted")
    add_member(p, convener, "convener", "accepted")
    leaders = [make_person(f"Leader {i}", org=make_org(f"Firm {i}", sector="Tech", county="Lane"), title="Owner",
                           email=f"leader{i}@firm.example") for i in range(4)]
    for leader in leaders:
        contacts.add_tie("knows", champion.id, leader.id, 3, "Old friends")
        add_member(p, leader, "member", "suggested")
    _db.session.commit()
    users = {"chair": make_user("carla@example.org", "chair", [p], chair),
             "convener": make_user("connie@example.org", "convener", [p], convener)}
    return dict(p=p, chair=chair, champion=champion, partner=partner, convener=convener, leaders=leaders,
                users=users)


def _decide(client, team, person, decision, **more):
    return client.post(f"/partnerships/{team['p'].id}/review",
                       data={"person_id": person.id, "decision": decision, **more}, follow_redirects=True)


def _launch(client, team, days):
    when = local(utcnow() + timedelta(days=days), "UTC").replace(hour=16, minute=0, tzinfo=None)
    return client.post(f"/partnerships/{team['p'].id}/outreach/meetings",
                       data={"kind": "launch", "starts_at": when.strftime("%Y-%m-%dT%H:%M")})


def _ask(db, person):
    return db.session.scalar(select(Task).where(Task.kind == "ask", Task.person_id == person.id,
                                                Task.step_key.is_not(None)))


def test_the_chairs_decisions_own_the_asks_when_the_launch_is_set(client, db, team):
    first, second, third = team["leaders"][:3]
    sign_in(client, team["users"]["chair"])
    _decide(client, team, first, "ill_ask")
    _decide(client, team, second, "someone_else", asker_id=team["champion"].id)
    _decide(client, team, third, "approve")
    sign_in(client, team["users"]["convener"])
    assert _launch(client, team, 45).status_code == 302
    assert _ask(db, first).owner_id == team["chair"].id  # the champion's path is only a proposal
    assert _ask(db, second).owner_id == team["champion"].id
    assert _ask(db, third).owner_id == team["champion"].id  # nobody decided: the warm path proposes
    mine = text_of(client.get("/tasks?view=all"))
    sign_in(client, team["users"]["chair"])
    assert "Leader 0" in text_of(client.get("/tasks?view=all")) and "Leader 0" not in mine


def test_approved_after_the_launch_is_set_is_asked_at_once_or_today_with_short_notice(client, db, team):
    sign_in(client, team["users"]["convener"])
    _launch(client, team, 45)
    sign_in(client, team["users"]["chair"])
    _decide(client, team, team["leaders"][0], "approve")
    ask = _ask(db, team["leaders"][0])
    assert ask.status == "open" and ask.owner_id == team["champion"].id
    follow_up = db.session.scalar(select(Task).where(Task.kind == "follow_up_call",
                                                     Task.person_id == team["leaders"][0].id))
    assert follow_up.owner_id == team["champion"].id  # whoever asks follows up
    assert ask.due == local(utcnow(), "UTC").date() + timedelta(days=45 - 21)
    assert _db.session.scalar(select(Membership.stage).where(
        Membership.person_id == team["leaders"][0].id)) == "ask_assigned"


def test_a_launch_ten_days_out_asks_today_flagged_short_notice(client, db, team):
    sign_in(client, team["users"]["chair"])
    _decide(client, team, team["leaders"][0], "ill_ask")
    sign_in(client, team["users"]["convener"])
    _launch(client, team, 10)
    ask = _ask(db, team["leaders"][0])
    assert ask.due == local(utcnow(), "UTC").date()


def test_a_later_decision_reassigns_the_open_ask_and_says_so_in_its_history(client, db, team):
    leader = team["leaders"][0]
    sign_in(client, team["users"]["convener"])
    _launch(client, team, 45)
    sign_in(client, team["users"]["chair"])
    _decide(client, team, leader, "approve")
    assert _ask(db, leader).owner_id == team["champion"].id
    _decide(client, team, leader, "ill_ask")
    ask = _ask(db, leader)
    assert ask.owner_id == team["chair"].id
    assert "Asker changed from Cham Pion to Carla Chair" in ask.notes
    assert len(db.session.scalars(select(Task).where(Task.person_id == leader.id, Task.kind == "ask")).all()) == 1


def test_not_now_and_removal_close_open_asks_with_the_reason_and_nothing_is_created_twice(client, db, team):
    first, second = team["leaders"][:2]
    sign_in(client, team["users"]["chair"])
    _decide(client, team, first, "approve")
    _decide(client, team, second, "approve")
    sign_in(client, team["users"]["convener"])
    _launch(client, team, 45)
    sign_in(client, team["users"]["chair"])
    _decide(client, team, first, "not_now", reason="Selling the company")
    ask = _ask(db, first)
    assert (ask.status, ask.closed_reason) == ("cancelled", "Not now: Selling the company.")
    membership = partnerships.membership_of(team["p"].id, second.id)
    db.session.delete(membership)
    db.session.commit()
    assert (_ask(db, second).status, _ask(db, second).closed_reason) == ("cancelled", "Removed from the partnership.")
    _decide(client, team, first, "approve")  # back in: the same ask reopens, no second one
    asks = db.session.scalars(select(Task).where(Task.person_id == first.id, Task.kind == "ask")).all()
    assert [a.status for a in asks] == ["open"]


def test_priority_areas_and_attendance_added_later_get_their_steps(client, db, team):
    sign_in(client, team["users"]["convener"])
    _launch(client, team, 45)
    area = partnerships.add_priority_area(team["p"], "Talent pipeline", [team["champion"].id], team["champion"].id)
    db.session.commit()
    call = db.session.scalar(select(Task).where(Task.kind == "champion_call", Task.priority_area_id == area.id))
    assert call is not None and call.owner_id == team["champion"].id
    meeting_id = call.meeting_id
    db.session.add(Invitation(meeting_id=meeting_id, person_id=team["leaders"][3].id, response="accepted",
                              attended=True))
    db.session.commit()
    assert db.session.scalar(select(Task).where(Task.kind == "recruit_one_more",
                                                Task.person_id == team["leaders"][3].id)) is not None


def test_a_non_employer_asker_needs_the_workbooks_reason_on_every_path(client, db, team, bearer):
    leader = team["leaders"][0]
    sign_in(client, team["users"]["chair"])
    page = _decide(client, team, leader, "someone_else", asker_id=team["partner"].id)
    assert "employer-to-employer" in text_of(page)
    assert partnerships.membership_of(team["p"].id, leader.id).stage == "suggested"
    _decide(client, team, leader, "someone_else", asker_id=team["partner"].id, reason="Her board seat")
    sign_in(client, team["users"]["convener"])
    _launch(client, team, 45)
    ask = _ask(db, leader)
    assert (ask.owner_id, ask.asker_reason) == (team["partner"].id, "Her board seat")
    # the task page: handing it to the convener without a reason is refused, nothing changes
    page = client.post(f"/tasks/{ask.id}", data={"action": "assign", "owner_id": team["convener"].id},
                       follow_redirects=True)
    assert "employer-to-employer" in text_of(page) and _ask(db, leader).owner_id == team["partner"].id
    client.post(f"/tasks/{ask.id}", data={"action": "assign", "owner_id": team["champion"].id})
    assert _ask(db, leader).owner_id == team["champion"].id and _ask(db, leader).asker_reason is None
    # ... and the decision it records keeps the plan from handing it back
    outreach.move_meeting(db.session.get(Meeting, ask.meeting_id), utcnow() + timedelta(days=50))
    db.session.commit()
    assert _ask(db, leader).owner_id == team["champion"].id


def test_a_launch_ten_days_out_warns_on_the_meeting_page_the_timeline_and_the_api(client, db, team, bearer):
    sign_in(client, team["users"]["chair"])
    _decide(client, team, team["leaders"][0], "ill_ask")
    sign_in(client, team["users"]["convener"])
    meeting_url = _launch(client, team, 10).headers["Location"]
    page = text_of(client.get(meeting_url))
    assert "Short notice" in page and "set 10 days ahead" in page
    assert "Short notice" in text_of(client.get(f"/partnerships/{team['p'].id}/outreach"))
    headers = bearer(team["users"]["convener"])
    [meeting] = client.get(f"/api/v1/partnerships/{team['p'].id}/meetings", headers=headers).json
    assert [w["code"] for w in meeting["warnings"]] == ["short_notice"]
    tasks = client.get(f"/api/v1/partnerships/{team['p'].id}/tasks", headers=headers).json["items"]
    ask = next(t for t in tasks if t["kind"] == "ask")
    assert [w["code"] for w in ask["warnings"]] == ["short_notice"] and ask["warnings"][0]["message"]
    assert next(t for t in tasks if t["kind"] == "send_summary")["warnings"] == []


def test_a_second_meeting_83_days_after_the_launch_warns(client, db, team, bearer):
    headers = bearer(team["users"]["convener"])
    launch = utcnow() + timedelta(days=30)
    client.post(f"/api/v1/partnerships/{team['p'].id}/meetings", json={"starts_at": launch.isoformat()},
                headers=headers)
    second = client.post(f"/api/v1/partnerships/{team['p'].id}/meetings",
                         json={"kind": "second", "starts_at": (launch + timedelta(days=83)).isoformat()},
                         headers=headers)
    assert second.status_code == 201
    assert [w["code"] for w in second.json["warnings"]] == ["second_meeting_late"]
    sign_in(client, team["users"]["convener"])
    assert "Second meeting late" in text_of(client.get(f"/meetings/{second.json['id']}"))


def test_the_meeting_form_sets_chairs_host_start_end_and_place_and_warns_outside_the_workbook(client, db, team):
    sign_in(client, team["users"]["convener"])
    day = local(utcnow() + timedelta(days=40), "UTC").date()
    college = team["partner"].organisation
    response = client.post(f"/partnerships/{team['p'].id}/outreach/meetings", data={
        "kind": "launch", "starts_at": f"{day}T08:00", "ends_at": f"{day}T10:00", "location": "Lane College hall",
        "host_organisation_id": college.id, "chair_ids": [team["chair"].id, team["champion"].id,
                                                          team["partner"].id, team["convener"].id]},
        follow_redirects=True)
    page = text_of(response)
    assert "4 chairs" in page and "launch has 1-3" in page and "host is not an employer" in page
    meeting = db.session.scalar(select(Meeting).where(Meeting.partnership_id == team["p"].id))
    assert (meeting.location, meeting.host_organisation_id, len(meeting.chairs)) == ("Lane College hall", college.id, 4)
    assert local(meeting.ends_at, "UTC").hour == 10
    # editable later: two chairs, an employer host; an end before the start is refused, nothing lost
    employer = team["chair"].organisation
    refused = client.post(f"/meetings/{meeting.id}/edit", data={
        "starts_at": f"{day}T08:00", "ends_at": f"{day}T07:00", "location": "Acme HQ",
        "host_organisation_id": employer.id, "chair_ids": [team["chair"].id]})
    assert refused.status_code == 400 and "end after it starts" in text_of(refused)
    assert 'value="Acme HQ"' in refused.get_data(as_text=True)
    saved = client.post(f"/meetings/{meeting.id}/edit", data={
        "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00", "location": "Acme HQ",
        "host_organisation_id": employer.id, "chair_ids": [team["chair"].id, team["champion"].id]},
        follow_redirects=True)
    assert "Meeting saved" in text_of(saved)
    meeting = db.session.get(Meeting, meeting.id)
    assert ([c.id for c in meeting.chairs], meeting.host_organisation_id, meeting.location) == (
        [team["chair"].id, team["champion"].id], employer.id, "Acme HQ")
    assert "launch has 1-3" not in text_of(saved) and "host is not an employer" not in text_of(saved)


def test_a_missing_chair_or_host_id_is_refused_and_nothing_is_saved(client, db, team):
    sign_in(client, team["users"]["convener"])
    day = local(utcnow() + timedelta(days=40), "UTC").date()
    for bad, message in (({"chair_ids": [999999]}, "does not exist"),
                         ({"host_organisation_id": 999999}, "Not a valid choice")):
        response = client.post(f"/partnerships/{team['p'].id}/outreach/meetings", data={
            "kind": "launch", "starts_at": f"{day}T08:00", "title": "Typed title", **bad})
        assert response.status_code == 400 and message in text_of(response)
        assert 'value="Typed title"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Meeting).where(Meeting.partnership_id == team["p"].id)) is None


def test_a_task_of_ones_own_from_the_partnership_and_person_pages_reaches_my_tasks_digest_and_ics(
        client, db, team):
    leader = team["leaders"][0]
    today = local(utcnow(), default_timezone()).date()
    sign_in(client, team["users"]["chair"])
    outreach_page = client.get(f"/partnerships/{team['p'].id}/outreach").get_data(as_text=True)
    assert "Add a task of your own" in outreach_page
    added = client.post(f"/partnerships/{team['p'].id}/tasks", data={
        "title": "Call the mayor's office", "due": today.isoformat(), "owner_id": team["chair"].id},
        follow_redirects=True)
    assert "Task added: Call the mayor" in text_of(added)
    person_page = client.get(f"/people/{leader.id}").get_data(as_text=True)
    assert f"Add a task about {leader.name}" in person_page
    client.post(f"/partnerships/{team['p'].id}/tasks", data={
        "title": "Send the plant tour dates", "due": today.isoformat(), "owner_id": team["chair"].id,
        "person_id": leader.id, "next": f"/people/{leader.id}"})
    custom = db.session.scalars(select(Task).where(Task.kind == "custom").order_by(Task.id)).all()
    assert [(t.title, t.person_id, t.owner_id) for t in custom] == [
        ("Call the mayor's office", None, team["chair"].id), ("Send the plant tour dates", leader.id, team["chair"].id)]
    mine = text_of(client.get("/tasks?view=today"))
    assert "Call the mayor" in mine and "Send the plant tour dates" in mine
    team["users"]["chair"].ics_token_hash = token_digest("carla-feed")
    db.session.commit()
    feed = client.get("/calendar/carla-feed.ics").get_data(as_text=True)
    assert "Call the mayor" in feed and "Send the plant tour dates" in feed
    digest.queue_digests({"PARTNERSHIP_DEFAULT_TIMEZONE": default_timezone()})
    db.session.commit()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.idempotency_key.like("digest:%")))
    assert "Call the mayor" in body and "Send the plant tour dates" in body
    # refused: no owner, nothing added, a clear message
    refused = client.post(f"/partnerships/{team['p'].id}/tasks", data={"title": "x", "due": today.isoformat()},
                          follow_redirects=True)
    assert "Choose who does it" in text_of(refused)
    assert len(db.session.scalars(select(Task).where(Task.kind == "custom")).all()) == 2
