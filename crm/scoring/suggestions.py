"""Suggested invitees of a partnership, and the chairs' decisions on them.

Employer-side people who are not yet members (or are candidates / suggested) ranked by
their overall score times fit (sector, region counties) times reachability (the best intro
path from the partnership's askers). Built from the cached snapshot of `services`, so a warm
ranking is a dictionary lookup. `decide` records a review decision and moves the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from crm import vocab
from crm.contacts.models import Person
from crm.extensions import db
from crm.network.paths import IntroPath
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership, Partnership
from crm.scoring import weights
from crm.scoring.models import ReviewDecision
from crm.scoring.reach import reachability
from crm.scoring.services import ScoringError, Snapshot, cached, data_version, snapshot
from crm.scoring.traits import TRAITS, PersonScore

#: Members at these stages are still open to suggestion.
OPEN_STAGES = ("candidate", "suggested")
#: Members at these stages are "on the team" (whom a suggestion may know).
TEAM_STAGES = ("accepted", "attended", "champion")


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    name: str
    title: str | None
    organisation: str | None
    score: float  # the ranking value: overall x fit x reach, 0-100
    overall: float
    traits: dict[str, int]
    trait_confidence: dict[str, float]
    confidence: float
    reasons: tuple[str, ...]
    trait_reasons: dict[str, tuple[str, ...]]
    asker: IntroPath | None
    stage: str | None  # their membership stage if they are a candidate already
    knows_on_team: tuple[int, ...] = field(default_factory=tuple)


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _fit(org, partnership_sector: str, counties: set[str]) -> tuple[float, list[str]]:
    reasons = []
    factor = 1.0
    if org is None:
        return weights.FIT_OTHER_SECTOR * weights.FIT_OUT_OF_REGION, ["organisation unknown"]
    if _norm(org.sector) == partnership_sector or not partnership_sector:
        factor *= weights.FIT_SAME_SECTOR
        if org.sector:
            reasons.append(f"{org.sector} employer: fits the sector")
    else:
        factor *= weights.FIT_OTHER_SECTOR
        reasons.append(f"{org.sector or 'sector unknown'}: outside the partnership's sector "
                       f"(x{weights.FIT_OTHER_SECTOR})")
    if counties:
        if _norm(org.county) in counties:
            factor *= weights.FIT_IN_REGION
            reasons.append(f"in {org.county} county: in the region")
        else:
            factor *= weights.FIT_OUT_OF_REGION
            reasons.append(f"{org.county or 'county unknown'}: outside the region "
                           f"(x{weights.FIT_OUT_OF_REGION})")
    return factor, reasons


def _reach_factor(path: IntroPath | None) -> float:
    if path is None:
        return weights.REACH_NONE
    strength = path.strength if path.employer_to_employer else path.strength * weights.REACH_NON_EMPLOYER_ASKER
    return weights.REACH_BASE + weights.REACH_SPAN * strength


def rank_suggestions(snap: Snapshot, members: dict[int, tuple[str, str]], sector: str,
                     counties: list[str]) -> list[Suggestion]:
    """The ranked slate (pure given the snapshot and the partnership's members)."""
    askers = {pid for pid, (role, stage) in members.items()
              if role in vocab.ASKER_ROLES and stage != "declined" and snap.side(pid) == "employer"}
    eligible = {pid for pid in snap.people
                if snap.side(pid) == "employer"
                and (pid not in members or members[pid][1] in OPEN_STAGES)
                and not (pid in members and members[pid][0] in vocab.ASKER_ROLES)}
    paths = reachability(snap.adj, askers, _SideView(snap), snap.name, targets=eligible)
    sector_key = _norm(sector)
    county_keys = {_norm(c) for c in counties}
    team = {pid for pid, (role, stage) in members.items()
            if stage in TEAM_STAGES or role in vocab.ASKER_ROLES}
    slate = []
    for pid in eligible:
        score: PersonScore = snap.scores[pid]
        org = snap.organisation(pid)
        fit, fit_reasons = _fit(org, sector_key, county_keys)
        path = paths.get(pid)
        value = round(score.overall * fit * _reach_factor(path), 1)
        reasons = tuple(str(r) for r in score.reasons) + tuple(fit_reasons) + (
            (path.reason,) if path else ("no warm path from the team yet",))
        name, title, _org_id = snap.people[pid]
        slate.append(Suggestion(
            pid, name, title, org.name if org else None, value, score.overall,
            score.trait_scores(), {t: score.traits[t].confidence for t in TRAITS}, score.confidence,
            reasons, {t: tuple(str(r) for r in score.traits[t].reasons) for t in TRAITS}, path,
            members[pid][1] if pid in members else None,
            tuple(sorted({o for o, _s in snap.adj.get(pid, ()) if o in team}))))
    slate.sort(key=lambda s: (-s.score, -s.overall, -s.confidence, s.person_id))
    return slate


class _SideView(dict):
    """`side` lookups for reachability, answered from the snapshot without copying 20,000 rows."""

    def __init__(self, snap: Snapshot):
        super().__init__()
        self._snap = snap

    def get(self, key, default=None):
        return self._snap.side(key) or default


def partnership_members(partnership_id: int) -> dict[int, tuple[str, str]]:
    m = Membership.__table__.c
    return {pid: (role, stage) for pid, role, stage in db.session.execute(
        select(m.person_id, m.role, m.stage).where(m.partnership_id == partnership_id)).all()}


def suggestions(partnership: Partnership, limit: int | None = None) -> list[Suggestion]:
    """The partnership's ranked suggested invitees (cached until the data changes)."""
    version = data_version()
    key = ("suggestions", partnership.id)
    slate = cached(key, version, lambda: rank_suggestions(
        snapshot(version), partnership_members(partnership.id), partnership.sector,
        partnership.counties))
    return slate if limit is None else slate[:limit]


# --- the chairs' decisions ------------------------------------------------------------------

def decide(partnership: Partnership, person_id: int, decision: str, user, reason: str | None = None,
           asker_id: int | None = None, score: float | None = None) -> ReviewDecision:
    """Record a review decision and move the person's pipeline stage (adding them as a member)."""
    if decision not in vocab.values(vocab.REVIEW_DECISIONS):
        raise ScoringError("Choose approve, not now, I'll ask or someone else should ask.", "decision")
    reason = (reason or "").strip() or None
    if decision == "not_now" and not reason:
        raise ScoringError("Say why not now (a few words are enough).", "reason")
    person = db.session.get(Person, person_id)
    if person is None or person.archived_at is not None or person.merged_into_id is not None:
        raise ScoringError("No such person.", "person_id")
    membership = partnerships.membership_of(partnership.id, person_id)
    if membership is not None and membership.stage not in OPEN_STAGES:
        raise ScoringError(f"{person.name} was already decided on ({vocab.label(vocab.STAGES, membership.stage)}).",
                           "person_id")
    if decision == "ill_ask":
        asker_id = getattr(user, "person_id", None)
        if asker_id is None:
            raise ScoringError("Your account is not linked to a person, so you cannot be the asker; "
                               "name who should ask instead.", "asker_id")
    elif decision == "someone_else":
        if not asker_id:
            raise ScoringError("Name who should ask.", "asker_id")
        asker = partnerships.membership_of(partnership.id, int(asker_id))
        if asker is None or asker.person_id == person_id:
            raise ScoringError("The asker must be someone on this partnership's team.", "asker_id")
        asker_id = asker.person_id
    else:
        asker_id = None
    stage = vocab.REVIEW_DECISION_STAGES[decision]
    user_id = getattr(user, "id", None)
    if membership is None:  # a suggestion becomes a member: suggested, then decided
        membership = partnerships.add_member(partnership, person_id, "member", "suggested",
                                             user_id=user_id)
    partnerships.move_stage(membership, stage, user_id=user_id,
                            reason=reason or vocab.label(vocab.REVIEW_DECISIONS, decision))
    row = ReviewDecision(partnership_id=partnership.id, person_id=person_id, decision=decision,
                         reason=reason, asker_id=asker_id, score=score, user_id=user_id)
    db.session.add(row)
    db.session.flush()
    return row


def decisions_of(partnership_id: int, limit: int = 100) -> list[ReviewDecision]:
    """The partnership's review decisions, newest first."""
    from sqlalchemy.orm import selectinload

    return db.session.scalars(
        select(ReviewDecision).where(ReviewDecision.partnership_id == partnership_id)
        .options(selectinload(ReviewDecision.person).selectinload(Person.organisation),
                 selectinload(ReviewDecision.asker), selectinload(ReviewDecision.user))
        .order_by(ReviewDecision.id.desc()).limit(limit)).all()


def decided_asker(partnership_id: int, person_id: int) -> int | None:
    """Who the chairs' review named as the asker of this person (newest decision), if anyone."""
    return db.session.scalar(
        select(ReviewDecision.asker_id).where(ReviewDecision.partnership_id == partnership_id,
                                              ReviewDecision.person_id == person_id)
        .order_by(ReviewDecision.id.desc()).limit(1))


def readiness(partnership: Partnership):
    """The launch-readiness gauge of a partnership (crm.partnerships.readiness) from its pipeline."""
    from crm.contacts.models import Organisation
    from crm.partnerships.readiness import Member, launch_readiness

    m, p, o = Membership.__table__.c, Person.__table__.c, Organisation.__table__.c
    rows = db.session.execute(
        select(m.person_id, m.stage, m.role, o.side)
        .select_from(Membership.__table__.join(Person.__table__, p.id == m.person_id)
                     .outerjoin(Organisation.__table__, o.id == p.organisation_id))
        .where(m.partnership_id == partnership.id)).all()
    not_now = set(db.session.scalars(select(ReviewDecision.person_id).where(
        ReviewDecision.partnership_id == partnership.id, ReviewDecision.decision == "not_now")))
    members = [Member(stage, side == "employer", role, pid in not_now and stage == "declined")
               for pid, stage, role, side in rows]
    return launch_readiness(members, partnership.launch_target_low, partnership.launch_target_high,
                            partnership.launch_minimum, weights.DEFAULT_ACCEPT_RATE,
                            weights.MIN_ANSWERS_FOR_OWN_RATE)
