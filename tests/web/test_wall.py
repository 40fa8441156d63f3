"""The commitments wall (issue 14 item 2): notes captured first, not yet in an area, then
clustered into areas (moved, sent back, removed), areas renamed, champions' names put on and
taken off; referrals named by an attendee becoming a person (matched if known), a `referred`
tie at the meeting and a candidate membership. Pages, htmx fragments and the API; other
partnerships' ids answer as missing ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.contacts.models import Person, Tie
from crm.extensions import db as _db
from crm.launch import referrals, wall
from crm.launch import services as door
from crm.launch.priorities import AreaError, add_champion, create_area
from crm.outreach import services as outreach
from crm.partnerships.models import Membership, PriorityArea, PriorityNote
from crm.timeutil import utcnow
from tests.helpers import shown_text
from tests.web.world import sign_in, snapshot


@pytest.fixture
def room(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region Room", timezone="UTC")
    other = make_partnership("Elsewhere Room", timezone="UTC")
    employer = make_org("Verde Machining")
    karen = make_person("Karen Alvarez", org=employer)
    robin = make_person("Robin Castillo", org=employer)
    known = make_person("Lee Okafor", org=make_org("Mesa Fabrication"), email="lee@mesa.example")
    hidden = make_person("Hidden Elsewhere", org=employer)
    add_member(p, karen, "member", "accepted")
    add_member(p, robin, "member", "accepted")
    add_member(other, hidden)
    meeting = outreach.create_meeting(p, utcnow() - timedelta(hours=1), "launch")
    other_meeting = outreach.create_meeting(other, utcnow() - timedelta(hours=1), "launch")
    door.set_present(meeting, karen, True)
    db.session.commit()
    return dict(p=p, other=other, karen=karen, robin=robin, known=known, hidden=hidden, meeting=meeting,
                other_meeting=other_meeting,
                convener=make_user("room.convener@example.org", "convener", partnerships=[p]),
                viewer=make_user("room.viewer@example.org", "viewer", partnerships=[p]),
                chair=make_user("room.chair@example.org", "chair", partnerships=[p], person=karen),
                outsider=make_user("room.outsider@example.org", "convener", partnerships=[other]))


# --- the services ------------------------------------------------------------------------------

def test_notes_are_captured_before_any_area_and_clustered_after(db, room):
    p, meeting = room["p"], room["meeting"]
    notes = wall.add_notes(p, "opportunity", ["Apprenticeships", " apprenticeships ", "", "Shared tooling"], meeting)
    assert [(n.text, n.priority_area_id, n.meeting_id) for n in notes] == [
        ("Apprenticeships", None, meeting.id), ("Shared tooling", None, meeting.id)]
    assert wall.add_notes(p, "opportunity", ["APPRENTICESHIPS", "Night classes"])[0].text == "Night classes"
    area = create_area(p, "Talent pipeline")
    wall.move_note(notes[0], area)
    db.session.commit()
    assert [n.text for n in area.notes] == ["Apprenticeships"]
    assert [n.text for n in wall.unsorted(wall.notes_of(p.id))] == ["Shared tooling", "Night classes"]
    wall.move_note(notes[0], None)
    assert area.notes == [] and notes[0].priority_area_id is None


def test_a_note_cannot_go_to_another_partnerships_area(db, room):
    note = wall.add_notes(room["p"], "requirement", ["A college partner"])[0]
    elsewhere = create_area(room["other"], "Elsewhere area")
    with pytest.raises(AreaError):
        wall.move_note(note, elsewhere)


def test_an_area_removed_sends_its_notes_back_to_the_wall(db, room):
    area = create_area(room["p"], "Supply chain", ["Local suppliers"])
    db.session.commit()
    _db.session.delete(area)
    db.session.commit()
    assert [(n.text, n.priority_area_id) for n in wall.notes_of(room["p"].id)] == [("Local suppliers", None)]


def test_renaming_keeps_names_unique_in_the_partnership(db, room):
    first, second = create_area(room["p"], "Talent"), create_area(room["p"], "Supply")
    assert wall.rename_area(first, "  Talent   pipeline ").name == "Talent pipeline"
    assert wall.rename_area(first, "talent PIPELINE").name == "talent PIPELINE"  # its own name, recased
    with pytest.raises(AreaError, match="already has an area named"):
        wall.rename_area(second, "Talent pipeline")


def test_taking_a_champion_off_keeps_their_membership_and_may_end_the_priority(db, room):
    area = create_area(room["p"], "Talent")
    add_champion(area, room["karen"], lead=True)
    add_champion(area, room["robin"])
    wall.remove_champion(area, room["karen"].id)
    assert [(c.person_id, c.lead) for c in area.champions] == [(room["robin"].id, False)]
    wall.remove_champion(area, room["robin"].id)
    assert area.champions == []
    assert db.session.scalar(select(Membership.stage).where(Membership.person_id == room["robin"].id)) == "champion"
    with pytest.raises(AreaError):
        wall.remove_champion(area, room["robin"].id)


def test_a_referral_makes_a_person_a_referred_tie_and_a_candidate_once(db, room):
    meeting, karen = room["meeting"], room["karen"]
    made = referrals.refer(meeting, karen, "Dana Whitfield", room["convener"], "Copper State Tooling",
                           "Dana@Copper.example", "Plant manager")
    assert (made.person_created, made.tie_created, made.membership_created) == (True, True, True)
    assert made.person.organisation.name == "Copper State Tooling" and made.person.organisation.side == "employer"
    assert (made.tie.kind, made.tie.source_id, made.tie.meeting_id) == ("referred", karen.id, meeting.id)
    assert (made.membership.stage, made.membership.role) == ("candidate", "member")
    again = referrals.refer(meeting, karen, "dana whitfield", room["convener"], email="dana@copper.example")
    assert again.person.id == made.person.id and not again.created
    assert db.session.scalar(select(func.count(Person.id)).where(Person.name == "Dana Whitfield")) == 1


def test_a_referral_matches_a_known_person_by_email_or_name_at_their_organisation(db, room):
    by_email = referrals.refer(room["meeting"], room["karen"], "L. Okafor", room["convener"], email="LEE@mesa.example")
    by_name = referrals.refer(room["meeting"], room["karen"], "Lee Okafor", room["convener"], "Mesa Fabrication")
    assert by_email.person.id == by_name.person.id == room["known"].id
    assert by_email.person_created is False and by_email.membership_created is True
    assert by_name.created is False


def test_a_referral_is_refused_from_someone_not_in_the_room_or_of_someone_in_it(db, room):
    with pytest.raises(referrals.ReferralError) as error:
        referrals.refer(room["meeting"], room["robin"], "Dana Whitfield", room["convener"])
    assert error.value.field == "referrer_id"
    door.set_present(room["meeting"], room["robin"], True)
    with pytest.raises(referrals.ReferralError, match="in the room"):
        referrals.refer(room["meeting"], room["karen"], "Robin Castillo", room["convener"], "Verde Machining")
    assert db.session.scalar(select(func.count(Tie.id)).where(Tie.kind == "referred")) == 0


def test_a_chair_never_matches_someone_they_may_not_see(db, room):
    made = referrals.refer(room["meeting"], room["karen"], "Hidden Elsewhere", room["chair"], "Verde Machining")
    assert made.person_created and made.person.id != room["hidden"].id


def test_notes_written_at_the_wall_are_the_partnerships(db, room):
    with pytest.raises(AreaError):
        wall.add_notes(room["p"], "opportunity", ["x"], room["other_meeting"])
    with pytest.raises(AreaError, match="opportunity or a requirement"):
        wall.add_notes(room["p"], "idea", ["x"])
    assert db.session.scalar(select(func.count(PriorityNote.id))) == 0


# --- the page and its forms -------------------------------------------------------------------

HX = {"HX-Request": "true"}


def test_a_convener_builds_the_wall_through_the_forms_with_and_without_htmx(client, db, room):
    sign_in(client, room["convener"])
    meeting = room["meeting"]
    base = f"/meetings/{meeting.id}/wall"
    response = client.post(f"{base}/notes", data={"text": "Apprenticeships\nShared tooling", "kind": "opportunity"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{base}#capture")
    fragment = client.post(f"{base}/notes", data={"text": "A college partner", "kind": "requirement"}, headers=HX)
    assert fragment.status_code == 200 and fragment.get_data(as_text=True).lstrip().startswith('<div id="wall">')
    assert client.post(f"{base}/areas", data={"name": "Talent pipeline"}, headers=HX).status_code == 200
    area = db.session.scalar(select(PriorityArea).where(PriorityArea.name == "Talent pipeline"))
    note = db.session.scalar(select(PriorityNote).where(PriorityNote.text == "Apprenticeships"))
    assert client.post(f"{base}/notes/{note.id}/area", data={"priority_area_id": area.id}).status_code == 303
    page = shown_text(client.get(base))
    assert "Not a priority now" in page and "To sort 2" in page
    client.post(f"{base}/areas/{area.id}/champions", data={"person_id": room["karen"].id, "lead": "yes"}, headers=HX)
    client.post(f"{base}/areas/{area.id}/champions", data={"person_id": room["robin"].id}, headers=HX)
    page = shown_text(client.get(base))
    assert "Not a priority now" not in page and "Lead" in page
    assert client.post(f"{base}/areas/{area.id}/name", data={"name": "Talent & skills"}).status_code == 303
    assert db.session.get(PriorityArea, area.id).name == "Talent & skills"
    client.post(f"{base}/areas/{area.id}/champions/{room['karen'].id}/delete", headers=HX)
    client.post(f"{base}/areas/{area.id}/champions/{room['robin'].id}/delete", headers=HX)
    assert "Not a priority now" in shown_text(client.get(base))
    client.post(f"{base}/notes/{note.id}/area", data={"priority_area_id": ""}, headers=HX)
    assert db.session.get(PriorityNote, note.id).priority_area_id is None
    note_id = note.id
    assert client.post(f"{base}/notes/{note_id}/delete", headers=HX).status_code == 200
    assert db.session.get(PriorityNote, note_id) is None


def test_a_bad_note_keeps_what_was_typed_and_changes_nothing(client, db, room):
    sign_in(client, room["convener"])
    base = f"/meetings/{room['meeting'].id}/wall"
    before = snapshot()
    long_note = "<b>kept</b> " + "x" * 600
    response = client.post(f"{base}/notes", data={"text": long_note, "kind": "opportunity"})
    assert response.status_code == 400 and "at most 500 characters" in shown_text(response)
    assert "&lt;b&gt;kept&lt;/b&gt;" in response.get_data(as_text=True)
    fragment = client.post(f"{base}/notes", data={"text": "x", "kind": "idea"}, headers=HX)
    assert fragment.status_code == 400 and "opportunity or a requirement" in shown_text(fragment)
    assert client.post(f"{base}/areas", data={"name": " "}).status_code == 400
    assert snapshot() == before


def test_another_partnerships_area_or_note_answers_as_a_missing_one(client, db, room):
    sign_in(client, room["convener"])
    base = f"/meetings/{room['meeting'].id}/wall"
    note = wall.add_notes(room["p"], "opportunity", ["Mine"])[0]
    theirs = wall.add_notes(room["other"], "opportunity", ["Theirs"])[0]
    elsewhere = create_area(room["other"], "Elsewhere area")
    db.session.commit()
    before = snapshot()
    answers = [client.post(f"{base}/notes/{note.id}/area", data={"priority_area_id": area_id}, headers=HX)
               for area_id in (elsewhere.id, 99999)]
    assert [a.status_code for a in answers] == [400, 400]
    assert all("No such priority area." in shown_text(a) for a in answers)  # tests/security compares them whole
    assert client.post(f"{base}/notes/{theirs.id}/delete").status_code == 404
    assert client.post(f"{base}/areas/{elsewhere.id}/name", data={"name": "x"}).status_code == 404
    assert snapshot() == before


def test_a_viewer_reads_the_wall_without_its_forms(client, db, room):
    wall.add_notes(room["p"], "opportunity", ["Apprenticeships"])
    db.session.commit()
    sign_in(client, room["viewer"])
    response = client.get(f"/meetings/{room['meeting'].id}/wall")
    assert response.status_code == 200 and "Apprenticeships" in shown_text(response)
    assert 'name="priority_area_id"' not in response.get_data(as_text=True)


def test_a_referral_through_the_form_makes_a_candidate_and_is_listed(client, db, room):
    sign_in(client, room["convener"])
    base = f"/meetings/{room['meeting'].id}/wall"
    response = client.post(f"{base}/referrals", data={"referrer_id": room["karen"].id, "name": "Dana Whitfield",
                                                       "organisation_name": "Copper State Tooling",
                                                       "side": "employer"})
    assert response.status_code == 303
    dana = db.session.scalar(select(Person).where(Person.name == "Dana Whitfield"))
    tie = db.session.scalar(select(Tie).where(Tie.kind == "referred", Tie.target_id == dana.id))
    assert (tie.source_id, tie.meeting_id, tie.partnership_id) == (room["karen"].id, room["meeting"].id, room["p"].id)
    assert db.session.scalar(select(Membership.stage).where(Membership.person_id == dana.id)) == "candidate"
    page = shown_text(client.get(base))
    assert "Dana Whitfield" in page and "named by Karen Alvarez" in page
    # the form speaks the UI's spelling (the API's field is `organization_name` by design)
    assert "Organisation" in page and "If the organisation is new" in page and "rganization" not in page
    before = snapshot()
    refused = client.post(f"{base}/referrals", data={"referrer_id": room["robin"].id, "name": "Sam <i>Lee</i>"})
    assert refused.status_code == 400 and "marked present" in shown_text(refused)
    assert "Sam &lt;i&gt;Lee&lt;/i&gt;" in refused.get_data(as_text=True)
    assert snapshot() == before


# --- the API ---------------------------------------------------------------------------------

def test_the_api_captures_sorts_and_removes_wall_notes(client, db, room, bearer):
    p, headers = room["p"], bearer(room["convener"])
    area = create_area(p, "Talent pipeline")
    db.session.commit()
    made = client.post(f"/api/v1/partnerships/{p.id}/priority-notes", headers=headers,
                       json={"kind": "opportunity", "text": "  Shared   tooling ", "meeting_id": room["meeting"].id})
    assert made.status_code == 201, made.json
    assert (made.json["text"], made.json["priority_area_id"], made.json["meeting_id"]) == (
        "Shared tooling", None, room["meeting"].id)
    again = client.post(f"/api/v1/partnerships/{p.id}/priority-notes", headers=headers,
                        json={"kind": "opportunity", "text": "shared tooling"})
    assert again.status_code == 200 and again.json["id"] == made.json["id"]
    note_id = made.json["id"]
    moved = client.patch(f"/api/v1/priority-notes/{note_id}", headers=headers, json={"priority_area_id": area.id})
    assert moved.status_code == 200 and moved.json["priority_area_id"] == area.id
    listed = client.get(f"/api/v1/partnerships/{p.id}/priority-areas", headers=headers).json
    assert listed[0]["opportunities"] == ["Shared tooling"]
    back = client.patch(f"/api/v1/priority-notes/{note_id}", headers=headers,
                        json={"priority_area_id": None, "text": "Shared CNC tooling"})
    assert (back.json["priority_area_id"], back.json["text"]) == (None, "Shared CNC tooling")
    seen = client.get(f"/api/v1/partnerships/{p.id}/priority-notes", headers=bearer(room["viewer"]))
    assert [n["text"] for n in seen.json] == ["Shared CNC tooling"]
    assert client.delete(f"/api/v1/priority-notes/{note_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/partnerships/{p.id}/priority-notes", headers=headers).json == []


def test_the_notes_api_refuses_other_partnerships_ids_and_bad_input(client, db, room, bearer):
    p, headers = room["p"], bearer(room["convener"])
    viewer, outsider = bearer(room["viewer"]), bearer(room["outsider"])
    note = wall.add_notes(p, "requirement", ["A college partner"])[0]
    elsewhere = create_area(room["other"], "Elsewhere area")
    db.session.commit()
    before = snapshot()
    for body in ({"priority_area_id": elsewhere.id}, {"priority_area_id": 99999}):
        refused = client.patch(f"/api/v1/priority-notes/{note.id}", headers=headers, json=body)
        assert refused.status_code == 400 and refused.json["error"]["fields"] == {"priority_area_id": ["not found"]}
    for body in ({"kind": "idea", "text": "x"}, {"kind": "opportunity", "text": "x", "extra": 1},
                 {"kind": "opportunity", "text": "x", "meeting_id": room["other_meeting"].id},
                 {"kind": "opportunity", "text": "x", "priority_area_id": "1"}):
        assert client.post(f"/api/v1/partnerships/{p.id}/priority-notes", headers=headers,
                           json=body).status_code == 400, body
    assert client.patch(f"/api/v1/priority-notes/{note.id}", headers=headers, json={"text": None}).status_code == 400
    assert client.patch(f"/api/v1/priority-notes/{note.id}", headers=viewer,
                        json={"priority_area_id": None}).status_code == 403
    assert client.delete(f"/api/v1/priority-notes/{note.id}", headers=outsider).status_code == 404
    assert snapshot() == before


def test_the_referrals_api_answers_201_when_made_and_200_when_all_was_there(client, db, room, bearer):
    url, headers = f"/api/v1/meetings/{room['meeting'].id}/referrals", bearer(room["convener"])
    body = {"referrer_id": room["karen"].id, "name": "Dana Whitfield", "organization_name": "Copper State Tooling",
            "email": "dana@copper.example", "title": "Plant manager"}
    made = client.post(url, headers=headers, json=body)
    assert made.status_code == 201, made.json
    assert made.json["created"] == {"person": True, "tie": True, "membership": True}
    assert made.json["person"]["organization_name"] == "Copper State Tooling"
    assert (made.json["tie"]["kind"], made.json["tie"]["source_id"]) == ("referred", room["karen"].id)
    assert made.json["membership"]["stage"] == "candidate"
    again = client.post(url, headers=headers, json={"referrer_id": room["karen"].id, "name": "Dana Whitfield",
                                                     "email": "DANA@copper.example"})
    assert again.status_code == 200 and again.json["person"]["id"] == made.json["person"]["id"]
    known = client.post(url, headers=headers, json={"referrer_id": room["karen"].id, "name": "Lee Okafor",
                                                     "organization_name": "Mesa Fabrication"})
    assert known.status_code == 201 and known.json["person"]["id"] == room["known"].id
    assert known.json["created"] == {"person": False, "tie": True, "membership": True}


def test_the_referrals_api_refuses_a_referrer_not_in_the_room_or_not_visible(client, db, room, bearer):
    url = f"/api/v1/meetings/{room['meeting'].id}/referrals"
    convener, chair, viewer = bearer(room["convener"]), bearer(room["chair"]), bearer(room["viewer"])
    before = snapshot()
    absent = client.post(url, headers=convener, json={"referrer_id": room["robin"].id, "name": "X Y"})
    assert absent.status_code == 400 and "referrer_id" in absent.json["error"]["fields"]
    hidden = client.post(url, headers=chair, json={"referrer_id": room["hidden"].id, "name": "X Y"})
    assert hidden.status_code == 400 and hidden.json["error"]["fields"] == {"referrer_id": ["not found"]}
    bad = client.post(url, headers=convener, json={"referrer_id": room["karen"].id, "name": "X Y",
                                                                   "email": "not-an-email"})
    assert bad.status_code == 400 and "email" in bad.json["error"]["fields"]
    assert client.post(url, headers=viewer, json={"referrer_id": room["karen"].id, "name": "X Y"}).status_code == 403
    assert client.post(f"/api/v1/meetings/{room['other_meeting'].id}/referrals", headers=convener,
                       json={"referrer_id": room["karen"].id, "name": "X Y"}).status_code == 404
    assert snapshot() == before


def test_the_api_renames_an_area_and_takes_a_champion_off(client, db, room, bearer):
    area = create_area(room["p"], "Talent")
    add_champion(area, room["karen"], lead=True)
    db.session.commit()
    headers = bearer(room["convener"])
    renamed = client.patch(f"/api/v1/priority-areas/{area.id}", headers=headers, json={"name": "Talent pipeline"})
    assert renamed.status_code == 200 and renamed.json["name"] == "Talent pipeline"
    off = client.delete(f"/api/v1/priority-areas/{area.id}/champions/{room['karen'].id}", headers=headers)
    assert off.status_code == 200 and (off.json["champion_ids"], off.json["is_priority"]) == ([], False)
    again = client.delete(f"/api/v1/priority-areas/{area.id}/champions/{room['karen'].id}", headers=headers)
    assert again.status_code == 404
    create_area(room["p"], "Supply")
    db.session.commit()
    clash = client.patch(f"/api/v1/priority-areas/{area.id}", headers=headers, json={"name": "supply"})
    assert clash.status_code == 400 and "name" in clash.json["error"]["fields"]
