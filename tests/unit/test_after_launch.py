"""After the launch (issue 14 item 4): a reconnect step for every invited no-show, a recruit-one-
more step for every employer attendee (not community partners), as pure rules."""

from __future__ import annotations

from datetime import date, timedelta

from crm.launch.attendance import COMMUNITY, EMPLOYER, Seat, room
from crm.outreach import plan, timeline
from crm.outreach.timeline import MeetingPlan

LAUNCH = date(2026, 3, 18)


def test_only_employers_present_recruit_one_more():
    seats = [Seat(1, "a", "accepted", True, EMPLOYER), Seat(2, "b", "accepted", True, COMMUNITY),
             Seat(3, "c", None, True, EMPLOYER, walk_in=True), Seat(4, "d", "accepted", False, EMPLOYER),
             Seat(5, "e", "accepted", True, None)]
    assert room(seats, started=True).recruiters == (1, 3)


def test_each_no_show_gets_a_reconnect_step_owned_by_the_convener_a_week_after():
    steps = {s.key: s for s in timeline.generate(MeetingPlan(LAUNCH, convener_id=5, no_show_ids=(7, 8)))}
    assert (steps["reconnect:7"].kind, steps["reconnect:7"].due, steps["reconnect:7"].owner_id,
            steps["reconnect:7"].person_id) == ("reconnect", LAUNCH + timedelta(days=7), 5, 7)
    assert "reconnect:8" in steps
    assert not any(k.startswith("reconnect") for k in (s.key for s in timeline.generate(MeetingPlan(LAUNCH))))


def test_the_plan_wants_reconnects_from_its_state_and_closes_them_when_someone_is_marked_present_after_all():
    state = plan.State(LAUNCH, members=(plan.Member(7, "accepted"),), convener_id=5, no_show_ids=(7,))
    wanted = plan.wanted(state)
    assert "reconnect:7" in wanted
    saved = plan.apply({}, plan.reconcile([], wanted, LAUNCH), LAUNCH)
    later = plan.State(LAUNCH, members=(plan.Member(7, "attended"),), convener_id=5, attendee_ids=(7,))
    changes = plan.reconcile(saved.values(), plan.wanted(later), LAUNCH, {7: plan.Member(7, "attended")})
    assert changes.close["reconnect:7"][0] == "cancelled"
