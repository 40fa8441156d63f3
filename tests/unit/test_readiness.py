"""The launch-readiness gauge: accepted employer champions against the workbook's target (or
the partnership's own), the employer share of the accepted, and the projection from asks."""

from __future__ import annotations

from crm.partnerships.readiness import Member, launch_readiness


def _members(accepted=0, community_accepted=0, asks=0, declined=0, not_now=0):
    return ([Member("accepted", True)] * accepted + [Member("attended", False, "community_partner")]
            * community_accepted + [Member("asked", True)] * asks + [Member("declined", True)] * declined
            + [Member("not_now", True)] * not_now)


def test_two_accepted_means_just_have_a_conversation():
    gauge = launch_readiness(_members(accepted=2))
    assert gauge.level == "conversation" and "conversation" in gauge.message


def test_levels_follow_the_workbook_numbers():
    assert launch_readiness(_members(accepted=5)).level == "building"
    assert launch_readiness(_members(accepted=10)).level == "happy"
    assert launch_readiness(_members(accepted=25)).level == "on_target"
    assert launch_readiness(_members(accepted=31)).level == "above_target"
    assert launch_readiness(_members(accepted=150)).level == "too_many"


def test_the_partnerships_own_targets_replace_the_defaults():
    gauge = launch_readiness(_members(accepted=8), target_low=8, target_high=12, minimum=4)
    assert gauge.level == "on_target" and gauge.percent_of_target == 100


def test_employer_share_counts_only_the_accepted_and_ignores_the_convener():
    gauge = launch_readiness(_members(accepted=6, community_accepted=2)
                             + [Member("champion", True, "convener")])
    assert gauge.accepted_employers == 6 and gauge.accepted_total == 9
    assert gauge.employer_share == round(6 / 9, 3)
    assert launch_readiness([]).employer_share is None


def test_projection_uses_the_default_rate_until_there_are_enough_answers():
    early = launch_readiness(_members(accepted=2, asks=10, declined=1))
    assert not early.rate_is_own and early.projected == 2 + 5
    later = launch_readiness(_members(accepted=6, asks=10, declined=2))
    assert later.rate_is_own and later.accept_rate == 0.75 and later.projected == 6 + 8


def test_not_now_from_the_review_is_not_counted_as_a_declined_ask():
    gauge = launch_readiness(_members(accepted=3, asks=4, not_now=10))
    assert not gauge.rate_is_own and gauge.projected == 5
