"""The workbook's guardrails as warnings: a launch set less than 3 weeks ahead, a second meeting
after 60 days, champion calls after 30, a summary after 7; asks later than the notice allows."""

from __future__ import annotations

from datetime import date, timedelta

from crm.outreach.guardrails import meeting_warnings, task_warnings

LAUNCH = date(2026, 3, 18)


def _codes(warnings):
    return [w.code for w in warnings]


def test_a_launch_set_ten_days_out_is_short_notice_and_three_weeks_is_not():
    found = meeting_warnings("launch", LAUNCH, LAUNCH - timedelta(days=10), None)
    assert _codes(found) == ["short_notice"] and "10 days ahead" in found[0].message
    assert "section B.5" in found[0].message
    assert meeting_warnings("launch", LAUNCH, LAUNCH - timedelta(days=21), None) == []


def test_a_second_meeting_after_sixty_days_and_a_champion_call_after_thirty_are_late():
    assert _codes(meeting_warnings("second", LAUNCH + timedelta(days=83), LAUNCH, LAUNCH)) == ["second_meeting_late"]
    assert meeting_warnings("second", LAUNCH + timedelta(days=60), LAUNCH, LAUNCH) == []
    assert _codes(meeting_warnings("champion_call", LAUNCH + timedelta(days=31), LAUNCH, LAUNCH)) \
        == ["champion_call_late"]
    assert meeting_warnings("second", LAUNCH + timedelta(days=83), LAUNCH, None) == []  # no launch yet


def test_steps_later_than_the_workbook_allows_warn_by_due_day_or_while_open_by_today():
    today = LAUNCH - timedelta(days=30)
    assert _codes(task_warnings("ask", LAUNCH - timedelta(days=10), "open", LAUNCH, today)) == ["short_notice"]
    assert task_warnings("ask", LAUNCH - timedelta(days=21), "open", LAUNCH, today) == []
    assert _codes(task_warnings("champion_call", LAUNCH + timedelta(days=40), "open", LAUNCH, today)) \
        == ["champion_call_late"]
    after = LAUNCH + timedelta(days=9)
    assert _codes(task_warnings("send_summary", LAUNCH + timedelta(days=7), "open", LAUNCH, after)) \
        == ["summary_late"]
    assert task_warnings("send_summary", LAUNCH + timedelta(days=7), "done", LAUNCH, after) == []
    assert task_warnings("custom", LAUNCH + timedelta(days=90), "open", LAUNCH, after) == []
