"""Suggested ties from plain data: colleagues (strength 2) before co-attendees (strength 1),
each pair once, never a pair already tied or dismissed, limited, and per person."""

from __future__ import annotations

from crm.contacts.tie_suggestions import Suggestion, suggest


def test_colleagues_come_first_then_people_who_attended_the_same_meeting():
    found = suggest({10: [3, 1, 2]}, {7: [1, 4]}, tied=set(), dismissed=set())
    assert found == [Suggestion(1, 2, 2, "colleagues", 10), Suggestion(1, 3, 2, "colleagues", 10),
                     Suggestion(2, 3, 2, "colleagues", 10), Suggestion(1, 4, 1, "attended", 7)]


def test_a_pair_is_suggested_once_even_when_colleagues_also_met():
    found = suggest({10: [1, 2]}, {7: [1, 2], 8: [2, 1]}, tied=set(), dismissed=set())
    assert [(s.first, s.second, s.why) for s in found] == [(1, 2, "colleagues")]


def test_pairs_already_tied_or_dismissed_are_left_out():
    found = suggest({10: [1, 2, 3]}, {}, tied={(1, 2)}, dismissed={(2, 3)})
    assert [(s.first, s.second) for s in found] == [(1, 3)]


def test_the_limit_stops_the_walk_and_a_person_filter_keeps_their_pairs_only():
    big = {1: list(range(1, 2001))}
    assert len(suggest(big, {}, set(), set(), limit=5)) == 5
    found = suggest({10: [1, 2, 3], 11: [4, 5]}, {7: [5, 3]}, set(), set(), person=3)
    assert [(s.first, s.second, s.why) for s in found] == [(1, 3, "colleagues"), (2, 3, "colleagues"),
                                                           (3, 5, "attended")]
