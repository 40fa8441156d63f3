"""The workbook's timeline as a pure function: due dates relative to the meeting, pace,
list windows, and moving a meeting (open steps move, done steps stay, nothing duplicated)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.outreach import timeline
from crm.outreach.timeline import Invitee, MeetingPlan
from crm.rules import TIMELINE, TimelineOffsets

LAUNCH = date(2026, 3, 18)
PLAN = MeetingPlan(LAUNCH, invitees=(Invitee(10, asker_id=1), Invitee(11)), chair_ids=(1, 2),
                   convener_id=5, priority_areas=((100, 3), (101, None)), attendee_ids=(10, 12))


def _by_key():
    return {s.key: s for s in timeline.generate(PLAN)}


@pytest.mark.parametrize(("key", "kind", "days", "owner"), [
    ("ask:10", "ask", -21, 1),
    ("ask:11", "ask", -21, None),
    ("follow_up_call:10", "follow_up_call", -14, 1),
    ("follow_up_call:11", "follow_up_call", -14, 5),  # no asker yet: the convener calls
    ("reminder_email", "reminder_email", -3, 1),  # a chair's reminder
    ("thank_you", "thank_you", 2, 1),
    ("send_summary", "send_summary", 7, 5),
    ("champion_call:100", "champion_call", 30, 3),
    ("champion_call:101", "champion_call", 30, None),
    ("second_meeting", "second_meeting", 60, 5),
    ("recruit_one_more:10", "recruit_one_more", 30, 10),
    ("recruit_one_more:12", "recruit_one_more", 30, 12),
])
def test_each_step_is_due_at_the_workbook_offset_from_the_meeting(key, kind, days, owner):
    step = _by_key()[key]
    assert (step.kind, step.due, step.owner_id) == (kind, LAUNCH + timedelta(days=days), owner)


def test_asks_open_four_weeks_before_and_are_due_three_weeks_before():
    ask = _by_key()["ask:10"]
    assert ask.opens == LAUNCH - timedelta(weeks=4) and ask.due == LAUNCH - timedelta(weeks=3)


def test_steps_come_in_due_order_with_unique_keys():
    steps = timeline.generate(PLAN)
    assert [s.due for s in steps] == sorted(s.due for s in steps)
    assert len({s.key for s in steps}) == len(steps) == 12


def test_offsets_come_from_the_settings_passed_in():
    steps = timeline.generate(MeetingPlan(LAUNCH, invitees=(Invitee(1),)),
                              TimelineOffsets(ask_latest=-30))
    assert {s.key: s.due for s in steps}["ask:1"] == LAUNCH - timedelta(days=30)


def test_a_meeting_with_nobody_yet_still_has_its_fixed_steps():
    keys = {s.key for s in timeline.generate(MeetingPlan(LAUNCH))}
    assert keys == {"reminder_email", "send_summary", "thank_you", "second_meeting"}


@pytest.mark.parametrize(("due_in", "status", "expected"), [
    (10, "open", "on_time"),
    (TIMELINE.at_risk_days + 1, "open", "on_time"),
    (TIMELINE.at_risk_days, "open", "at_risk"),
    (0, "open", "at_risk"),
    (-1, "open", "late"),
    (-1, "done", "done"),
    (-30, "skipped", "done"),
])
def test_pace_of_a_step(due_in, status, expected):
    today = date(2026, 2, 1)
    assert timeline.pace(today + timedelta(days=due_in), status, today) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("today", (date(2026, 2, 4), date(2026, 2, 4))),
    ("week", (date(2026, 2, 2), date(2026, 2, 8))),
    ("overdue", (None, date(2026, 2, 3))),
    ("all", (None, None)),
])
def test_list_windows(name, expected):
    assert timeline.window(date(2026, 2, 4), name) == expected  # a Wednesday


def test_pace_counts():
    today = date(2026, 2, 1)
    counts = timeline.pace_counts([(today, "open"), (today - timedelta(days=2), "open"),
                                   (today + timedelta(days=20), "open"), (today, "done")], today)
    assert counts == {"on_time": 1, "at_risk": 1, "late": 1, "done": 1}
