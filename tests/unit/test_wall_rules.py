"""The wall's pure rules: a champion taking their name off an area (a lead leaving leaves no
lead; the last leaving makes it not a priority), the 4-5 areas hint, and referrals (named by
someone in the room, of someone not in it; a match only by email or the same name)."""

from __future__ import annotations

from crm.launch.areas import Champion, is_priority, lead_of, wall_hint, without_champion
from crm.launch.referral_rules import pick_match, referral_problem


def test_a_lead_taking_their_name_off_leaves_the_area_without_a_lead():
    left = without_champion([Champion(1, True), Champion(2)], 1)
    assert left == [Champion(2)] and lead_of(left) is None and is_priority(left)


def test_the_last_champion_leaving_makes_the_area_not_a_priority_now():
    assert not is_priority(without_champion([Champion(3)], 3))


def test_someone_not_on_the_area_leaving_changes_nothing():
    assert without_champion([Champion(1, True)], 9) == [Champion(1, True)]


def test_the_wall_asks_for_four_to_five_areas():
    assert "clusters into 4-5" in wall_hint(6, 0)
    assert wall_hint(5, 3) is None and wall_hint(4, 0) is None
    assert wall_hint(2, 1) == "1 note to sort: cluster them into 4-5 strategy areas."
    assert wall_hint(0, 0) is None  # an empty wall says nothing yet


def test_a_referral_is_named_by_someone_in_the_room():
    assert referral_problem({1, 2}, 3, None)[0] == "referrer_id"
    assert referral_problem({1, 2}, 1, None) is None


def test_a_referral_names_someone_else_not_in_the_room():
    assert referral_problem({1, 2}, 1, 1)[0] == "name"
    assert "in the room" in referral_problem({1, 2}, 1, 2)[1]
    assert referral_problem({1, 2}, 1, 7) is None


def test_a_referral_matches_by_email_first_then_the_same_name_never_a_similar_one():
    assert pick_match([(4, "same name at the same organisation"), (5, "same email a@b.org")]) == 5
    assert pick_match([(4, "a similar name at the same organisation"), (6, "same name at the same organisation")]) == 6
    assert pick_match([(4, "a similar name at the same organisation")]) is None
    assert pick_match([]) is None
