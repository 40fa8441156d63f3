"""Scoring services: load the rows once (one query per table, plain tuples), call the pure
model (`signals`, `traits`), and cache the result per data version; record assessments.

The cache key is the network's graph version (people, organisations, ties, memberships,
assessments: bumped in the same transaction as any change, in any process) together with
the newest audit-log id (tasks, invitations, decisions, partnerships) and the priority
champions' count: three index lookups, so a warm request costs almost nothing. Services
flush; the caller commits.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Integer, cast, func, or_, select

from crm import vocab
from crm.audit.models import AuditEntry
from crm.contacts.models import Organisation, Person, Tag, Tie, person_tags
from crm.extensions import db
from crm.network.services import graph_version
from crm.outreach.models import Task
from crm.partnerships.models import Invitation, PriorityChampion
from crm.scoring.models import TraitAssessment
from crm.scoring.signals import Assessment, OrgInfo, PersonFacts, tie_signals
from crm.scoring.traits import PersonScore, score_person


class ScoringError(ValueError):
    """A change refused, with a message (and the field it is about, if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- the cache ------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict = {"version": None, "entries": {}}


def data_version() -> tuple:
    """What the scores depend on, read with three cheap queries."""
    audit = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    champions = db.session.execute(
        select(func.count(PriorityChampion.id), func.max(PriorityChampion.id))).one()
    return (graph_version(), audit, champions[0] or 0, champions[1] or 0)


def cached(key, version: tuple, build):
    """The value for `key` at `version`, built once; older versions are forgotten."""
    with _lock:
        if _cache["version"] != version:
            _cache["entries"] = {}
            _cache["version"] = version
        if key in _cache["entries"]:
            return _cache["entries"][key]
    value = build()
    with _lock:
        if _cache["version"] == version:
            _cache["entries"].setdefault(key, value)
    return value


def clear_cache() -> None:
    """Forget every cached score (tests and benchmarks)."""
    with _lock:
        _cache["version"] = None
        _cache["entries"] = {}


# --- loading plain rows ----------------------------------------------------------------------

@dataclass
class Snapshot:
    """The contact base as plain data: what scoring and suggestions read."""

    people: dict[int, tuple[str, str | None, int | None]]  # id -> (name, title, organisation_id)
    orgs: dict[int, OrgInfo]
    adj: dict[int, list[tuple[int, int]]]  # knows ties, both directions: id -> [(other, strength)]
    scores: dict[int, PersonScore]

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


def _counts(stmt) -> dict[int, int]:
    return {pid: int(n) for pid, n in db.session.execute(stmt).all() if pid is not None}


def load_facts(person_ids: set[int] | None = None) -> tuple[dict, dict, dict, dict[int, PersonFacts]]:
    """People, organisations, knows-adjacency and each person's facts (all, or only `person_ids`)."""
    p, o, t = Person.__table__.c, Organisation.__table__.c, Tie.__table__.c
    execute = db.session.execute

    def only(column, stmt):
        return stmt if person_ids is None else stmt.where(column.in_(person_ids or [-1]))

    tie_stmt = select(t.kind, t.source_id, t.target_id, t.strength)
    if person_ids is not None:
        ids = list(person_ids or [-1])
        tie_stmt = tie_stmt.where(or_(t.source_id.in_(ids), t.target_id.in_(ids)))
    ties = execute(tie_stmt).all()
    wanted = None
    if person_ids is not None:
        wanted = set(person_ids) | {row[1] for row in ties} | {row[2] for row in ties}
    people_stmt = select(p.id, p.name, p.title, p.organisation_id).where(
        p.merged_into_id.is_(None), p.archived_at.is_(None))
    if wanted is not None:
        people_stmt = people_stmt.where(p.id.in_(wanted or [-1]))
    people = {row[0]: (row[1], row[2], row[3]) for row in execute(people_stmt).all()}
    orgs = {row[0]: OrgInfo(row[1], row[2], row[3], row[4])
            for row in execute(select(o.id, o.name, o.side, o.sector, o.county)).all()}

    adj: dict[int, list[tuple[int, int]]] = defaultdict(list)
    knows, referred = [], []
    for kind, source, target, strength in ties:
        if source not in people or target not in people:
            continue
        if kind == "knows":
            knows.append((source, target))
            adj[source].append((target, strength))
            adj[target].append((source, strength))
        else:
            referred.append((source, target))
    person_org = {pid: row[2] for pid, row in people.items()}
    network = tie_signals(knows, referred, person_org, orgs)

    tags: dict[int, list[str]] = defaultdict(list)
    pt = person_tags.c
    for pid, tag in execute(only(pt.person_id, select(pt.person_id, Tag.name).join(Tag, Tag.id == pt.tag_id))):
        tags[pid].append(tag)
    tk = Task.__table__.c
    done = _counts(only(tk.owner_id, select(tk.owner_id, func.count()).where(tk.status == "done")
                        .group_by(tk.owner_id)))
    pc = PriorityChampion.__table__.c
    areas, leads = {}, {}
    for pid, n, lead in execute(only(pc.person_id, select(
            pc.person_id, func.count(), func.sum(cast(pc.lead, Integer))).group_by(pc.person_id))):
        areas[pid], leads[pid] = int(n), int(lead or 0)
    iv = Invitation.__table__.c
    attended = _counts(only(iv.person_id, select(iv.person_id, func.count()).where(iv.attended.is_(True))
                            .group_by(iv.person_id)))
    ta = TraitAssessment.__table__.c
    assessed: dict[int, list[Assessment]] = defaultdict(list)
    for pid, trait, rating, assessor in execute(only(ta.person_id, select(
            ta.person_id, ta.trait, ta.rating, ta.assessor_id).order_by(ta.id))):
        assessed[pid].append(Assessment(trait, rating, assessor))

    facts = {}
    for pid in (people if person_ids is None else [i for i in person_ids if i in people]):
        name, title, org_id = people[pid]
        org = orgs.get(org_id) if org_id is not None else None
        sector_employers, community_orgs, referrals = network.get(pid, (0, 0, 0))
        facts[pid] = PersonFacts(
            pid, name, title, org.name if org else None, tuple(tags.get(pid, ())), done.get(pid, 0),
            areas.get(pid, 0), leads.get(pid, 0), attended.get(pid, 0), sector_employers, referrals,
            community_orgs, tuple(assessed.get(pid, ())))
    return people, orgs, adj, facts


def snapshot(version: tuple | None = None) -> Snapshot:
    """Every person scored, cached until the data changes."""
    version = data_version() if version is None else version

    def build() -> Snapshot:
        people, orgs, adj, facts = load_facts()
        return Snapshot(people, orgs, dict(adj), {pid: score_person(f) for pid, f in facts.items()})

    return cached("snapshot", version, build)


def person_score(person_id: int) -> PersonScore | None:
    """One person's scores (from the warm snapshot when there is one, else just their rows)."""
    with _lock:
        warm = _cache["entries"].get("snapshot")
    if warm is not None and _cache["version"] == data_version():
        return warm.scores.get(person_id)
    _people, _orgs, _adj, facts = load_facts({person_id})
    return score_person(facts[person_id]) if person_id in facts else None


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


def assessments_of(person_id: int) -> list[TraitAssessment]:
    """Every assessment of a person, newest first."""
    return db.session.scalars(select(TraitAssessment).where(TraitAssessment.person_id == person_id)
                              .order_by(TraitAssessment.id.desc())).all()
