"""The action plan's rules (crm/launch/action_plans.py; the workbook, sections D-E): early wins
within 60 days of the launch (day 60 on time, day 61 late, no launch date no warning), one or
two per area, a prototype preferred to an activity, late commitments, who promised what."""

from __future__ import annotations

from datetime import date, timedelta

from crm.launch import action_plans as rules
from crm.rules import EARLY_WIN_DAYS, EARLY_WINS_PER_AREA, PLAN_LINES, PLAN_TEXT_CHARS

LAUNCH = date(2026, 3, 2)
TODAY = date(2026, 4, 1)


def _p(i=1, side="employer", due=LAUNCH + timedelta(days=30), early=False, kind=None, status="open"):
    return rules.Promise(i, 10, 100 + i, side, due, early, kind, status)


def codes(warnings):
    return [w.code for w in warnings]


def test_the_rules_numbers_are_the_workbooks():
    assert EARLY_WIN_DAYS == 60 and EARLY_WINS_PER_AREA == (1, 2)


def test_an_early_win_due_on_day_60_is_on_time_and_day_61_is_late():
    assert rules.commitment_warnings(True, "prototype", LAUNCH + timedelta(days=60), LAUNCH) == []
    late = rules.commitment_warnings(True, "prototype", LAUNCH + timedelta(days=61), LAUNCH)
    assert codes(late) == [rules.EARLY_WIN_LATE]
    assert "61 days" in late[0].message and "Fri 01 May 2026" in late[0].message
    assert late[0].as_dict() == {"code": "early_win_late", "message": late[0].message}


def test_without_a_launch_date_nothing_is_late():
    assert rules.commitment_warnings(True, "prototype", LAUNCH + timedelta(days=400), None) == []
    assert rules.early_win_deadline(None) is None


def test_a_commitment_that_is_not_an_early_win_is_never_early_win_late():
    assert rules.commitment_warnings(False, None, LAUNCH + timedelta(days=300), LAUNCH) == []


def test_an_early_win_due_before_the_launch_is_not_late():
    assert rules.commitment_warnings(True, "prototype", LAUNCH - timedelta(days=5), LAUNCH) == []


def test_an_activity_gets_a_gentle_note_and_an_unsaid_kind_none():
    assert codes(rules.commitment_warnings(True, "activity", LAUNCH, LAUNCH)) == [rules.EARLY_WIN_ACTIVITY]
    assert rules.commitment_warnings(True, None, LAUNCH, LAUNCH) == []


def test_the_window_is_the_callers_to_change():
    assert codes(rules.commitment_warnings(True, None, LAUNCH + timedelta(days=31), LAUNCH, days=30)) == [
        rules.EARLY_WIN_LATE]


def test_an_area_with_no_early_win_is_warned_and_one_or_two_are_fine():
    assert codes(rules.area_warnings([_p()], LAUNCH, LAUNCH)) == [rules.NO_EARLY_WIN]
    assert codes(rules.area_warnings([], LAUNCH, LAUNCH)) == [rules.NO_EARLY_WIN]
    assert rules.area_warnings([_p(1, early=True)], LAUNCH, LAUNCH) == []
    assert rules.area_warnings([_p(1, early=True), _p(2, early=True)], LAUNCH, LAUNCH) == []


def test_three_early_wins_are_too_many_unless_one_was_dropped():
    three = [_p(1, early=True), _p(2, early=True), _p(3, early=True)]
    assert codes(rules.area_warnings(three, LAUNCH, LAUNCH)) == [rules.TOO_MANY_EARLY_WINS]
    three[2] = _p(3, early=True, status="dropped")
    assert rules.area_warnings(three, LAUNCH, LAUNCH) == []


def test_a_dropped_early_win_does_not_count_as_one():
    assert codes(rules.area_warnings([_p(1, early=True, status="dropped")], LAUNCH, LAUNCH)) == [rules.NO_EARLY_WIN]


def test_the_area_names_each_late_or_activity_early_win():
    found = rules.area_warnings([_p(1, early=True, due=LAUNCH + timedelta(days=61), kind="activity")], LAUNCH,
                                LAUNCH)
    assert codes(found) == [rules.EARLY_WIN_LATE, rules.EARLY_WIN_ACTIVITY]


def test_an_open_commitment_is_late_the_day_after_it_is_due_not_on_the_day():
    due = date(2026, 4, 1)
    assert not rules.is_late(_p(due=due), due)
    assert rules.is_late(_p(due=due), due + timedelta(days=1))
    assert not rules.is_late(_p(due=due, status="done"), due + timedelta(days=9))
    assert not rules.is_late(_p(due=due, status="dropped"), due + timedelta(days=9))
    assert rules.standing(_p(due=due), due + timedelta(days=1)) == "late"
    assert rules.standing(_p(due=due, status="done"), due + timedelta(days=1)) == "done"
    found = rules.area_warnings([_p(1, early=True, due=due), _p(2, due=due)], LAUNCH, due + timedelta(days=1))
    assert codes(found) == [rules.COMMITMENT_LATE] and "2 commitments" in found[0].message


def test_the_tally_by_side_says_who_promised_and_who_delivered():
    promises = [_p(1, "employer", early=True, status="done"), _p(2, "employer", due=TODAY - timedelta(days=1)),
                _p(3, "community", status="dropped"), _p(4, "community"), _p(5, None)]
    sides = rules.by_side(promises, TODAY)
    assert sides["employer"] == rules.Tally(promised=2, done=1, open=1, late=1, early_wins=1, early_wins_done=1)
    assert sides["community"] == rules.Tally(promised=2, open=1, dropped=1)
    assert sides["all"].promised == 5 and sides["all"].open == 3


def test_lines_are_cleaned_and_limits_named():
    assert rules.clean_lines([" a  b ", "", "\x85", "A B", "c\x00d"]) == ["a b", "cd"]
    assert rules.clean_line("  x\ty ") == "x y"
    assert rules.text_problems("note", "", required=True) == "Write the note."
    assert rules.text_problems("note", "", required=False) is None
    assert rules.text_problems("note", "x" * PLAN_TEXT_CHARS) is None
    assert "at most" in rules.text_problems("note", "x" * (PLAN_TEXT_CHARS + 1))
    assert rules.lines_problems("outcomes", ["x"] * PLAN_LINES) is None
    assert "At most" in rules.lines_problems("outcomes", ["x"] * (PLAN_LINES + 1))


def test_an_early_win_without_a_kind_is_a_prototype_and_a_plain_commitment_has_no_kind():
    assert rules.early_win_kind_of(True, None) == rules.PROTOTYPE
    assert rules.early_win_kind_of(True, "") == rules.PROTOTYPE
    assert rules.early_win_kind_of(True, rules.ACTIVITY) == rules.ACTIVITY
    assert rules.early_win_kind_of(False, None) is None
    assert rules.early_win_kind_of(False, rules.ACTIVITY) is None
