"""Champion calls and the second meeting as pure rules (issue 14 item 4): the call's list is the
area's employer champions, the lead first; a recorded call is dated today or earlier; the day
proposed for the second meeting is a weekday by its due day (or soon, when that has passed);
the warnings for a lead or attendees who are not employers."""

from __future__ import annotations

from datetime import date

from crm.launch import calls
from crm.launch.calls import Champion
from crm.outreach import guardrails

TODAY = date(2026, 4, 8)  # a Wednesday


def test_the_calls_list_is_the_employer_champions_with_the_lead_first():
    champions = [Champion(1, "employer"), Champion(2, "community", lead=False), Champion(3, "employer", lead=True),
                 Champion(4, None)]
    assert calls.invitees(champions) == (3, 1)
    assert calls.left_off(champions) == (2, 4)
    assert calls.invitees([]) == () and calls.left_off([]) == ()


def test_a_call_is_recorded_once_held_today_or_before():
    assert calls.date_problem(TODAY, TODAY) is None
    assert calls.date_problem(date(2026, 3, 1), TODAY) is None
    assert calls.date_problem(date(2026, 4, 9), TODAY) == calls.FUTURE_CALL


def test_the_proposed_day_is_the_last_weekday_by_the_due_day_or_the_next_weekday_once_passed():
    assert calls.proposed_day(date(2026, 5, 15), TODAY) == date(2026, 5, 15)  # a Friday
    assert calls.proposed_day(date(2026, 5, 17), TODAY) == date(2026, 5, 15)  # Sunday -> Friday
    assert calls.proposed_day(date(2026, 5, 16), TODAY) == date(2026, 5, 15)  # Saturday -> Friday
    assert calls.proposed_day(date(2026, 4, 1), TODAY) == date(2026, 4, 9)  # passed: tomorrow
    assert calls.proposed_day(TODAY, TODAY) == date(2026, 4, 9)  # due today: tomorrow, not today
    assert calls.proposed_day(date(2026, 4, 1), date(2026, 4, 10)) == date(2026, 4, 13)  # Friday -> Monday


def test_a_lead_who_is_not_an_employer_is_warned_and_an_area_without_a_lead_is_not():
    assert [w.code for w in guardrails.area_warnings(True, False)] == [guardrails.LEAD_NOT_EMPLOYER]
    assert guardrails.area_warnings(True, True) == [] and guardrails.area_warnings(False, False) == []
    assert guardrails.area_warnings(True, False)[0].label == "Lead not an employer"


def test_a_call_with_anyone_not_at_an_employer_is_flagged_with_the_count():
    assert guardrails.champion_call_warnings(["employer", "employer"]) == []
    assert guardrails.champion_call_warnings([]) == []
    one = guardrails.champion_call_warnings(["employer", "community"])
    assert [w.code for w in one] == [guardrails.NOT_EMPLOYERS_ON_CALL] and one[0].message.startswith("1 person")
    assert guardrails.champion_call_warnings(["community", None, "employer"])[0].message.startswith("2 people")
