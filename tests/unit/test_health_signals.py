"""The red flags and green lights (crm/health/signals.py, crm/health/lights.py) on hand-made
partnerships: each must fire where the data warrants it and stay quiet just short of its
threshold (crm/rules.py), and say "unknown" with what is missing when the data cannot tell."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm import rules
from crm.health import lights, signals
from crm.health.snapshot import (
    Area,
    Flag,
    Item,
    Keystone,
    KeystoneFacts,
    MeetingFacts,
    Member,
    Referral,
    Snapshot,
    Work,
    work_side,
)

TODAY = date(2026, 11, 29)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def snap(**parts) -> Snapshot:
    return Snapshot(1, TODAY, **{k: tuple(v) if isinstance(v, list) else v for k, v in parts.items()})


def work(i, side, status="open", created=None, due=None, done_on=None, area=None, type="task", owner=None):
    return Work(type, i, owner if owner is not None else i, side, status, created or ago(10), due, done_on, area)


# --- the side work counts on ------------------------------------------------------------------

def test_a_conveners_work_counts_as_the_conveners_whatever_their_organisation():
    assert work_side("community", "convener") == "convener"
    assert work_side("employer", "convener") == "convener"
    assert work_side("employer", "champion") == "employer"
    assert work_side(None, "community_partner") == "community"
    assert work_side(None, "member") is None


# --- keystone conundrum ---------------------------------------------------------------------

def keystones(engaged, *ks):
    return snap(keystones=KeystoneFacts(engaged, tuple(ks)))


def test_keystone_is_red_when_one_persons_step_back_cuts_off_the_red_share_of_engaged_people():
    s = keystones(10, Keystone(7, "Robin Castillo", cut_off=(1, 2)))  # 2 / 10 = 0.2, the edge
    signal = signals.keystone_conundrum(s)
    assert signal.state == "red"
    assert "If Robin Castillo stepped back, 2 engaged people would lose their only link" in signal.explanation
    assert signal.people[0] == 7 and set(signal.people) == {7, 1, 2}


def test_keystone_just_under_the_red_share_is_amber_an_important_leader():
    signal = signals.keystone_conundrum(keystones(11, Keystone(7, "Robin Castillo", cut_off=(1, 2))))
    assert 2 / 11 < rules.KEYSTONE_RED_SHARE
    assert signal.state == "amber"
    assert "Robin Castillo is the only link for 2 engaged people" in signal.explanation


def test_keystone_names_both_when_two_people_hold_it_together():
    s = keystones(10, Keystone(3, "Lane Whitaker", cut_off=(4, 5)), Keystone(7, "Robin Castillo", cut_off=(1, 2, 6)))
    signal = signals.keystone_conundrum(s)
    assert signal.state == "red" and "runs through Robin Castillo and Lane Whitaker" in signal.explanation
    assert signal.people[:2] == (7, 3)


def test_no_keystone_is_green_and_too_few_engaged_people_is_unknown():
    assert signals.keystone_conundrum(keystones(6)).state == "green"
    unknown = signals.keystone_conundrum(keystones(rules.KEYSTONE_MIN_PEOPLE - 1, Keystone(1, "A", cut_off=(2, 3))))
    assert unknown.state == "unknown" and "It takes 5 engaged people" in unknown.explanation
    assert signals.keystone_conundrum(snap()).state == "unknown"
    pending = signals.keystone_conundrum(snap(keystones=KeystoneFacts(500, (), pending=True)))
    assert pending.state == "unknown" and "still running" in pending.explanation


# --- supply-side substitution ---------------------------------------------------------------

def supply(community, employers):
    items = [work(i, "community" if i % 2 else "convener") for i in range(1, community + 1)]
    items += [work(100 + i, "employer") for i in range(employers)]
    return snap(work=items)


def test_supply_side_is_red_when_community_partners_and_conveners_own_most_open_work():
    signal = signals.supply_side_substitution(supply(3, 2))  # 3 / 5 = 60%
    assert signal.state == "red" and signal.figure.startswith("3 of 5 open (60%)")
    assert {i.id for i in signal.items} == {1, 2, 3} and set(signal.people) == {1, 2, 3}


def test_supply_side_at_exactly_half_is_amber_not_red():
    assert signals.supply_side_substitution(supply(3, 3)).state == "amber"


def test_supply_side_under_a_third_is_green_and_a_third_is_amber():
    assert signals.supply_side_substitution(supply(1, 5)).state == "green"  # 1 / 6
    assert signals.supply_side_substitution(supply(2, 4)).state == "amber"  # 2 / 6, the edge


def test_supply_side_counts_only_open_work_with_a_known_owner_and_needs_enough_of_it():
    items = [work(1, "community"), work(2, "community"), work(3, "employer"), work(4, "community", "done"),
             work(5, None), work(6, "employer")]
    signal = signals.supply_side_substitution(snap(work=items))
    assert signal.state == "unknown" and signal.figure == "4 open items with a known owner"


# --- slippery slope -------------------------------------------------------------------------

def meeting(i, days_ago, employers, community=2, kind="second", area=None):
    present = tuple(range(1000 + i * 100, 1000 + i * 100 + employers))
    return MeetingFacts(i, ago(days_ago), kind, f"meeting {i}", present, community, area)


def three_meetings(first, last):
    return [meeting(1, 200, first), meeting(2, 100, (first + last) // 2), meeting(3, 10, last)]


def employer_activity(before, recent):
    items = [work(i, "employer", created=ago(120)) for i in range(before)]
    return items + [work(500 + i, "employer", created=ago(20)) for i in range(recent)]


def test_slippery_slope_is_red_when_employer_attendance_and_activity_both_fall_by_a_quarter():
    s = snap(meetings=three_meetings(8, 6), work=employer_activity(8, 6))  # 6 <= 8 * 0.75: the edge
    signal = signals.slippery_slope(s)
    assert signal.state == "red"
    assert "fewer employers come to partnership meetings and employers own less of the work" in signal.explanation
    assert [i.id for i in signal.items] == [1, 2, 3]
    assert 1100 in signal.people  # an employer present at the first meeting and not the last


def test_slippery_slope_just_short_of_a_quarter_is_green():
    s = snap(meetings=three_meetings(8, 7), work=employer_activity(8, 7))
    assert signals.slippery_slope(s).state == "green"


def test_slippery_slope_is_amber_when_only_one_falls():
    signal = signals.slippery_slope(snap(meetings=three_meetings(8, 6), work=employer_activity(8, 8)))
    assert signal.state == "amber" and "fewer employers come" in signal.explanation


def test_slippery_slope_ignores_champion_calls_future_meetings_and_meetings_without_attendance():
    calls = [meeting(1, 200, 8), meeting(2, 100, 8), meeting(3, 50, 2, kind="champion_call"),
             meeting(4, 20, 0, community=0), meeting(5, -5, 1)]
    signal = signals.slippery_slope(snap(meetings=calls))
    assert signal.state == "unknown" and "three partnership meetings" in signal.explanation


def test_slippery_slope_needs_enough_earlier_activity_to_judge_it():
    signal = signals.slippery_slope(snap(work=employer_activity(rules.SLIPPERY_MIN_ACTIVITY - 1, 0)))
    assert signal.state == "unknown"
    assert signals.slippery_slope(snap(work=employer_activity(rules.SLIPPERY_MIN_ACTIVITY, 3))).state == "amber"


# --- narrowing niche ------------------------------------------------------------------------

AREAS = [Area(1, "Talent pipeline", (11,), ago(200), ago(200)), Area(2, "Entrepreneurship", (12,), ago(200), ago(200)),
         Area(3, "Regional hub", (13,), ago(200), ago(200))]


def area_work(*counts):
    out, n = [], 0
    for area_id, count in enumerate(counts, start=1):
        for _ in range(count):
            n += 1
            out.append(work(n, "employer", area=area_id))
    return out


def test_narrowing_niche_is_red_when_one_area_holds_the_red_share_of_activity():
    signal = signals.narrowing_niche(snap(areas=AREAS, work=area_work(8, 1, 1)))  # 80%: the edge
    assert signal.state == "red" and signal.items == (Item("priority_area", 1),)
    assert "Talent pipeline holds 80% of the activity" in signal.explanation and signal.people == (11,)


def test_narrowing_niche_amber_from_the_amber_share_and_green_below():
    assert signals.narrowing_niche(snap(areas=AREAS, work=area_work(6, 2, 2))).state == "amber"  # 60%
    assert signals.narrowing_niche(snap(areas=AREAS, work=area_work(5, 3, 2))).state == "green"  # 50%


def test_narrowing_niche_counts_area_meetings_and_recent_closed_work_but_not_old_closed_work():
    old = [work(90 + i, "employer", "done", created=ago(300), done_on=ago(200), area=2) for i in range(10)]
    calls = [meeting(50 + i, 10, 3, kind="champion_call", area=3) for i in range(2)]
    signal = signals.narrowing_niche(snap(areas=AREAS, work=area_work(3) + old, meetings=calls))
    assert signal.state == "amber" and signal.figure == "Talent pipeline: 3 of 5 (60%)"


def test_narrowing_niche_single_priority_is_amber_and_too_little_activity_unknown():
    one = [AREAS[0], Area(2, "No champions", (), ago(200), ago(200))]
    assert signals.narrowing_niche(snap(areas=one)).state == "amber"
    assert signals.narrowing_niche(snap(areas=AREAS, work=area_work(4))).state == "unknown"
    assert signals.narrowing_niche(snap()).state == "unknown"


# --- ambiguity anchor -----------------------------------------------------------------------

def planned(i, outcomes, early_wins, age=60, champions=(1,)):
    return Area(i, f"Area {i}", champions, ago(age), ago(age), outcomes, early_wins)


def test_ambiguity_anchor_red_when_half_the_areas_lack_an_outcome_or_an_early_win():
    signal = signals.ambiguity_anchor(snap(areas=[planned(1, 2, 1), planned(2, 1, 0)]))
    assert signal.state == "red" and signal.items == (Item("priority_area", 2),)
    assert "Area 2 has no early win written down" in signal.explanation


def test_ambiguity_anchor_amber_under_half_and_green_when_every_area_is_specific():
    areas = [planned(1, 2, 1), planned(2, 1, 1), planned(3, None, None)]
    amber = signals.ambiguity_anchor(snap(areas=areas))
    assert amber.state == "amber" and "Area 3 has no measurable outcome and no early win" in amber.explanation
    assert signals.ambiguity_anchor(snap(areas=areas[:2])).state == "green"


def test_ambiguity_anchor_waits_for_the_grace_days_and_skips_areas_without_champions():
    young = [planned(1, None, None, age=rules.AMBIGUITY_GRACE_DAYS - 1), planned(2, None, None, champions=())]
    assert signals.ambiguity_anchor(snap(areas=young)).state == "unknown"
    edge = [planned(1, None, None, age=rules.AMBIGUITY_GRACE_DAYS)]
    assert signals.ambiguity_anchor(snap(areas=edge)).state == "red"


# --- done deal ------------------------------------------------------------------------------

def revisited(*ages):
    return [Area(i, f"Area {i}", (1,), ago(800), ago(age)) for i, age in enumerate(ages, start=1)]


def test_done_deal_red_when_nothing_was_revisited_for_a_year():
    signal = signals.done_deal(snap(areas=revisited(rules.DONE_DEAL_DAYS, 400)))
    assert signal.state == "red" and "over a year" in signal.explanation
    assert {i.id for i in signal.items} == {1, 2}


def test_done_deal_amber_from_the_warning_and_green_before_it():
    assert signals.done_deal(snap(areas=revisited(rules.DONE_DEAL_DAYS - 1))).state == "amber"
    assert signals.done_deal(snap(areas=revisited(rules.DONE_DEAL_WARN_DAYS))).state == "amber"
    green = signals.done_deal(snap(areas=revisited(rules.DONE_DEAL_WARN_DAYS - 1, 500)))
    assert green.state == "green" and green.items == (Item("priority_area", 2),)
    assert signals.done_deal(snap()).state == "unknown"


def test_done_deal_says_today_rather_than_0_days_ago():
    assert signals.done_deal(snap(areas=revisited(0))).figure.endswith("(today)")
    assert signals.done_deal(snap(areas=revisited(1))).figure.endswith("(1 day ago)")


# --- grant game and turf trap ---------------------------------------------------------------

def test_judgement_calls_show_what_the_convener_recorded_and_are_never_computed():
    flags = [Flag(1, "grant_game", ago(40), "Chasing the state grant", cleared_on=ago(5)),
             Flag(2, "turf_trap", ago(3), "The college wants the training agenda")]
    s = snap(flags=flags, work=[work(i, "community") for i in range(10)])
    grant, turf = signals.judgement_call(s, "grant_game"), signals.judgement_call(s, "turf_trap")
    assert grant.state == "green" and "cleared by the convener" in grant.explanation
    assert turf.state == "red" and turf.items == (Item("health_note", 2),)
    assert signals.judgement_call(snap(), "turf_trap").state == "unknown"


def test_assess_gives_every_red_flag_and_green_light_in_order():
    health = signals.assess(snap())
    assert [s.code for s in health.signals] == list(signals.RED_FLAGS)
    assert [s.code for s in health.green_lights] == list(lights.CODES)
    assert all(s.state in ("green", "amber", "red", "unknown") for s in health.signals + health.green_lights)


# --- green lights ---------------------------------------------------------------------------

def member(i, stage="champion", role="member", side="employer", since=None):
    default = ago(200) if stage == "champion" else None
    return Member(i, f"P{i}", side, role, stage, since if since is not None else default)


def test_leverage_of_leadership_lit_when_a_leaders_referral_became_engaged():
    members = [member(1, role="chair"), member(2, stage="champion", since=ago(5)), member(3, stage="approved"),
               member(4, stage="attended", role="member")]
    referrals = [Referral(1, 2, ago(60)), Referral(1, 3, ago(60)), Referral(4, 3, ago(60))]
    signal = lights.leverage_of_leadership(snap(members=members, referrals=referrals))
    assert signal.state == "green" and signal.figure == "1 of 2 referred engaged, 1 champion"
    assert signal.people == (2, 1)


def test_leverage_of_leadership_amber_when_referred_people_are_not_engaged_and_unknown_without_referrals():
    members = [member(1, role="chair"), member(3, stage="approved"), member(4, stage="attended")]
    assert lights.leverage_of_leadership(snap(members=members, referrals=[Referral(1, 3, ago(9))])).state == "amber"
    # a referral by someone who is not a leader does not count
    assert lights.leverage_of_leadership(snap(members=members, referrals=[Referral(3, 4, ago(9))])).state == "unknown"


def commitments(done, late, owner_side="employer", future=0):
    out = [work(i, owner_side, "done", due=ago(5), done_on=ago(6), type="commitment") for i in range(done)]
    out += [work(100 + i, owner_side, due=ago(1), type="commitment") for i in range(late)]
    return out + [work(200 + i, owner_side, due=ago(-30), type="commitment") for i in range(future)]


def test_culture_of_commitment_lit_from_half_the_employer_commitments_due_delivered():
    assert lights.culture_of_commitment(snap(work=commitments(2, 2, future=5))).state == "green"  # 50%: the edge
    amber = lights.culture_of_commitment(snap(work=commitments(1, 2)))
    assert amber.state == "amber" and {i.id for i in amber.items} == {100, 101}


def test_culture_of_commitment_reads_employer_commitments_only_and_waits_until_one_is_due():
    assert lights.culture_of_commitment(snap(work=commitments(3, 0, owner_side="community"))).state == "unknown"
    assert lights.culture_of_commitment(snap(work=commitments(0, 0, future=3))).state == "unknown"
    dropped = [work(1, "employer", "dropped", due=ago(-30), type="commitment")]
    assert lights.culture_of_commitment(snap(work=dropped)).state == "amber"


def test_dominance_of_doers_counts_people_who_delivered_against_those_who_owe():
    items = [work(1, "employer", "done", due=ago(5), done_on=ago(5), type="commitment", owner=1),
             work(2, "employer", "done", due=ago(5), done_on=ago(5), type="commitment", owner=1),
             work(3, "community", due=ago(5), type="commitment", owner=2)]
    signal = lights.dominance_of_doers(snap(work=items))
    assert signal.state == "green" and signal.figure == "1 doer, 1 talker; 1.0 delivered per person"
    items.append(work(4, "community", due=ago(5), type="commitment", owner=3))
    assert lights.dominance_of_doers(snap(work=items)).state == "amber"
    assert lights.dominance_of_doers(snap()).state == "unknown"


def test_champion_growth_lit_by_a_champion_newer_than_the_window():
    window = rules.HEALTH_WINDOW_DAYS
    members = [member(1, since=ago(window)), member(2, since=ago(window - 1))]
    signal = lights.champion_growth(snap(members=members))
    assert signal.state == "green" and signal.people == (2,) and signal.figure == f"1 → 2 champions in {window} days"
    assert lights.champion_growth(snap(members=members[:1])).state == "amber"
    assert lights.champion_growth(snap(members=[member(3, stage="attended")])).state == "unknown"


@pytest.mark.parametrize("code", signals.RED_FLAGS + lights.CODES)
def test_every_signal_explains_itself_in_one_sentence(code):
    health = signals.assess(snap())
    found = next(s for s in health.signals + health.green_lights if s.code == code)
    assert found.explanation.endswith(".") and found.figure and code in signals.TITLES
