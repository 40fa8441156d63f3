"""Attendance at the launch's door (issue 14 item 1): the invitee list accepted first, one tap
per person (a plain form post, and the htmx fragment), walk-ins matched or new, invited
no-shows, the room's business-led ratio; the plan's steps follow (recruit one more per
attendee, asks closed as done); the API says the same; other partnerships' people are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.contacts.models import Person
from crm.extensions import db as _db
from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.partnerships.models import Invitation, Membership
from crm.timeutil import utcnow
from tests.helpers import invite, shown_text
from tests.web.world import sign_in, snapshot


@pytest.fixture
def door(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region Door", timezone="UTC")
    other = make_partnership("Elsewhere", timezone="UTC")
    employer = make_org("Prescott Precision")
    college = make_org("Front Range College", kind="community_college")
    chair = make_person("Karen Alvarez", org=employer)
    ann = make_person("Ann Accepted", org=employer)
    zed = make_person("Zed Pending", org=make_org("Zed Tools"))
    dee = make_person("Dee Declined", org=college)
    stranger = make_person("Sam Stranger", org=employer)
    hidden = make_person("Hidden Elsewhere", org=employer)
    add_member(p, chair, "chair", "champion")
    add_member(p, ann, "member", "accepted")
    add_member(p, zed, "member", "asked")
    add_member(p, dee, "community_partner", "declined")
    add_member(other, hidden)
    meeting = outreach.create_meeting(p, utcnow() - timedelta(hours=1), "launch", chair_ids=[chair.id])
    invite(meeting, (ann, "accepted"), (zed, "pending"), (dee, "declined"))
    db.session.commit()
    convener = make_user("door.convener@example.org", "convener", partnerships=[p])
    chair_user = make_user("door.chair@example.org", "chair", partnerships=[p], person=chair)
    viewer = make_user("door.viewer@example.org", "viewer", partnerships=[p])
    return dict(p=p, meeting=meeting, ann=ann, zed=zed, dee=dee, stranger=stranger, hidden=hidden,
                convener=convener, chair=chair_user, viewer=viewer)


def _mark(client, meeting, person, present=True, **headers):
    return client.post(f"/meetings/{meeting.id}/attendance", data={"person_id": person.id,
                                                                    "present": "1" if present else "0"},
                       headers=headers)


def test_the_door_lists_accepted_first_and_knows_the_invited_no_shows(client, door):
    sign_in(client, door["convener"])
    page = shown_text(client.get(f"/meetings/{door['meeting'].id}/attendance"))
    assert page.index("Ann Accepted") < page.index("Zed Pending") < page.index("Dee Declined")
    starts = door["meeting"].starts_at  # the partnership is in UTC: the day as the task lists write it
    assert f"{starts:%a %d %b %Y %H:%M} UTC" in page
    assert "3 invited not here" in page


def test_one_tap_marks_present_moves_the_stage_and_the_plan_follows(client, door):
    sign_in(client, door["convener"])
    meeting, ann = door["meeting"], door["ann"]
    response = _mark(client, meeting, ann)
    assert response.status_code == 303
    assert _db.session.scalar(select(Invitation.attended).where(Invitation.person_id == ann.id)) is True
    membership = _db.session.scalar(select(Membership).where(Membership.person_id == ann.id))
    assert membership.stage == "attended"
    assert _db.session.scalar(select(Task.owner_id).where(
        Task.meeting_id == meeting.id, Task.step_key == f"recruit_one_more:{ann.id}")) == ann.id
    # undone: not present, back to accepted, the plan's step closed
    _mark(client, meeting, ann, present=False)
    assert _db.session.scalar(select(Membership.stage).where(Membership.person_id == ann.id)) == "accepted"
    assert _db.session.scalar(select(Task.status).where(
        Task.meeting_id == meeting.id, Task.step_key == f"recruit_one_more:{ann.id}")) == "cancelled"


def test_a_tap_through_htmx_answers_the_list_and_the_room(client, door):
    sign_in(client, door["chair"])
    response = _mark(client, door["meeting"], door["ann"], **{"HX-Request": "true"})
    assert response.status_code == 200
    text = shown_text(response)
    assert 'id="door"' in response.get_data(as_text=True) and "<html" not in response.get_data(as_text=True)
    assert "1 employer" in text and "100%" in text


def test_the_ratio_counts_employers_against_community_partners_present(client, door):
    sign_in(client, door["convener"])
    for who in ("ann", "dee"):
        _mark(client, door["meeting"], door[who])
    text = shown_text(client.get(f"/meetings/{door['meeting'].id}/attendance"))
    assert "1 employer" in text and "1 community partner" in text and "50%" in text
    assert "2 invited not here" not in text and "1 invited not here" in text


def test_a_known_walk_in_is_matched_as_you_type_and_comes_in_as_a_member(client, door):
    sign_in(client, door["convener"])
    meeting, stranger = door["meeting"], door["stranger"]
    choices = client.get(f"/meetings/{meeting.id}/attendance/people-search?q=Sam")
    assert "Sam Stranger" in shown_text(choices)
    hidden = client.get(f"/meetings/{meeting.id}/attendance/people-search?q=Hidden")
    assert "Hidden Elsewhere" in shown_text(hidden)  # a convener sees the contact base
    response = client.post(f"/meetings/{meeting.id}/walk-ins", data={"person_id": stranger.id})
    assert response.status_code == 303
    invitation = _db.session.scalar(select(Invitation).where(Invitation.person_id == stranger.id))
    assert invitation.walk_in and invitation.attended
    assert _db.session.scalar(select(Membership.stage).where(
        Membership.person_id == stranger.id, Membership.partnership_id == door["p"].id)) == "attended"
    # a walk-in unmarked is gone from the list, never a no-show
    _mark(client, meeting, stranger, present=False)
    assert _db.session.scalar(select(Invitation).where(Invitation.person_id == stranger.id)) is None


def test_a_new_walk_in_becomes_a_person_at_a_new_organisation(client, door):
    sign_in(client, door["convener"])
    meeting = door["meeting"]
    response = client.post(f"/meetings/{meeting.id}/walk-ins",
                           data={"name": "Nia New", "organisation_name": "Brand New Co", "side": "employer"})
    assert response.status_code == 303
    nia = _db.session.scalar(select(Person).where(Person.name == "Nia New"))
    assert nia.organisation.side == "employer"
    assert _db.session.scalar(select(Invitation.attended).where(Invitation.person_id == nia.id)) is True


def test_a_new_walk_in_without_a_side_for_a_new_organisation_keeps_what_was_typed(client, door):
    sign_in(client, door["convener"])
    before = _db.session.scalar(select(func.count(Person.id)))
    response = client.post(f"/meetings/{door['meeting'].id}/walk-ins",
                           data={"name": "Olu <b>Typed</b>", "organisation_name": "Unknown Org",
                                 "email": "olu@x.example"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "employer or a community partner" in shown_text(response)
    assert 'value="Olu &lt;b&gt;Typed&lt;/b&gt;"' in html and 'value="olu@x.example"' in html
    assert _db.session.scalar(select(func.count(Person.id))) == before


def test_a_viewer_may_not_take_attendance_and_another_partnerships_convener_sees_nothing(client, door, make_user):
    meeting = door["meeting"]
    sign_in(client, door["viewer"])
    assert client.get(f"/meetings/{meeting.id}/attendance").status_code == 403
    assert _mark(client, meeting, door["ann"]).status_code == 403
    outsider = make_user("outsider@example.org", "convener", partnerships=[])
    sign_in(client, outsider)
    assert client.get(f"/meetings/{meeting.id}/attendance").status_code == 404


def test_a_chair_cannot_mark_someone_they_may_not_see(client, door):
    sign_in(client, door["chair"])
    before = snapshot()
    response = _mark(client, door["meeting"], door["hidden"])
    assert response.status_code == 303
    assert snapshot() == before
    response = client.post(f"/meetings/{door['meeting'].id}/walk-ins", data={"person_id": door["hidden"].id})
    assert response.status_code == 400 and "No such person" in shown_text(response)
    assert snapshot() == before


def test_the_api_marks_attendance_and_answers_the_room(client, door, bearer):
    meeting = door["meeting"]
    headers = bearer(door["chair"])
    url = f"/api/v1/meetings/{meeting.id}/attendance"
    response = client.post(url, json={"person_id": door["ann"].id, "present": True}, headers=headers)
    assert response.status_code == 200, response.json
    client.post(url, json={"person_id": door["dee"].id, "present": True}, headers=headers)
    client.post(url, json={"person_id": door["stranger"].id, "present": True}, headers=bearer(door["convener"]))
    data = client.get(f"/api/v1/meetings/{meeting.id}", headers=bearer(door["viewer"])).json
    attendance = data["attendance"]
    assert attendance["present"] == sorted([door["ann"].id, door["dee"].id, door["stranger"].id])
    assert attendance["no_show"] == [door["zed"].id]
    assert (attendance["employers"], attendance["community"]) == (2, 1)
    assert attendance["business_led_ratio"] == pytest.approx(0.667)
    refused = client.post(url, json={"person_id": door["hidden"].id, "present": True}, headers=headers)
    assert refused.status_code == 400 and refused.json["error"]["fields"] == {"person_id": ["not found"]}
    assert client.post(url, json={"person_id": door["ann"].id, "present": True},
                       headers=bearer(door["viewer"])).status_code == 403
    bad = client.post(url, json={"person_id": door["ann"].id, "present": "yes"}, headers=headers)
    assert bad.status_code == 400


def test_once_the_launch_is_over_no_shows_get_a_reconnect_and_only_employers_recruit_one_more(client, door):
    meeting = door["meeting"]
    meeting.starts_at = utcnow() - timedelta(hours=3)  # the door is closed: the launch is over
    _db.session.commit()
    sign_in(client, door["convener"])
    for who in ("ann", "dee"):  # an employer and a community partner came
        _mark(client, meeting, door[who])
    steps = {t.step_key: t for t in _db.session.scalars(select(Task).where(Task.meeting_id == meeting.id))}
    assert f"recruit_one_more:{door['ann'].id}" in steps
    assert f"recruit_one_more:{door['dee'].id}" not in steps
    reconnect = steps[f"reconnect:{door['zed'].id}"]
    assert (reconnect.kind, reconnect.status, reconnect.person_id) == ("reconnect", "open", door["zed"].id)
    came = steps.get(f"reconnect:{door['ann'].id}")  # the move of the meeting made it; her tap closed it
    assert came is None or came.status == "cancelled"
    _mark(client, meeting, door["zed"])  # there after all: the reconnect closes
    assert _db.session.get(Task, reconnect.id).status == "cancelled"
