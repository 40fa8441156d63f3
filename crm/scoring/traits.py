"""The civic-entrepreneur scoring model: pure, explainable, the one scoring rule.

For each of the workbook's three traits (company, industry, community) a person gets a
0-100 score built from the named signals of `weights.SIGNALS` (data: trait, what it reads,
points and cap, evidence weight, reason in words), each adding points with a reason ("CEO of
Acme: company +30"), and a confidence from how much evidence it rests on. The overall score
is a weighted geometric mean, so a leader strong in one trait and absent in the others ranks
below a balanced one; a trait counts in full at `weights.TRAIT_FULL` points. No evidence gives
a score of 0 with confidence 0: not a guess, and read as "not enough known".

`score_person(facts, explain=False)` gives the same numbers without building the reasons:
what ranking 20,000 people uses. There is no second formula.
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
    def label(self) -> str:
        """strong / likely / not_enough_known (vocab.SCORE_LABELS), from the overall score and
        the confidence: little evidence reads as unknown, never as weak."""
        return score_label(self.overall, self.confidence)

    @property
    def reasons(self) -> list[Reason]:
        """Every reason, strongest first (ties in trait order, then text)."""
        order = {t: i for i, t in enumerate(TRAITS)}
        return sorted((r for t in TRAITS for r in self.traits[t].reasons),
                      key=lambda r: (-r.points, order[r.trait], r.text))

    def trait_scores(self) -> dict[str, int]:
        return {t: self.traits[t].score for t in TRAITS}


def score_label(overall: float, confidence: float) -> str:
    """How an overall score reads (see `PersonScore.label`)."""
    if confidence < weights.KNOWN_CONFIDENCE:
        return "not_enough_known"
    if overall >= weights.STRONG:
        return "strong"
    if overall >= weights.LIKELY:
        return "likely"
    return "not_enough_known"


def _reason(n: int, reason: tuple[str, str], **values) -> str:
    """A signal's reason in words: its text with the count and its noun (crm.prose.plural)."""
    return reason[0].format(plural(n, reason[1]) if reason[1] else n, **values)


def _assessment_points(ratings: list[int]) -> int:
    """Several assessors combine like independent witnesses; never lowered by one more."""
    missing = 1.0
    for rating in ratings:
        share = min(max(rating, 0), 3) * weights.ASSESSMENT_SHARE_PER_RATING
        missing *= 1.0 - share
    return int(round(weights.ASSESSMENT_POINTS * (1.0 - missing)))


def _confidence(evidence: float) -> float:
    return round(1.0 - math.exp(-evidence / weights.CONFIDENCE_SCALE), 3) if evidence > 0 else 0.0


_RATING_WORDS = ("none seen", "some", "clear", "exemplary")
_NO_REASONS: tuple[Reason, ...] = ()
_T = {t: i for i, t in enumerate(TRAITS)}
#: weights.SIGNALS as plain tuples (trait index, kind, fact, each, cap, evidence, signal), read
#: once: 20,000 people are scored in one pass.
_SIGNALS = tuple((_T[sg.trait], sg.kind, sg.fact, sg.points[0], sg.points[1], sg.evidence, sg)
                 for sg in weights.SIGNALS)


def score_person(facts: PersonFacts, explain: bool = True) -> PersonScore:
    """Score one person from their facts: every signal of `weights.SIGNALS`, evaluated here and
    nowhere else. With `explain`, each trait carries its reasons (strongest first)."""
    points = [0, 0, 0]
    evidence = [0.0, 0.0, 0.0]
    reasons: list[list[Reason]] | None = [[], [], []] if explain else None
    ratings: list[list[int]] | None = None
    for t, kind, fact, each, cap, weight, signal in _SIGNALS:
        value = getattr(facts, fact)
        if not value:
            continue
        if kind == "count":
            evidence[t] += weight
            got = value * each
            if got > cap:
                got = cap
            points[t] += got
            if explain and got > 0:
                reasons[t].append(Reason(TRAITS[t], got, _reason(value, signal.reason)))
        elif kind == "title":
            evidence[t] += weight
            seniority = title_seniority(value)
            if seniority:
                points[t] += seniority[0]
                if explain:
                    at = f" of {facts.organisation}" if facts.organisation else ""
                    reasons[t].append(Reason(TRAITS[t], seniority[0], signal.reason[0].format(title=value, at=at)))
        elif kind == "tags":
            civic = civic_tags(value)
            if not civic:
                continue
            evidence[t] += weight
            got = min(len(civic) * each, cap)
            points[t] += got
            if explain:
                left = got
                for tag in civic:
                    if left <= 0:
                        break
                    reasons[t].append(Reason(TRAITS[t], min(each, left), signal.reason[0].format(tag=tag)))
                    left -= each
        else:  # assessments: this trait's ratings, each assessor's row kept, combined
            if ratings is None:
                ratings = [[], [], []]
                for a in value:
                    if a.trait in _T:
                        ratings[_T[a.trait]].append(a.rating)
            mine = ratings[t]
            if not mine:
                continue
            evidence[t] += weight * len(mine)
            got = _assessment_points(mine)
            points[t] += got
            if explain and got > 0:
                best = _RATING_WORDS[min(max(max(mine), 0), 3)]
                reasons[t].append(Reason(TRAITS[t], got, _reason(len(mine), signal.reason, best=best)))
    scores = [p if p < 100 else 100 for p in points]
    confidence = [_confidence(e) for e in evidence]
    traits = {trait: TraitScore(trait, scores[i], confidence[i],
                                tuple(sorted(reasons[i], key=_strongest)) if explain else _NO_REASONS)
              for i, trait in enumerate(TRAITS)}
    return PersonScore(facts.person_id, traits, _overall(scores),
                       round((confidence[0] + confidence[1] + confidence[2]) / 3, 3))


def _strongest(reason: Reason):
    return -reason.points, reason.text


_FLOOR, _FULL = weights.BALANCE_FLOOR, weights.TRAIT_FULL
_WEIGHTS = tuple(weights.TRAIT_WEIGHTS[t] for t in TRAITS)


def _overall(scores) -> float:
    log_sum = 0.0
    for score, weight in zip(scores, _WEIGHTS, strict=True):
        log_sum += weight * math.log(((score if score < _FULL else _FULL) + _FLOOR) / (_FULL + _FLOOR))
    value = (math.exp(log_sum) * (_FULL + _FLOOR) - _FLOOR) / _FULL * 100.0
    return round(max(0.0, min(100.0, value)), 1)


def overall_score(traits: dict[str, TraitScore]) -> float:
    """Weighted geometric mean of the trait scores, 0-100: rewards balance. Each trait counts
    up to `weights.TRAIT_FULL` points, floored by `weights.BALANCE_FLOOR` so one zero does not
    zero everything; no evidence at all gives 0, every trait at TRAIT_FULL or more gives 100."""
    return _overall([traits[t].score for t in TRAITS])


def rank(scores: list[PersonScore]) -> list[PersonScore]:
    """Highest overall first; equal inputs keep a stable order (then by person id)."""
    return sorted(scores, key=lambda s: (-s.overall, -s.confidence, s.person_id))
