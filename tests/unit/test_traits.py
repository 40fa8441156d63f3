"""The scoring model's promises: explainable points, balance rewarded, evidence never lowers a
trait, no evidence means low confidence (not a guess), equal inputs keep a stable order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.scoring import weights
from crm.scoring.signals import Assessment, OrgInfo, PersonFacts, civic_tags, tie_signals, title_seniority
from crm.scoring.traits import TRAITS, rank, score_person


def test_title_table_reads_ceo_owner_and_general_manager_as_decision_makers():
    assert title_seniority("CEO") == (30, "CEO")
    assert title_seniority("Founder and CEO")[0] == 30
    assert title_seniority("General Manager")[1] == "general manager"
    assert title_seniority("VP Operations")[1] == "vice president"
    assert title_seniority("Training Lead") is None
    assert title_seniority("MVP of sales") is None  # whole words only
    assert title_seniority(None) is None


def test_every_score_comes_with_reasons_in_words():
    facts = PersonFacts(1, "Robin", title="CEO", organisation="Acme", sector_employers=6,
                        tags=("United Way board",))
    score = score_person(facts)
    texts = [str(r) for r in score.reasons]
    assert "CEO of Acme: company +30" in texts
    assert "knows 6 sector employers: industry +24" in texts
    assert "United Way board (tag): community +15" in texts
    assert score.traits["company"].score == 30


def test_a_leader_strong_in_one_trait_ranks_below_a_balanced_one():
    one_sided = score_person(PersonFacts(1, title="CEO", tasks_done=5, champion_areas=2, lead_areas=1,
                                         assessments=(Assessment("company", 3),)))
    balanced = score_person(PersonFacts(2, title="Plant Manager", sector_employers=3, community_orgs=3,
                                        meetings_attended=1, tags=("Rotary",)))
    assert one_sided.traits["company"].score > 80
    assert max(balanced.trait_scores().values()) < 40
    assert balanced.overall > one_sided.overall
    assert [s.person_id for s in rank([one_sided, balanced])] == [2, 1]


def test_no_evidence_gives_zero_with_zero_confidence_not_a_guess():
    score = score_person(PersonFacts(7, "Nobody"))
    for trait in TRAITS:
        assert score.traits[trait].score == 0
        assert score.traits[trait].confidence == 0.0
    assert score.confidence == 0.0 and score.overall == 0.0


def test_several_assessors_are_combined_and_a_none_seen_rating_adds_confidence_only():
    one = score_person(PersonFacts(1, assessments=(Assessment("community", 2, 10),)))
    two = score_person(PersonFacts(1, assessments=(Assessment("community", 2, 10),
                                                   Assessment("community", 2, 11))))
    with_zero = score_person(PersonFacts(1, assessments=(Assessment("community", 2, 10),
                                                         Assessment("community", 0, 11))))
    assert two.traits["community"].score > one.traits["community"].score
    assert with_zero.traits["community"].score == one.traits["community"].score
    assert with_zero.traits["community"].confidence > one.traits["community"].confidence


def test_civic_tags_are_recognised_by_word_and_capped():
    assert civic_tags(["Rotary", "golf", "School board"]) == ["Rotary", "School board"]
    score = score_person(PersonFacts(1, tags=("Rotary", "School board", "Hospital foundation")))
    assert score.traits["community"].score == weights.CIVIC_TAG[1]


def test_tie_signals_count_other_sector_employers_community_partners_and_referrals():
    orgs = {1: OrgInfo("Acme", "employer", "Manufacturing"), 2: OrgInfo("Beta", "employer", "Manufacturing"),
            3: OrgInfo("Clinic", "employer", "Healthcare"), 4: OrgInfo("WIB", "community")}
    person_org = {10: 1, 11: 1, 20: 2, 30: 3, 40: 4, 21: 2}
    counts = tie_signals(knows=[(10, 11), (10, 20), (10, 21), (10, 30), (10, 40)],
                         referred=[(10, 20), (10, 11)], person_org=person_org, orgs=orgs)
    # colleague 11 is not another employer; 20 and 21 share one employer; healthcare is another sector
    assert counts[10] == (1, 1, 1)
    assert counts[40] == (1, 0, 0)  # the WIB person knows one employer


evidence = st.fixed_dictionaries({
    "tasks_done": st.integers(0, 6), "champion_areas": st.integers(0, 3), "lead_areas": st.integers(0, 1),
    "meetings_attended": st.integers(0, 5), "sector_employers": st.integers(0, 10),
    "employer_referrals": st.integers(0, 5), "community_orgs": st.integers(0, 8),
    "tags": st.lists(st.sampled_from(["Rotary", "United Way board", "golf", "Youth mentor"]),
                     max_size=3, unique=True).map(tuple),
    "title": st.sampled_from([None, "CEO", "Owner", "Training Lead", "HR Director"]),
    "assessments": st.lists(st.builds(Assessment, st.sampled_from(TRAITS), st.integers(0, 3)),
                            max_size=4).map(tuple),
})
MORE = st.sampled_from(["tasks_done", "champion_areas", "meetings_attended", "sector_employers",
                        "employer_referrals", "community_orgs", "tags", "assessments", "title"])


def _more(facts: PersonFacts, what: str, trait: str, rating: int) -> PersonFacts:
    if what == "tags":
        return replace(facts, tags=facts.tags + ("Chamber board",))
    if what == "assessments":
        return replace(facts, assessments=facts.assessments + (Assessment(trait, rating),))
    if what == "title":
        return facts if facts.title else replace(facts, title="President")
    return replace(facts, **{what: getattr(facts, what) + 1})


@pytest.mark.slow  # hypothesis
@settings(max_examples=300, deadline=None)
@given(evidence, MORE, st.sampled_from(TRAITS), st.integers(0, 3))
def test_more_evidence_never_lowers_any_trait_score(data, what, trait, rating):
    before = score_person(PersonFacts(1, **data))
    after = score_person(_more(PersonFacts(1, **data), what, trait, rating))
    for t in TRAITS:
        assert after.traits[t].score >= before.traits[t].score
        assert after.traits[t].confidence >= before.traits[t].confidence
    assert after.overall >= before.overall


@pytest.mark.slow  # hypothesis
@settings(max_examples=100, deadline=None)
@given(st.lists(evidence, min_size=1, max_size=6), st.randoms())
def test_equal_inputs_rank_in_a_stable_order(rows, rnd):
    scores = [score_person(PersonFacts(i, **row)) for i, row in enumerate(rows)]
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    assert [s.person_id for s in rank(shuffled)] == [s.person_id for s in rank(scores)]
    twins = [score_person(PersonFacts(pid, **rows[0])) for pid in (5, 3, 9)]
    assert [s.person_id for s in rank(twins)] == [3, 5, 9]


@given(evidence)
def test_scores_stay_within_zero_and_one_hundred(data):
    score = score_person(PersonFacts(1, **data))
    assert 0 <= score.overall <= 100
    for t in TRAITS:
        assert 0 <= score.traits[t].score <= 100 and 0 <= score.traits[t].confidence <= 1


@given(evidence)
def test_unexplained_numbers_are_the_explained_ones_without_reasons(data):
    explained, plain = score_person(PersonFacts(1, **data)), score_person(PersonFacts(1, **data), explain=False)
    assert plain.trait_scores() == explained.trait_scores()
    assert (plain.overall, plain.confidence) == (explained.overall, explained.confidence)
    assert plain.reasons == []


def test_the_workbooks_kind_of_leader_reads_as_strong():
    """Issue 13 item 12: a CEO who chairs, champions (and leads) a priority area, knows a few
    sector employers and refers one, with a little community evidence, reads as strong; the
    same person with nothing on the community side is still likely, never weak."""
    leader = PersonFacts(1, "Karen", title="CEO", organisation="Acme", chairs=1, champion_areas=1,
                         lead_areas=1, sector_employers=5, employer_referrals=1, community_orgs=2)
    score = score_person(leader)
    assert score.overall >= weights.STRONG and score.label == "strong", score
    assert "chairs 1 sector partnership: industry +10" in [str(r) for r in score.reasons]
    assert score_person(replace(leader, chairs=0, community_orgs=0)).label in ("strong", "likely")


def test_not_enough_known_reads_as_unknown_not_weak():
    assert score_person(PersonFacts(7, "Nobody")).label == "not_enough_known"
    thin = score_person(PersonFacts(8, "Thin", title="Director"))  # one weak signal
    assert thin.confidence < weights.KNOWN_CONFIDENCE and thin.label == "not_enough_known"
