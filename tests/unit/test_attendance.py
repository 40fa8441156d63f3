"""The door's rules (crm/launch/attendance.py): who counts on which side, the business-led
ratio, the door list's order and the invited no-shows."""

from __future__ import annotations

import pytest

from crm.launch.attendance import (
    COMMUNITY,
    EMPLOYER,
    Seat,
    business_led_ratio,
    door_order,
    is_business_led,
    room,
    side_of,
)


def seat(pid, name="x", response="accepted", present=False, side=EMPLOYER, walk_in=False):
    return Seat(pid, name, response, present, side, walk_in)


def test_the_organisation_decides_the_side_whatever_the_role():
    assert side_of("employer", "community_partner") == EMPLOYER
    assert side_of("community", "chair") == COMMUNITY


def test_without_an_organisation_a_community_partner_role_counts_as_community_and_others_on_neither_side():
    assert side_of(None, "community_partner") == COMMUNITY
    assert side_of(None, "convener") is None
    assert side_of(None, None) is None


@pytest.mark.parametrize(("employers", "community", "ratio"), [
    (0, 0, 0.0), (3, 1, 0.75), (1, 3, 0.25), (2, 0, 1.0), (1, 2, 0.333)])
def test_the_ratio_is_employers_over_everyone_on_either_side(employers, community, ratio):
    assert business_led_ratio(employers, community) == ratio


def test_a_room_is_business_led_from_half_employers_and_never_when_empty():
    assert is_business_led(2, 2)
    assert not is_business_led(1, 2)
    assert not is_business_led(0, 0)
    assert not is_business_led(3, 2, minimum=0.7)


def test_the_door_list_puts_accepted_first_then_unanswered_then_declined_then_walk_ins_by_name():
    seats = [seat(1, "zed", "declined"), seat(2, "Amy", "pending"), seat(3, "bob", "accepted"),
             seat(4, "Al", None, walk_in=True), seat(5, "ann", "accepted"), seat(6, "Cy", "no_answer")]
    assert [s.person_id for s in door_order(seats)] == [5, 3, 2, 6, 1, 4]


def test_no_shows_are_known_once_the_meeting_started_and_exclude_walk_ins():
    seats = [seat(1, present=True), seat(2), seat(3, response="declined"),
             seat(4, response=None, present=True, walk_in=True, side=COMMUNITY), seat(5, side=None, present=True)]
    before = room(seats, started=False)
    assert before.no_show == ()
    after = room(seats, started=True)
    assert after.present == (1, 4, 5)
    assert after.no_show == (2, 3)
    assert (after.employers, after.community) == (1, 1)
    assert after.ratio == 0.5 and after.business_led
