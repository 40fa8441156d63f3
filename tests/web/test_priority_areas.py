"""Priority areas and champions (issue 14 items 2 and 4): entered in the browser and the API
with their opportunities and requirements, several champions and one lead, an area with no
champion shown "not a priority now"; the plan gives each area with a champion its champion
call owned by the lead (and none to an area without one); other partnerships' people and areas
are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.partnerships.models import Membership, PriorityArea
from crm.timeutil import utcnow
from tests.helpers import shown_text
from tests.web.world import sign_in, snapshot


@pytest.fixture
def wall(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region Wall", timezone="UTC")
    other = make_partnership("Elsewhere Wall", timezone="UTC")
    employer = make_org("Prescott Precision")
    karen = make_person("Karen Alvarez", org=employer)
    robin = make_person("Robin Castillo", org=employer)
    hidden = make_person("Hidden Elsewhere", org=employer)
    add_member(p, karen, "member", "attended")
    add_member(p, robin, "member", "accepted")
    add_member(other, hidden)
    meeting = outreach.create_meeting(p, utcnow() - timedelta(days=1), "launch")
    db.session.commit()
    return dict(p=p, other=other, karen=karen, robin=robin, hidden=hidden, meeting=meeting,
                convener=make_user("wall.convener@example.org", "convener", partnerships=[p]),
                viewer=make_user("wall.viewer@example.org", "viewer", partnerships=[p]),
                chair=make_user("wall.chair@example.org", "chair", partnerships=[p], person=karen),
                outsider=make_user("wall.outsider@example.org", "convener", partnerships=[other]))


def _calls(db, meeting):
    return {t.priority_area_id: (t.owner_id, t.status) for t in db.session.scalars(
        select(Task).where(Task.meeting_id == meeting.id, Task.kind == "champion_call"))}


def test_an_area_entered_in_the_browser_is_not_a_priority_until_a_champion_and_then_gets_its_call(client, db, wall):
    sign_in(client, wall["convener"])
    p = wall["p"]
    response = client.post(f"/partnerships/{p.id}/priority-areas", data={
        "name": "Talent pipeline", "opportunities": "Apprenticeships\n\n apprenticeships\nShared training",
        "requirements": "A college partner"})
    assert response.status_code == 303
    area = db.session.scalar(select(PriorityArea).where(PriorityArea.name == "Talent pipeline"))
    page = shown_text(client.get(f"/partnerships/{p.id}/priority-areas"))
    assert "Not a priority now" in page and "Shared training" in page and "A college partner" in page
    assert _calls(db, wall["meeting"]) == {}
    client.post(f"/priority-areas/{area.id}/champions", data={"person_id": wall["robin"].id})
    client.post(f"/priority-areas/{area.id}/champions", data={"person_id": wall["karen"].id, "lead": "1"})
    page = shown_text(client.get(f"/partnerships/{p.id}/priority-areas"))
    assert "Not a priority now" not in page and "Lead" in page
    assert _calls(db, wall["meeting"]) == {area.id: (wall["karen"].id, "open")}
    assert db.session.scalar(select(Membership.stage).where(Membership.person_id == wall["robin"].id)) == "champion"
    # a new lead takes the call over; the old one stays a champion
    client.post(f"/priority-areas/{area.id}/champions", data={"person_id": wall["robin"].id, "lead": "on"})
    assert _calls(db, wall["meeting"]) == {area.id: (wall["robin"].id, "open")}


def test_a_bad_area_keeps_what_was_typed_and_changes_nothing(client, db, wall):
    sign_in(client, wall["convener"])
    before = snapshot()
    response = client.post(f"/partnerships/{wall['p'].id}/priority-areas", data={
        "name": "  ", "opportunities": "<b>kept</b>", "requirements": "x"})
    assert response.status_code == 400
    assert "Name the area" in shown_text(response) and "&lt;b&gt;kept&lt;/b&gt;" in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_api_lists_creates_and_champions_areas(client, db, wall, bearer):
    p, headers = wall["p"], bearer(wall["convener"])
    made = client.post(f"/api/v1/partnerships/{p.id}/priority-areas", headers=headers, json={
        "name": "Supply chain", "opportunities": ["Local suppliers"], "requirements": ["Data", " data "]})
    assert made.status_code == 201, made.json
    assert made.json["is_priority"] is False and made.json["requirements"] == ["Data"]
    area_id = made.json["id"]
    again = client.post(f"/api/v1/partnerships/{p.id}/priority-areas", headers=headers, json={"name": "supply chain"})
    assert again.status_code == 400 and "name" in again.json["error"]["fields"]
    done = client.post(f"/api/v1/priority-areas/{area_id}/champions", headers=headers,
                       json={"person_id": wall["karen"].id, "lead": True})
    assert done.status_code == 200
    assert (done.json["champion_ids"], done.json["lead_id"], done.json["is_priority"]) == (
        [wall["karen"].id], wall["karen"].id, True)
    listed = client.get(f"/api/v1/partnerships/{p.id}/priority-areas", headers=bearer(wall["viewer"])).json
    assert [a["name"] for a in listed] == ["Supply chain"]
    chair = bearer(wall["chair"])
    before = snapshot()
    refused = client.post(f"/api/v1/priority-areas/{area_id}/champions", headers=chair,
                          json={"person_id": wall["hidden"].id})  # a chair sees only the partnership's people
    assert refused.status_code == 400 and refused.json["error"]["fields"] == {"person_id": ["not found"]}
    assert snapshot() == before
    assert client.post(f"/api/v1/priority-areas/{area_id}/champions", headers=bearer(wall["viewer"]),
                       json={"person_id": wall["karen"].id}).status_code == 403
    assert client.post(f"/api/v1/priority-areas/{area_id}/champions", headers=bearer(wall["outsider"]),
                       json={"person_id": wall["karen"].id}).status_code == 404
    assert client.get(f"/api/v1/partnerships/{p.id}/priority-areas",
                      headers=bearer(wall["outsider"])).status_code == 404
