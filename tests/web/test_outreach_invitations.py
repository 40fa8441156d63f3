"""Invitations and reminders reach people: an accepted ask makes the person an invitee of the
launch (an RSVP already recorded is kept), the scheduler's reminder reaches every accepted
invitee with an email, a moved meeting never sends a queued letter with the old time, the
letter is signed by the chairs as the workbook's sample is, and a community partner gets the
partner variant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.accounts import services as accounts
from crm.outreach import jobs, letters
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Invitation, Meeting
from crm.timeutil import local
from tests.helpers import text_of
from tests.web.world import sign_in

NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def launch(db, make_partnership, make_org, make_person, add_member):
    p = make_partnership("Region Z", region="Larimer, Weld", timezone="UTC")
    employer = make_org("Prescott Precision", sector="Advanced Manufacturing")
    college = make_org("Front Range College", kind="community_college")
    chair = make_person("Karen Alvarez", org=employer, title="CEO", email="karen@prescott.example")
    co_chair = make_person("Robin Castillo", org=make_org("Castillo Metal"), title="Owner")
    invitee = make_person("Lane Ortiz", org=make_org("Ortiz Tools"), email="lane@ortiz.example")
    partner = make_person("Pat Nguyen", org=college, email="pat@college.example")
    add_member(p, chair, "chair", "champion")
    add_member(p, co_chair, "co_chair", "champion")
    add_member(p, invitee, "member", "approved")
    add_member(p, partner, "community_partner", "approved")
    meeting = outreach.create_meeting(p, NOW + timedelta(days=30), "launch", chair_ids=[chair.id, co_chair.id],
                                      location="Prescott Precision, Loveland")
    db.session.commit()
    asks = {t.person_id: t for t in db.session.scalars(select(Task).where(Task.kind == "ask"))}
    return dict(p=p, meeting=meeting, chair=chair, invitee=invitee, partner=partner, asks=asks)


def test_an_accepted_ask_makes_an_invitee_who_gets_the_reminder(app, db, launch, committed):
    ask = launch["asks"][launch["invitee"].id]
    outreach.complete_task(ask, "done", "accepted")
    db.session.commit()
    [invitation] = db.session.scalars(select(Invitation).where(Invitation.meeting_id == launch["meeting"].id)).all()
    assert (invitation.person_id, invitation.response) == (launch["invitee"].id, "accepted")
    queued = jobs.run("meeting_reminders", launch["meeting"].starts_at - timedelta(days=1), app=app)
    assert queued == "queued 1 reminders"
    assert committed().scalar(select(OutboxMessage.to_email).where(
        OutboxMessage.idempotency_key.like("meeting-reminder:%"))) == "lane@ortiz.example"


def test_an_rsvp_already_recorded_is_kept(db, launch):
    db.session.add(Invitation(meeting_id=launch["meeting"].id, person_id=launch["invitee"].id, response="declined"))
    db.session.commit()
    outreach.complete_task(launch["asks"][launch["invitee"].id], "done", "accepted")
    db.session.commit()
    assert db.session.scalar(select(Invitation.response).where(
        Invitation.person_id == launch["invitee"].id)) == "declined"


def test_a_moved_meeting_rewrites_queued_letters_and_drops_reminders_of_the_old_time(client, db, launch):
    convener = accounts.create_user("conv@x.example", "correct horse battery", "convener",
                                    partnership_ids=[launch["p"].id])
    db.session.commit()
    sign_in(client, convener)
    ask = launch["asks"][launch["invitee"].id]
    client.post(f"/tasks/{ask.id}/invitation")
    meeting = launch["meeting"]
    db.session.add(OutboxMessage(idempotency_key=f"meeting-reminder:{meeting.id}:{launch['invitee'].id}:old",
                                 to_email="lane@ortiz.example", subject="Reminder", body="old time"))
    db.session.commit()
    old = db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("invitation:%")))
    old_day = f"{meeting.starts_at:%B} {meeting.starts_at.day}"
    assert old_day in old.body
    new_start = (NOW + timedelta(days=44)).replace(tzinfo=None)
    moved = client.post(f"/meetings/{meeting.id}/move", data={"starts_at": new_start.strftime("%Y-%m-%dT%H:%M")},
                        follow_redirects=True)
    assert "Meeting moved 14 days later" in text_of(moved)
    # the meeting itself moved: rewriting the waiting letter once rolled the move back (the
    # letter named the new day, the meeting kept the old one)
    assert local(db.session.get(Meeting, meeting.id).starts_at, launch["p"].timezone).replace(tzinfo=None) == new_start
    letter = db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("invitation:%")))
    assert f"{new_start:%B} {new_start.day}" in letter.body and old_day not in letter.body
    assert db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.like("meeting-reminder:%"))) is None


def test_the_letter_is_signed_by_the_chairs_and_partners_get_their_variant(db, launch):
    employer_letter = letters.letter_for(launch["asks"][launch["invitee"].id])
    assert "Dear Lane," in employer_letter.body
    assert "Karen Alvarez\nCEO, Prescott Precision\n\nRobin Castillo\nOwner, Castillo Metal" in employer_letter.body
    assert "join us at that meeting as a community partner" not in employer_letter.body
    partner_ask = launch["asks"][launch["partner"].id]
    partner_letter = letters.letter_for(partner_ask)
    assert "join us at that meeting as a community partner" in partner_letter.body
    assert "Karen Alvarez\nCEO, Prescott Precision" in partner_letter.body
    assert partner_ask.owner_id is None and "Sent on the chairs' behalf" not in partner_letter.body
