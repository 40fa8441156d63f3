"""Suggested invitees of a partnership, and the chairs' decisions on them.

Employer-side people who are not yet members (or are candidates / suggested) ranked by
their overall score times fit (sector, region counties) times reachability (the best intro
path from the partnership's askers). Built from the cached snapshot of `services`, so a warm
ranking is a dictionary lookup. `decide` records a review decision and moves the pipeline.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import vocab
from crm.accounts.access import can_see_person, visible_person_ids
from crm.contacts.models import Person
from crm.extensions import db
from crm.memory import gc_paused
from crm.network.paths import IntroPath
from crm.outreach.plan import ASKER_REASON_MESSAGE, needs_reason
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership, Partnership
from crm.scoring import weights
from crm.scoring.models import ReviewDecision
from crm.scoring.reach import reachability
from crm.scoring.services import (
    ScoringError,
    Snapshot,
    cached,
    knows_ties,
    last_built,
    ranking_version,
    scores_version,
    snapshot,
)
from crm.scoring.signals import PersonFacts, visible_assessments
from crm.scoring.traits import TRAITS, PersonScore, score_label, score_person

#: Members at these stages are still open to suggestion.
OPEN_STAGES = ("candidate", "suggested")
#: Members at these stages may be decided on (again: a later decision reassigns the open ask).
DECIDABLE_STAGES = (*OPEN_STAGES, "approved", "ask_assigned", "not_now")
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

    @property
    def label(self) -> str:
        """How the overall score reads: strong / likely / not_enough_known."""
        return score_label(self.overall, self.confidence)


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


class Slate:
    """A partnership's ranking: every eligible person's rank value, in order; the readable
    `Suggestion` of each is built only when asked for (the API and the review show the top)."""

    def __init__(self, snap: Snapshot, members: dict[int, tuple[str, str]], sector: str,
                 counties: list[str], ties=knows_ties, partnership_id: int | None = None):
        self.snap, self.members, self._ties = snap, members, ties
        #: assessments count only if made for the contact base or for this partnership
        self.partnership_ids = None if partnership_id is None else frozenset({partnership_id})
        askers = {pid for pid, (role, stage) in members.items()
                  if role in vocab.ASKER_ROLES and stage not in vocab.INACTIVE_STAGES and snap.side(pid) == "employer"}
        eligible = {pid for pid in snap.people if self._eligible(pid)}
        # the askers' neighbourhood, two ties deep: all reachability needs
        adj: dict[int, list[tuple[int, int]]] = {}
        for a, b, strength in ties(askers):
            adj.setdefault(a, []).append((b, strength))
        first = {b for a in askers for b, _s in adj.get(a, ())} - askers
        for a, b, strength in ties(first):
            adj.setdefault(a, []).append((b, strength))
        self.askers, self.first = frozenset(askers), frozenset(first)
        #: everyone within two ties of an asker: whose side, name or ties can change a path
        self.area = self.askers | self.first | {b for a in first for b, _s in adj.get(a, ())}
        self.paths = reachability(adj, askers, _SideView(snap), snap.name, targets=eligible)
        self.team = {pid for pid, (role, stage) in members.items()
                     if stage in TEAM_STAGES or role in vocab.ASKER_ROLES}
        self._sector, self._counties = _norm(sector), {_norm(c) for c in counties}
        self._fit: dict[int | None, tuple[float, list[str]]] = {}
        #: each eligible person's ranking numbers from this partnership's view of the assessments
        self.numbers = {pid: self._numbers(pid) for pid in eligible}
        self.values = {pid: self._value(pid) for pid in eligible}
        self._sort()
        self._built: dict[int, Suggestion] = {}

    def _eligible(self, pid: int) -> bool:
        """An employer-side person not yet decided on (members only while candidate/suggested)."""
        if self.snap.side(pid) != "employer" or pid not in self.snap.numbers:
            return False
        member = self.members.get(pid)
        return member is None or (member[1] in OPEN_STAGES and member[0] not in vocab.ASKER_ROLES)

    def _facts(self, pid: int) -> PersonFacts:
        """The person's facts with only this partnership's (and the contact base's) assessments."""
        return visible_assessments(self.snap.facts[pid], self.partnership_ids)

    def _numbers(self, pid: int) -> PersonScore:
        """The person's ranking numbers: the shared ones, unless another partnership's
        assessments are in them (then from this partnership's own)."""
        facts = self.snap.facts.get(pid)
        if facts is None or not facts.assessments:
            return self.snap.numbers[pid]
        own = visible_assessments(facts, self.partnership_ids)
        return self.snap.numbers[pid] if own is facts else score_person(own, explain=False)

    def _value(self, pid: int) -> float:
        fit = self.fit(self.snap.people[pid][2])[0]
        return round(self.numbers[pid].overall * fit * _reach_factor(self.paths.get(pid)), 1)

    def _sort(self) -> None:
        values, numbers = self.values, self.numbers
        self.order = sorted(values, key=lambda pid: (-values[pid], -numbers[pid].overall,
                                                     -numbers[pid].confidence, pid))

    def updated(self, snap: Snapshot) -> Slate | None:
        """This ranking on a newer snapshot of the same contact base, re-valuing only the
        people re-scored since; None when the change reaches the askers' neighbourhood (who can
        reach whom may differ) or moved someone within two ties of them (a side or name on a
        path, or someone newly eligible who may be reachable)."""
        changes = snap.changes_since(self.snap.serial)
        if changes is None:
            return None
        touched, moved = changes
        if touched & (self.askers | self.first) or moved & self.area:
            return None
        new = copy.copy(self)
        new.snap, new._fit = snap, {}
        new.numbers, new.values = dict(self.numbers), dict(self.values)
        for pid in touched:
            new.values.pop(pid, None)
            new.numbers.pop(pid, None)
            if pid in snap.people and new._eligible(pid):
                new.numbers[pid] = new._numbers(pid)
                new.values[pid] = new._value(pid)
        new._sort()
        new._built = {pid: s for pid, s in self._built.items() if pid not in touched}
        return new

    def fit(self, org_id: int | None) -> tuple[float, list[str]]:
        if org_id not in self._fit:
            org = self.snap.orgs.get(org_id) if org_id is not None else None
            self._fit[org_id] = _fit(org, self._sector, self._counties)
        return self._fit[org_id]

    def __len__(self) -> int:
        return len(self.order)

    def _build(self, pid: int, knows_on_team: tuple[int, ...]) -> Suggestion:
        snap = self.snap
        facts = snap.facts.get(pid)
        own = self._facts(pid) if facts is not None else None
        score: PersonScore = snap.score(pid) if own is facts else score_person(own)
        name, title, org_id = snap.people[pid]
        org = snap.organisation(pid)
        path = self.paths.get(pid)
        reasons = tuple(str(r) for r in score.reasons) + tuple(self.fit(org_id)[1]) + (
            (path.reason,) if path else ("no warm path from the team yet",))
        return Suggestion(
            pid, name, title, org.name if org else None, self.values[pid], score.overall,
            score.trait_scores(), {t: score.traits[t].confidence for t in TRAITS}, score.confidence,
            reasons, {t: tuple(str(r) for r in score.traits[t].reasons) for t in TRAITS}, path,
            self.members[pid][1] if pid in self.members else None, knows_on_team)

    def top(self, limit: int | None = None) -> list[Suggestion]:
        """The best `limit` suggestions (all when None), best first."""
        ids = self.order if limit is None else self.order[:limit]
        missing = [pid for pid in ids if pid not in self._built]
        if missing:
            known: dict[int, set[int]] = {}
            for a, b, _s in self._ties(missing, among=self.team):
                known.setdefault(a, set()).add(b)
            for pid in missing:
                self._built[pid] = self._build(pid, tuple(sorted(known.get(pid, ()))))
        return [self._built[pid] for pid in ids]


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


def slate_of(partnership: Partnership) -> Slate:
    """The partnership's ranking, cached until its inputs change (scores or its pipeline)."""
    version = (scores_version(), ranking_version(partnership.id))

    def build() -> Slate:
        snap = snapshot(version[0])
        earlier = last_built(("slate", partnership.id))
        if earlier is not None and earlier.ranking == version[1]:  # same team: update in place
            updated = earlier.updated(snap)
            if updated is not None:
                updated.ranking = version[1]
                return updated
        with gc_paused():
            slate = Slate(snap, partnership_members(partnership.id), partnership.sector, partnership.counties,
                          partnership_id=partnership.id)
        slate.ranking = version[1]
        return slate

    return cached(("slate", partnership.id), version, build)


#: what a user reads instead of an intro path through someone they may not see
HIDDEN_PATH = "{asker} can be introduced through a contact outside your partnerships"


def as_seen_by(shown: list[Suggestion], user) -> list[Suggestion]:
    """The suggestions as `user` may read them: an introducer they may not see is neither named
    (in the reasons) nor given by id (in the path: None); the asker, the hops and the ranking stay."""
    if user.is_staff:
        return shown
    hops = {pid for s in shown if s.asker for pid in s.asker.path[:-1]}  # the last is the suggestion
    visible = set(visible_person_ids(user, sorted(hops)))
    if hops <= visible:
        return shown
    names = dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(visible or [-1]))).all())
    seen = []
    for s in shown:
        path = s.asker.path if s.asker else ()
        if all(pid in visible for pid in path[:-1]):
            seen.append(s)
            continue
        reason = HIDDEN_PATH.format(asker=names.get(s.asker.asker_id, "An asker of the team"))
        asker = dataclasses.replace(
            s.asker, reason=reason, introducer_id=None,
            path=tuple(pid if pid in visible or pid == s.person_id else None for pid in path))
        reasons = tuple(r for r in s.reasons if r != s.asker.reason) + (reason,)
        seen.append(dataclasses.replace(s, asker=asker, reasons=reasons))
    return seen


