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
from crm.partnerships.models import Membership, PriorityNote
from crm.timeutil import utcnow


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
