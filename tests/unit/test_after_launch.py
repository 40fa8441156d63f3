"""After the launch (issue 14 item 4): a reconnect step for every invited no-show, a recruit-one-
more step for every employer attendee (not community partners), as pure rules."""

from __future__ import annotations

from dataclasses import replace
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


def _after(**changes) -> plan.State:
    base = plan.State(LAUNCH, members=(plan.Member(2, "champion", "champion"), plan.Member(5, "champion", "convener")),
                      convener_id=5, priority_areas=((100, 2), (101, 2)))
    return replace(base, **changes)


def _reconciled(saved: dict, state: plan.State, today: date = LAUNCH) -> tuple[dict, plan.Changes]:
    changes = plan.reconcile(saved.values(), plan.wanted(state), today,
                             {m.person_id: m for m in state.members}, state.fulfilled)
    return plan.apply(saved, changes, today), changes


def test_a_recorded_champion_call_closes_its_areas_call_as_done_and_only_that_one():
    saved, _ = _reconciled({}, _after())
    assert saved["champion_call:100"].status == "open" and saved["second_meeting"].status == "open"
    held = _after(fulfilled={"champion_call:100": "Champion call held on 02 Apr 2026."})
    saved, changes = _reconciled(saved, held)
    assert changes.close == {"champion_call:100": ("done", "Champion call held on 02 Apr 2026.")}
    assert saved["champion_call:101"].status == "open"
    assert not _reconciled(saved, held)[1]  # idempotent


def test_setting_the_second_meeting_closes_its_step_and_taking_it_away_reopens_it():
    saved, _ = _reconciled({}, _after())
    saved, _ = _reconciled(saved, _after(fulfilled={"second_meeting": "Second meeting set for 01 May 2026."}))
    assert (saved["second_meeting"].status, saved["second_meeting"].closed_by_plan) == ("done", True)
    saved, changes = _reconciled(saved, _after())
    assert changes.reopen == {"second_meeting"} and saved["second_meeting"].status == "open"


def test_a_call_recorded_before_the_plan_reads_it_is_never_asked_for():
    wanted = plan.wanted(_after(fulfilled={"champion_call:101": "Held.", "second_meeting": "Set."}))
    assert "champion_call:100" in wanted and "champion_call:101" not in wanted and "second_meeting" not in wanted


def test_the_whole_after_launch_plan_comes_at_once_with_owners_and_days():
    state = _after(members=_after().members + (plan.Member(7, "attended"), plan.Member(8, "accepted")),
                   attendee_ids=(7,), no_show_ids=(8,))
    steps = {k: (w.step.kind, w.step.owner_id, w.step.due, w.step.priority_area_id)
             for k, w in plan.wanted(state).items()
             if w.step.kind not in ("ask", "follow_up_call", "reminder_email", "thank_you")}
    day = lambda n: LAUNCH + timedelta(days=n)  # noqa: E731
    assert steps == {"champion_call:100": ("champion_call", 2, day(30), 100),
                     "champion_call:101": ("champion_call", 2, day(30), 101),
                     "second_meeting": ("second_meeting", 5, day(60), None),
                     "send_summary": ("send_summary", 5, day(7), None),
                     "recruit_one_more:7": ("recruit_one_more", 7, day(30), None),
                     "reconnect:8": ("reconnect", 5, day(7), None)}
