"""Scoring services: load the rows once (one query per table, plain tuples), call the pure
model (`signals`, `traits`), and keep the result per process; record assessments.

Every employer-side person's scores are one `CatchUpCache` (crm/changes/cache.py): the
scores' version row moves with every change that feeds them (crm/changes/tracking.py), and
the people the change log names are re-scored instead of everyone. Each partnership's ranking
is kept per (scores version, `ranking_version`: its memberships, its newest review decision
and the partnership's row version). So a chair's decision re-ranks in a fraction of a second
and never re-scores anyone. Services flush; the caller commits.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, func, or_, select

from crm import vocab
from crm.changes import models as changes
from crm.changes.cache import CatchUpCache
from crm.changes.tracking import score_kinds
from crm.contacts.models import Organisation, Person, Tag, Tie, person_tags
from crm.extensions import db
from crm.memory import gc_paused
from crm.network import services as network
from crm.outreach.models import Task
from crm.partnerships.models import Invitation, Membership, Partnership, PriorityChampion
from crm.scoring.models import ReviewDecision, TraitAssessment
from crm.scoring.signals import Assessment, OrgInfo, PersonFacts, tie_signals, visible_assessments
from crm.scoring.traits import PersonScore, score_person


class ScoringError(ValueError):
    """A change refused, with a message (and the field it is about, if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- the cache ------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict = {}  # key -> (version, value)


def scores_version(session=None) -> int:
    """What every person's scores depend on: the scores' version row, moved in the same
    transaction as any change that feeds them, in any process (crm/changes/tracking.py).
    Membership and review changes leave it alone, so a chair's decision re-ranks but never
    re-scores."""
    return SCORES.version(session)


def ranking_version(partnership_id: int) -> tuple:
    """What a partnership's ranking adds to the scores: its own memberships (how many, the
    newest, the sum of their row versions, which every edit raises), its newest review decision
    and the partnership row. Changes elsewhere in the region leave it alone."""
    rd, pa, m = ReviewDecision.__table__.c, Partnership.__table__.c, Membership.__table__.c
    mine = m.partnership_id == partnership_id
    row = db.session.execute(select(
        select(func.count()).where(mine).scalar_subquery(),
        select(func.max(m.id)).where(mine).scalar_subquery(),
        select(func.sum(m.version)).where(mine).scalar_subquery(),
        select(func.max(rd.id)).where(rd.partnership_id == partnership_id).scalar_subquery(),
        select(pa.version).where(pa.id == partnership_id).scalar_subquery())).one()
    return tuple(row)


def cached(key, version, build):
    """The value for `key` at `version`, built once; an older version of it is forgotten."""
    with _lock:
        entry = _cache.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
    value = build()
    with _lock:
        _cache[key] = (version, value)
    return value


def peek(key, version):
    """The cached value for `key` if it is at `version`, else None (never builds)."""
    with _lock:
        entry = _cache.get(key)
    return entry[1] if entry is not None and entry[0] == version else None


def last_built(key):
    """The most recently built value for `key`, whatever its version (None if never built)."""
    with _lock:
        entry = _cache.get(key)
    return entry[1] if entry is not None else None


def clear_cache() -> None:
    """Forget every cached score and ranking (tests and benchmarks)."""
    SCORES.clear()
    with _lock:
        _cache.clear()


# --- loading plain rows ----------------------------------------------------------------------

@dataclass
class Snapshot:
    """The contact base as plain data, every person's ranking numbers, and (on demand) their
    explained scores."""

    people: dict[int, tuple[str, str | None, int | None]]  # id -> (name, title, organisation_id)
    orgs: dict[int, OrgInfo]
    facts: dict[int, PersonFacts]
    #: every person's numbers (scores without reasons): what ranking reads
    numbers: dict[int, PersonScore]
    _explained: dict = field(default_factory=dict)
    #: this snapshot's number in the process, and the last few catch-ups that led to it, as
    #: (number of the snapshot caught up from, people re-scored, people moved): what a ranking
    #: built on an earlier snapshot needs to update itself instead of starting again
    serial: int = field(default_factory=lambda: next(_serials))
    lineage: tuple = ()

    def changes_since(self, serial: int) -> tuple[frozenset, frozenset] | None:
        """(people re-scored, people moved) since snapshot number `serial`, if recorded."""
        if serial == self.serial:
            return frozenset(), frozenset()
        steps = [i for i, step in enumerate(self.lineage) if step[0] == serial]
        if not steps:
            return None
        later = self.lineage[steps[0]:]
        return (frozenset().union(*(step[1] for step in later)),
                frozenset().union(*(step[2] for step in later)))

    def side(self, person_id: int) -> str | None:
        person = self.people.get(person_id)
        org = self.orgs.get(person[2]) if person and person[2] is not None else None
        return org.side if org else None

    def name(self, person_id: int) -> str:
        person = self.people.get(person_id)
        return person[0] if person else f"#{person_id}"

    def organisation(self, person_id: int) -> OrgInfo | None:
        person = self.people.get(person_id)
        return self.orgs.get(person[2]) if person and person[2] is not None else None

    def score(self, person_id: int) -> PersonScore | None:
        """The explained score (reasons and all), built once per person when first asked."""
        explained = self._explained.get(person_id)
        if explained is None and person_id in self.facts:
            explained = self._explained[person_id] = score_person(self.facts[person_id])
        return explained


def _counts(session, stmt) -> dict[int, int]:
    return {pid: int(n) for pid, n in session.execute(stmt).all() if pid is not None}


def _raw_rows(session, sql: str) -> list[tuple]:
    """A parameterless query through the driver's cursor: 200,000 ties without per-row wrapping."""
    connection = session.connection().connection.dbapi_connection
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def load_facts(person_ids: set[int] | None = None, employers_only: bool = False, session=None
               ) -> tuple[dict, dict, dict[int, PersonFacts]]:
    """People, organisations and each person's facts (everyone, or only `person_ids`; with
    `employers_only`, facts only of employer-side people: the only ones ever suggested)."""
    p, o, t = Person.__table__.c, Organisation.__table__.c, Tie.__table__.c
    session = session or db.session
    execute = session.execute

    def only(column, stmt):
        return stmt if person_ids is None else stmt.where(column.in_(person_ids or [-1]))

    if person_ids is None:
        knows = _raw_rows(session, "SELECT source_id, target_id FROM ties WHERE kind = 'knows'")
        referred = _raw_rows(session, "SELECT source_id, target_id FROM ties WHERE kind = 'referred'")
        ties = ()
        people_stmt = select(p.id, p.name, p.title, p.organisation_id).where(
            p.merged_into_id.is_(None), p.archived_at.is_(None))
    else:
        ids = list(person_ids or [-1])
        ties = execute(select(t.kind, t.source_id, t.target_id).where(
            or_(t.source_id.in_(ids), t.target_id.in_(ids)))).all()
        wanted = set(person_ids) | {row[1] for row in ties} | {row[2] for row in ties}
        people_stmt = select(p.id, p.name, p.title, p.organisation_id).where(
            p.merged_into_id.is_(None), p.archived_at.is_(None), p.id.in_(wanted or [-1]))
    people = {row[0]: (row[1], row[2], row[3]) for row in execute(people_stmt).all()}
    orgs = {row[0]: OrgInfo(row[1], row[2], row[3], row[4])
            for row in execute(select(o.id, o.name, o.side, o.sector, o.county)).all()}

    person_org = {pid: row[2] for pid, row in people.items()}
    if person_ids is not None:
        knows = [(s, t) for kind, s, t in ties if kind == "knows"]
        referred = [(s, t) for kind, s, t in ties if kind == "referred"]
    network = tie_signals(knows, referred, person_org, orgs)

    tags: dict[int, list[str]] = defaultdict(list)
    pt = person_tags.c
    for pid, tag in execute(only(pt.person_id, select(pt.person_id, Tag.name).join(Tag, Tag.id == pt.tag_id))):
        tags[pid].append(tag)
    tk = Task.__table__.c
    done = _counts(session, only(tk.owner_id, select(tk.owner_id, func.count()).where(tk.status == "done")
                        .group_by(tk.owner_id)))
    pc = PriorityChampion.__table__.c
    areas, leads = {}, {}
    for pid, n, lead in execute(only(pc.person_id, select(
            pc.person_id, func.count(), func.sum(cast(pc.lead, Integer))).group_by(pc.person_id))):
        areas[pid], leads[pid] = int(n), int(lead or 0)
    ms = Membership.__table__.c
    chairs = _counts(session, only(ms.person_id, select(ms.person_id, func.count()).where(
        ms.role.in_(vocab.CHAIR_ROLES)).group_by(ms.person_id)))
    iv = Invitation.__table__.c
    attended = _counts(session, only(iv.person_id, select(iv.person_id, func.count()).where(iv.attended.is_(True))
                            .group_by(iv.person_id)))
    ta = TraitAssessment.__table__.c
    assessed: dict[int, list[Assessment]] = defaultdict(list)
    for pid, trait, rating, assessor, partnership in execute(only(ta.person_id, select(
            ta.person_id, ta.trait, ta.rating, ta.assessor_id, ta.partnership_id).order_by(ta.id))):
        assessed[pid].append(Assessment(trait, rating, assessor, partnership_id=partnership))

    facts = {}
    no_counts = (0, 0, 0)
    for pid in (people if person_ids is None else [i for i in person_ids if i in people]):
        name, title, org_id = people[pid]
        org = orgs.get(org_id) if org_id is not None else None
        if employers_only and (org is None or org.side != "employer"):
            continue
        sector_employers, community_orgs, referrals = network.get(pid, no_counts)
        facts[pid] = PersonFacts(
            pid, name, title, org.name if org else None, tuple(tags.get(pid, ())), tasks_done=done.get(pid, 0),
            chairs=chairs.get(pid, 0), champion_areas=areas.get(pid, 0), lead_areas=leads.get(pid, 0),
            meetings_attended=attended.get(pid, 0), sector_employers=sector_employers,
            employer_referrals=referrals, community_orgs=community_orgs,
            assessments=tuple(assessed.get(pid, ())))
    return people, orgs, facts


#: Above this many logged changes, or people touched, since the held snapshot, it is rebuilt
#: rather than caught up.
MAX_CATCH_UP_PEOPLE = 3_000
#: How many catch-ups a snapshot remembers (rankings built on older ones start again).
LINEAGE = 16
_serials = itertools.count(1)
log = logging.getLogger(__name__)


def _build(session) -> Snapshot:
    """Every employer-side person's facts and ranking numbers, from scratch."""
    with gc_paused():  # ~15k people's facts and scores: no collector runs midway (crm/memory.py)
        people, orgs, facts = load_facts(employers_only=True, session=session)
        return Snapshot(people, orgs, facts, {pid: score_person(f, explain=False) for pid, f in facts.items()})


def _catch_up(session, held: Snapshot, rows: list[tuple]) -> Snapshot | None:
    """The held snapshot with the people the logged changes name re-scored (None: rebuild).
    A person or organisation edit also re-scores the people tied to them (what their ties
    count for changed)."""
    touched: set[int] = set()
    moved: set[int] = set()  # people whose side or sector changes what their ties count for
    orgs: set[int] = set()
    for kind, a, b in rows:
        if kind == "people":
            moved.add(a)
        elif kind == "organisations":
            orgs.add(a)
        elif kind == "ties":
            touched.update(x for x in (a, b) if x is not None)
        elif kind == changes.FACTS:
            touched.add(a)
    p, t = Person.__table__.c, Tie.__table__.c
    if orgs:
        moved.update(session.scalars(select(p.id).where(p.organisation_id.in_(orgs))))
    if len(moved) > MAX_CATCH_UP_PEOPLE:
        return None
    if moved:
        ids = sorted(moved)
        for a, b in session.execute(select(t.source_id, t.target_id).where(
                or_(t.source_id.in_(ids), t.target_id.in_(ids)))):
            touched.update((a, b))
    touched |= moved
    touched.discard(None)
    if len(touched) > MAX_CATCH_UP_PEOPLE:
        return None
    with gc_paused():
        people, all_orgs, facts = load_facts(touched, employers_only=True, session=session)
        kept_people, kept_facts, numbers, explained = (
            dict(held.people), dict(held.facts), dict(held.numbers), dict(held._explained))
        for pid in touched:
            for kept in (kept_people, kept_facts, numbers, explained):
                kept.pop(pid, None)
        kept_people.update(people)
        kept_facts.update(facts)
        numbers.update((pid, score_person(f, explain=False)) for pid, f in facts.items())
    lineage = (held.lineage + ((held.serial, frozenset(touched), frozenset(moved)),))[-LINEAGE:]
    return Snapshot(kept_people, all_orgs, kept_facts, numbers, explained, lineage=lineage)


#: Every employer-side person's scores, per process, brought up to date from the change log.
SCORES = CatchUpCache("scores snapshot", changes.SCORES, score_kinds, _build, _catch_up, MAX_CATCH_UP_PEOPLE)


def snapshot(version: int | None = None) -> Snapshot:
    """Every employer-side person's ranking numbers (see `SCORES`)."""
    return SCORES.get(version)


def person_score(person_id: int, partnership_ids=None) -> PersonScore | None:
    """One person's explained scores (from the warm snapshot when there is one, else their
    rows), from the assessments made for the contact base or for `partnership_ids` (None: all;
    a user's: `visible_partnership_ids(user)`)."""
    warm = SCORES.peek(scores_version())
    if warm is not None and person_id in warm.facts:
        facts = warm.facts[person_id]
        own = visible_assessments(facts, partnership_ids)
        return warm.score(person_id) if own is facts else score_person(own)
    _people, _orgs, facts = load_facts({person_id})
    return score_person(visible_assessments(facts[person_id], partnership_ids)) if person_id in facts else None


def overall_scores(person_ids, partnership_ids=None) -> dict[int, float | None]:
    """Each person's overall score, 0-100, as their page and the review show it (the map's
    sizes and tooltips: crm/app.py hands this to the network), from the assessments made for
    the contact base or for `partnership_ids` (None: all)."""
    ids = set(person_ids)
    version = scores_version()
    snap = snapshot(version)
    found = {}
    for pid in ids & snap.numbers.keys():
        facts = snap.facts[pid]
        own = visible_assessments(facts, partnership_ids)
        found[pid] = (snap.numbers[pid] if own is facts else score_person(own, explain=False)).overall
    missing = ids - found.keys()
    if missing:  # not employer-side: their facts loaded once per scores version (a map asks again)
        others = cached("facts outside the snapshot", version, dict)
        unknown = missing - others.keys()
        if unknown:
            _people, _orgs, facts = load_facts(unknown)
            others.update({pid: facts.get(pid) for pid in unknown})
        found.update((pid, score_person(visible_assessments(others[pid], partnership_ids), explain=False).overall)
                     for pid in missing if others[pid] is not None)
    return found


def knows_ties(person_ids, among=None) -> list[tuple[int, int, int]]:
    """Knows ties (a, b, strength) touching `person_ids` (and, if given, with the other end in
    `among`), in both directions: a is always in `person_ids`. From this process's region
    network when it holds one (brought up to date from the change log in milliseconds), else
    from the database."""
    if network.REGION.held() is not None:
        return network.region_network().knows_ties(person_ids, among)
    t = Tie.__table__.c
    ids = list(person_ids) or [-1]
    out = []
    for chunk_start in range(0, len(ids), 5000):
        chunk = ids[chunk_start:chunk_start + 5000]
        rows = db.session.execute(select(t.source_id, t.target_id, t.strength).where(
            t.kind == "knows", or_(t.source_id.in_(chunk), t.target_id.in_(chunk)))).all()
        inside = set(chunk)
        for a, b, strength in rows:
            if a in inside and (among is None or b in among):
                out.append((a, b, strength))
            if b in inside and (among is None or a in among):
                out.append((b, a, strength))
    return out


# --- assessments -------------------------------------------------------------------------------

def add_assessment(person: Person, trait: str, rating, evidence: str | None, assessor_id: int | None,
                   partnership_id: int | None = None) -> TraitAssessment:
    """Record one assessor's rating of one trait; earlier rows (theirs and others') stay."""
    if trait not in vocab.values(vocab.TRAITS):
        raise ScoringError("Choose company, industry or community.", "trait")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ScoringError("A rating is 0 (none seen) to 3 (exemplary).", "rating") from None
    if not 0 <= rating <= 3:
        raise ScoringError("A rating is 0 (none seen) to 3 (exemplary).", "rating")
    evidence = (evidence or "").strip() or None
    if evidence and len(evidence) > 4000:
        raise ScoringError("Keep the evidence under 4,000 characters.", "evidence")
    row = TraitAssessment(person_id=person.id, trait=trait, rating=rating, evidence=evidence,
                          assessor_id=assessor_id, partnership_id=partnership_id)
    db.session.add(row)
    db.session.flush()
    return row


def assessments_of(person_id: int, partnership_ids=None) -> list[TraitAssessment]:
    """A person's assessments made for the contact base or for `partnership_ids` (None: all),
    newest first."""
    stmt = select(TraitAssessment).where(TraitAssessment.person_id == person_id)
    if partnership_ids is not None:
        stmt = stmt.where(or_(TraitAssessment.partnership_id.is_(None),
                              TraitAssessment.partnership_id.in_(partnership_ids or [-1])))
    return db.session.scalars(stmt.order_by(TraitAssessment.id.desc())).all()