def suggestions(partnership: Partnership, limit: int | None = None) -> list[Suggestion]:
    """The partnership's ranked suggested invitees, best first."""
    return slate_of(partnership).top(limit)


# --- the chairs' decisions ------------------------------------------------------------------

#: the answer to a person id that names no one the user may decide on (missing or not visible)
NO_SUCH_PERSON = "No such person."


def reviewable(partnership: Partnership, user, person_id: int) -> bool:
    """Whether `user` may decide on the person in the partnership's review: someone they may
    see, or one of the partnership's suggested invitees (the review shows those to its chairs)."""
    return can_see_person(user, person_id) or person_id in slate_of(partnership).values


def decide(partnership: Partnership, person_id: int, decision: str, user, reason: str | None = None,
           asker_id: int | None = None, score: float | None = None,
           revisit_on: date | None = None) -> ReviewDecision:
    """Record a review decision and move the person's pipeline stage (adding them as a member)."""
    if decision not in vocab.values(vocab.REVIEW_DECISIONS):
        raise ScoringError("Choose approve, not now, I'll ask or someone else should ask.", "decision")
    reason = (reason or "").strip() or None
    if decision == "not_now" and not reason:
        raise ScoringError("Say why not now (a few words are enough).", "reason")
    person = db.session.get(Person, person_id)
    if person is None or person.archived_at is not None or person.merged_into_id is not None:
        raise ScoringError(NO_SUCH_PERSON, "person_id")
    membership = partnerships.membership_of(partnership.id, person_id)
    if membership is not None and membership.stage not in DECIDABLE_STAGES:
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
    if asker_id is not None and not reason and needs_reason(_is_employer(person), _is_employer(
            db.session.get(Person, asker_id))):
        raise ScoringError(ASKER_REASON_MESSAGE, "reason")
    stage = vocab.REVIEW_DECISION_STAGES[decision]
    user_id = getattr(user, "id", None)
    if membership is None:  # a suggestion becomes a member: suggested, then decided
        membership = partnerships.add_member(partnership, person_id, "member", "suggested",
                                             user_id=user_id)
    partnerships.move_stage(membership, stage, user_id=user_id,
                            reason=reason or vocab.label(vocab.REVIEW_DECISIONS, decision),
                            revisit_on=revisit_on if decision == "not_now" else None)
    row = ReviewDecision(partnership_id=partnership.id, person_id=person_id, decision=decision,
                         reason=reason, asker_id=asker_id, score=score, user_id=user_id)
    db.session.add(row)
    db.session.flush()
    return row


def _is_employer(person: Person | None) -> bool:
    return bool(person and person.organisation and person.organisation.side == "employer")


def decisions_of(partnership_id: int, limit: int = 100) -> list[ReviewDecision]:
    """The partnership's review decisions, newest first."""
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
