"""The civic-entrepreneur scoring model: pure, explainable, weights in `weights.py`.

For each of the workbook's three traits (company, industry, community) a person gets a
0-100 score built from named signals, each adding points with a reason in words ("CEO of
Acme: company +30"), and a confidence from how much evidence it rests on. The overall score
is a weighted geometric mean, so a leader strong in one trait and absent in the others ranks
below a balanced one. No evidence gives a score of 0 with confidence 0: not a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from crm.prose import plural
from crm.scoring import weights
from crm.scoring.signals import PersonFacts, civic_tags, title_seniority

TRAITS = ("company", "industry", "community")


@dataclass(frozen=True)
class Reason:
    """One contribution to a trait score, readable on its own."""

    trait: str
    points: int
    text: str

    def __str__(self) -> str:
        return f"{self.text}: {self.trait} +{self.points}"


@dataclass(frozen=True)
class TraitScore:
    trait: str
    score: int  # 0-100
    confidence: float  # 0-1
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class PersonScore:
    person_id: int
    traits: dict[str, TraitScore] = field(default_factory=dict)
    overall: float = 0.0
    confidence: float = 0.0

    @property
    def reasons(self) -> list[Reason]:
        """Every reason, strongest first (ties in trait order, then text)."""
        order = {t: i for i, t in enumerate(TRAITS)}
        return sorted((r for t in TRAITS for r in self.traits[t].reasons),
                      key=lambda r: (-r.points, order[r.trait], r.text))

    def trait_scores(self) -> dict[str, int]:
        return {t: self.traits[t].score for t in TRAITS}


def capped(count: int, rule: tuple[int, int]) -> int:
    """Points for `count` items at `rule` = (points each, cap)."""
    each, cap = rule
    return min(max(count, 0) * each, cap)


def _assessment_points(ratings: list[int]) -> int:
    """Several assessors combine like independent witnesses; never lowered by one more."""
    missing = 1.0
    for rating in ratings:
        share = min(max(rating, 0), 3) * weights.ASSESSMENT_SHARE_PER_RATING
        missing *= 1.0 - share
    return int(round(weights.ASSESSMENT_POINTS * (1.0 - missing)))


def _confidence(evidence: float) -> float:
    return round(1.0 - math.exp(-evidence / weights.CONFIDENCE_SCALE), 3) if evidence > 0 else 0.0


def score_person(facts: PersonFacts) -> PersonScore:
    """Score one person from their facts."""
    reasons: dict[str, list[Reason]] = {t: [] for t in TRAITS}
    evidence: dict[str, float] = dict.fromkeys(TRAITS, 0.0)
    ew = weights.EVIDENCE_WEIGHT
    at = f" of {facts.organisation}" if facts.organisation else ""

    def add(trait: str, points: int, text: str) -> None:
        if points > 0:
            reasons[trait].append(Reason(trait, points, text))

    # company: authority to deliver, and commitments delivered
    if facts.title:
        evidence["company"] += ew["title"]
        seniority = title_seniority(facts.title)
        if seniority:
            add("company", seniority[0], f"{facts.title}{at}")
    if facts.tasks_done > 0:
        evidence["company"] += ew["commitments"]
        add("company", capped(facts.tasks_done, weights.COMMITMENT_KEPT),
            f"kept {plural(facts.tasks_done, 'commitment')}")
    if facts.champion_areas > 0:
        evidence["company"] += ew["champion"]
        evidence["industry"] += ew["champion"]
        add("company", capped(facts.champion_areas, weights.PRIORITY_CHAMPION_COMPANY),
            f"champions {plural(facts.champion_areas, 'priority area')}")
        add("industry", capped(facts.champion_areas, weights.PRIORITY_CHAMPION_INDUSTRY),
            f"drives {plural(facts.champion_areas, 'sector priority')}")
        if facts.lead_areas > 0:
            add("company", weights.LEAD_CHAMPION_COMPANY, "leads a priority area")

    # industry: beyond their own business
    if facts.meetings_attended > 0:
        evidence["industry"] += ew["meetings"]
        add("industry", capped(facts.meetings_attended, weights.MEETING_ATTENDED),
            f"attended {plural(facts.meetings_attended, 'partnership meeting')}")
    if facts.sector_employers > 0:
        evidence["industry"] += ew["sector_ties"]
        add("industry", capped(facts.sector_employers, weights.SECTOR_EMPLOYER_TIE),
            f"knows {plural(facts.sector_employers, 'sector employer')}")
    if facts.employer_referrals > 0:
        evidence["industry"] += ew["referrals"]
        add("industry", capped(facts.employer_referrals, weights.EMPLOYER_REFERRAL),
            f"referred {plural(facts.employer_referrals, 'other employer')}")

    # community: commitment to place
    if facts.community_orgs > 0:
        evidence["community"] += ew["community_ties"]
        add("community", capped(facts.community_orgs, weights.COMMUNITY_PARTNER_TIE),
            f"knows people at {plural(facts.community_orgs, 'community partner')}")
    civic = civic_tags(facts.tags)
    if civic:
        evidence["community"] += ew["civic_tags"]
        each, cap = weights.CIVIC_TAG
        left = cap
        for tag in civic:
            points = min(each, left)
            if points <= 0:
                break
            add("community", points, f"{tag} (tag)")
            left -= points

    # assessments: each assessor's row kept; combined here
    by_trait: dict[str, list[int]] = {t: [] for t in TRAITS}
    for a in facts.assessments:
        if a.trait in by_trait:
            by_trait[a.trait].append(a.rating)
    for trait, ratings in by_trait.items():
        if ratings:
            evidence[trait] += ew["assessment"] * len(ratings)
            best = max(ratings)
            label = ("none seen", "some", "clear", "exemplary")[min(max(best, 0), 3)]
            add(trait, _assessment_points(ratings),
                f"{plural(len(ratings), 'assessment')} (best: {label})")

    traits = {}
    for trait in TRAITS:
        total = min(100, sum(r.points for r in reasons[trait]))
        ordered = tuple(sorted(reasons[trait], key=lambda r: (-r.points, r.text)))
        traits[trait] = TraitScore(trait, total, _confidence(evidence[trait]), ordered)
    return PersonScore(facts.person_id, traits, overall_score(traits),
                       round(sum(t.confidence for t in traits.values()) / len(TRAITS), 3))


def overall_score(traits: dict[str, TraitScore]) -> float:
    """Weighted geometric mean of the (floored) trait scores, 0-100: rewards balance."""
    floor = weights.BALANCE_FLOOR
    log_sum = 0.0
    for trait, weight in weights.TRAIT_WEIGHTS.items():
        log_sum += weight * math.log((traits[trait].score + floor) / (100.0 + floor))
    value = math.exp(log_sum) * (100.0 + floor) - floor
    return round(max(0.0, min(100.0, value)), 1)


def rank(scores: list[PersonScore]) -> list[PersonScore]:
    """Highest overall first; equal inputs keep a stable order (then by person id)."""
    return sorted(scores, key=lambda s: (-s.overall, -s.confidence, s.person_id))


@dataclass(frozen=True)
class QuickScore:
    """The numbers of a `PersonScore` without its reasons: what ranking 20,000 people needs."""

    person_id: int
    company: int
    industry: int
    community: int
    overall: float
    confidence: float


def _geometric(company: int, industry: int, community: int) -> float:
    floor = weights.BALANCE_FLOOR
    w = weights.TRAIT_WEIGHTS
    log_sum = (w["company"] * math.log((company + floor) / (100.0 + floor))
               + w["industry"] * math.log((industry + floor) / (100.0 + floor))
               + w["community"] * math.log((community + floor) / (100.0 + floor)))
    value = math.exp(log_sum) * (100.0 + floor) - floor
    return round(max(0.0, min(100.0, value)), 1)


def quick_score(facts: PersonFacts) -> QuickScore:
    """The same numbers as `score_person(facts)`, several times faster (no reason objects).
    tests/unit/test_traits.py checks both agree on random facts."""
    ew = weights.EVIDENCE_WEIGHT
    company = industry = community = 0
    e_company = e_industry = e_community = 0.0
    if facts.title:
        e_company += ew["title"]
        seniority = title_seniority(facts.title)
        if seniority:
            company += seniority[0]
    if facts.tasks_done > 0:
        e_company += ew["commitments"]
        company += capped(facts.tasks_done, weights.COMMITMENT_KEPT)
    if facts.champion_areas > 0:
        e_company += ew["champion"]
        e_industry += ew["champion"]
        company += capped(facts.champion_areas, weights.PRIORITY_CHAMPION_COMPANY)
        industry += capped(facts.champion_areas, weights.PRIORITY_CHAMPION_INDUSTRY)
        if facts.lead_areas > 0:
            company += weights.LEAD_CHAMPION_COMPANY
    if facts.meetings_attended > 0:
        e_industry += ew["meetings"]
        industry += capped(facts.meetings_attended, weights.MEETING_ATTENDED)
    if facts.sector_employers > 0:
        e_industry += ew["sector_ties"]
        industry += capped(facts.sector_employers, weights.SECTOR_EMPLOYER_TIE)
    if facts.employer_referrals > 0:
        e_industry += ew["referrals"]
        industry += capped(facts.employer_referrals, weights.EMPLOYER_REFERRAL)
    if facts.community_orgs > 0:
        e_community += ew["community_ties"]
        community += capped(facts.community_orgs, weights.COMMUNITY_PARTNER_TIE)
    if facts.tags:
        civic = civic_tags(facts.tags)
        if civic:
            e_community += ew["civic_tags"]
            community += min(len(civic) * weights.CIVIC_TAG[0], weights.CIVIC_TAG[1])
    if facts.assessments:
        by_trait: dict[str, list[int]] = {}
        for a in facts.assessments:
            by_trait.setdefault(a.trait, []).append(a.rating)
        for trait, ratings in by_trait.items():
            points = _assessment_points(ratings)
            weight = ew["assessment"] * len(ratings)
            if trait == "company":
                company, e_company = company + points, e_company + weight
            elif trait == "industry":
                industry, e_industry = industry + points, e_industry + weight
            elif trait == "community":
                community, e_community = community + points, e_community + weight
    company, industry, community = min(100, company), min(100, industry), min(100, community)
    confidence = round((_confidence(e_company) + _confidence(e_industry) + _confidence(e_community))
                       / len(TRAITS), 3)
    return QuickScore(facts.person_id, company, industry, community,
                      _geometric(company, industry, community), confidence)
