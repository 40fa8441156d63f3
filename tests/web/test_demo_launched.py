"""The demo's second partnership, Flagstaff Area Construction, two weeks after its launch (issue
14 item 7): loading the demo gives the launch's attendance, the wall, the peers named there, the
summary sent, a champion call held, action plans with early wins and commitments, the plan's
after-launch steps, and a health page whose red flag the data warrants. Dates are relative to
the day the demo is loaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm import demo
from crm.accounts.access import can_see_partnership
from crm.accounts.models import User
from crm.contacts.models import Person, Tie
from crm.extensions import db as _db
from crm.health import services as health
from crm.launch import action_plans, plans, priorities, summaries
from crm.launch import services as door
from crm.launch.models import Commitment
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Meeting, Membership, Partnership
from tests.helpers import text_of

pytestmark = pytest.mark.slow  # loads the whole demo


@pytest.fixture
def loaded(db):
    accounts = {a["email"].split("@")[0]: a for a in demo.load()}
    db.session.commit()
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == demo.LAUNCHED_NAME))
    launch = db.session.scalar(select(Meeting).where(Meeting.partnership_id == partnership.id,
                                                     Meeting.kind == "launch"))
    return accounts, partnership, launch


def _tasks(partnership, kind):
    return _db.session.scalars(select(Task).where(Task.partnership_id == partnership.id, Task.kind == kind)
                               .order_by(Task.id)).all()


def test_the_second_partnership_launched_two_weeks_ago_with_a_business_led_room(loaded, db):
    accounts, partnership, launch = loaded
    today = outreach.today_for(partnership)
    assert (today - outreach.meeting_day(launch)).days == demo.LAUNCHED_DAYS_AGO
    assert partnership.stage == "action_planning"
    seats, room = door.door(launch)
    names = {person.name: seat for seat, person in seats}
    walk_ins = [name for name, seat in names.items() if seat.walk_in]
    assert walk_ins == ["Tess Lindqvist"] and names["Tess Lindqvist"].present
    assert names["Maya Etsitty"].response == "accepted" and names["Maya Etsitty"].present
    no_shows = {person.name for seat, person in seats if seat.person_id in room.no_show}
    assert no_shows == {"Frank Morales", "Dee Yellowhair", "Pat Quinlan"}
    assert (room.employers, room.community) == (5, 3) and room.business_led
    # the first partnership is still four weeks before its launch
    first = db.session.scalar(select(Partnership).where(Partnership.name == demo.NAME))
    assert first.stage == "preparing_launch"
    convener = db.session.scalar(select(User).where(User.email == "convener@convene.example"))
    assert can_see_partnership(convener, partnership.id)


def test_the_wall_has_four_areas_one_not_a_priority_and_one_lead_per_championed_area(loaded, db):
    _accounts, partnership, launch = loaded
    areas = priorities.areas_of(partnership.id)
    assert len(areas) == 4
    not_priority = [a for a in areas if not a.champions]
    assert [a.name for a in not_priority] == ["A regional building-materials hub"]
    for area in areas:
        assert priorities.notes_of(area, "opportunity") and priorities.notes_of(area, "requirement")
        if area.champions:
            assert sum(c.lead for c in area.champions) == 1, area.name
    # a call per priority area, owned by its lead; none for the area nobody championed
    calls = {t.priority_area_id: t for t in _tasks(partnership, "champion_call")}
    for area in areas:
        lead = next((c.person_id for c in area.champions if c.lead), None)
        assert (calls[area.id].owner_id if area.id in calls else None) == lead


def test_peers_named_at_the_launch_are_people_with_referred_ties_and_memberships(loaded, db):
    _accounts, partnership, launch = loaded
    ties = db.session.scalars(select(Tie).where(Tie.kind == "referred", Tie.partnership_id == partnership.id)).all()
    assert len(ties) >= 3
    present = {seat.person_id for seat, _p in door.door(launch)[0] if seat.present}
    for tie in ties:
        assert tie.source_id in present
        assert db.session.scalar(select(Membership.stage).where(
            Membership.partnership_id == partnership.id, Membership.person_id == tie.target_id)) is not None
    luis = db.session.scalar(select(Person).where(Person.name == "Luis Tapia"))
    assert luis.id in {t.target_id for t in ties}  # named by Maya, now a champion of the area
    assert db.session.scalar(select(Membership.stage).where(
        Membership.partnership_id == partnership.id, Membership.person_id == luis.id)) == "champion"


def test_the_summary_went_out_through_the_outbox_and_its_step_is_done(loaded, db):
    _accounts, partnership, launch = loaded
    saved = summaries.saved_of(launch)
    assert saved is not None and saved.sent_at is not None
    sent_on = outreach.meeting_day(launch) + timedelta(days=5)
    assert saved.sent_at.date() == sent_on
    rows = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.idempotency_key.like(f"summary:{launch.id}:%")))
    invited = len(summaries.candidates_of(launch))
    assert rows == invited == 11  # ten invited (three no-shows among them) and the walk-in
    assert summaries.task_of(launch).status == "done"


def test_champion_calls_reconnect_and_recruit_one_more(loaded, db):
    _accounts, partnership, launch = loaded
    today = outreach.today_for(partnership)
    day = outreach.meeting_day(launch)
    calls = _tasks(partnership, "champion_call")
    held = [t for t in calls if t.status == "done"]
    assert len(held) == 1 and len(calls) == 3
    meeting = db.session.scalar(select(Meeting).where(Meeting.kind == "champion_call",
                                                      Meeting.priority_area_id == held[0].priority_area_id))
    assert outreach.meeting_day(meeting) <= held[0].due  # on time
    assert all(t.due == day + timedelta(days=30) and t.owner_id for t in calls)
    _seats, room = door.door(launch)
    reconnect = {t.person_id: t for t in _tasks(partnership, "reconnect")}
    assert set(reconnect) == set(room.no_show)
    late = [t for t in reconnect.values() if t.status == "open" and t.due < today]
    assert len(late) == 2 and sum(t.status == "done" for t in reconnect.values()) == 1
    recruit = {t.person_id: t for t in _tasks(partnership, "recruit_one_more")}
    assert set(recruit) == set(room.recruiters) and all(t.owner_id == pid for pid, t in recruit.items())
    assert sum(t.status == "done" for t in recruit.values()) == 1
    assert [t.owner.name for t in _tasks(partnership, "second_meeting")] == ["Dana Whitehorse"]


def test_action_plans_have_early_wins_and_partners_own_most_open_commitments(loaded, db):
    _accounts, partnership, launch = loaded
    today = outreach.today_for(partnership)
    launch_day = plans.launch_of(partnership)
    commitments = db.session.scalars(select(Commitment).where(
        Commitment.priority_area.has(partnership_id=partnership.id))).all()
    early = [c for c in commitments if c.early_win]
    assert {c.early_win_kind for c in early} == {"prototype", "activity"}
    late_wins = [c for c in early if "early_win_late" in {w.code for w in plans.warnings_of(c, launch_day)}]
    assert len(late_wins) == 1 and late_wins[0].owner.name == "Greg Halvorsen"
    assert sum(c.status == "done" for c in commitments) >= 2
    assert [c.owner.name for c in commitments if c.status == "open" and c.due < today] == ["Nora Kee"]
    promises = plans.promises_of(partnership)
    open_sides = [p.side for p in promises if p.status == action_plans.OPEN]
    assert open_sides.count("community") > 2 * open_sides.count("employer")
    assert all(plans.plan_of(a) is not None and plans.plan_of(a).outcomes
               for a in priorities.areas_of(partnership.id) if a.champions)


def test_the_health_page_shows_the_red_flag_the_data_warrants(loaded, db, client, auth):
    accounts, partnership, _launch = loaded
    convener = db.session.scalar(select(User).where(User.email == "convener@convene.example"))
    report = health.report(partnership, convener)
    states = {s.code: s.state for s in report.health.signals}
    assert states["supply_side_substitution"] == "red"
    assert {s.code: s.state for s in report.health.green_lights}["leverage_of_leadership"] == "green"
    auth.login("convener@convene.example", accounts["convener"]["password"])
    page = client.get(f"/partnerships/{partnership.id}/health")
    assert page.status_code == 200
    text = text_of(page)
    assert "Supply-side substitution" in text and "Most of the open commitments" in text
