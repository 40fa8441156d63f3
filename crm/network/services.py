"""Network services: load the graph from the database (one query per table), cache it per
(scope, graph version), and answer intro paths, best askers and keystones.

Other features call `intro_paths`, `best_asker` and `graph_version`; the analysis itself lives
in the pure modules `graph.py`, `paths.py` and `keystones.py`.
"""

from __future__ import annotations

from sqlalchemy import func, select

from crm import vocab
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.network import cache
from crm.network import paths as pure_paths
from crm.network.graph import Network, build_network
from crm.network.models import current
from crm.network.paths import IntroPath
from crm.partnerships.models import Membership
from crm.scoring.models import TraitAssessment

__all__ = ["IntroPath", "intro_paths", "best_asker", "graph_version", "region_network",
           "partnership_network"]

REGION = "region"


def graph_version() -> int:
    """Changes whenever people, organisations, ties or memberships change (any process)."""
    return current(db.session)


def _load_scores() -> dict[int, float]:
    """A person's trait score: the sum over the three traits of the mean rating (0-9)."""
    rows = db.session.execute(
        select(TraitAssessment.person_id, TraitAssessment.trait, func.avg(TraitAssessment.rating))
        .group_by(TraitAssessment.person_id, TraitAssessment.trait)
    ).all()
    scores: dict[int, float] = {}
    for person_id, _trait, mean in rows:
        scores[person_id] = round(scores.get(person_id, 0.0) + float(mean or 0), 2)
    return scores


def load_network() -> Network:
    """Build the whole region's network from plain rows (no ORM objects)."""
    p, o, t, m = Person.__table__.c, Organisation.__table__.c, Tie.__table__.c, Membership.__table__.c
    execute = db.session.execute
    people = execute(select(p.id, p.name, p.organisation_id)
                     .where(p.merged_into_id.is_(None), p.archived_at.is_(None))).all()
    organisations = execute(select(o.id, o.name, o.side, o.sector)).all()
    ties = execute(select(t.kind, t.source_id, t.target_id, t.strength)).all()
    memberships = execute(select(m.partnership_id, m.person_id, m.role, m.stage)).all()
    return build_network(people, organisations, ties, memberships, _load_scores())


def region_network(version: int | None = None) -> Network:
    """The cached whole-region network at the current graph version."""
    version = graph_version() if version is None else version
    return cache.get(REGION, version, load_network)


def partnership_network(partnership_id: int, version: int | None = None) -> Network:
    """The cached network of the partnership's members and the ties among them."""
    version = graph_version() if version is None else version
    return cache.get(("partnership", partnership_id), version,
                     lambda: region_network(version).partnership(partnership_id))


def intro_paths(partnership_id: int, target_id: int, limit: int = 5) -> list[IntroPath]:
    """Ranked ways the partnership's employer chairs and champions can reach the target."""
    network = region_network()
    askers = network.askers(partnership_id, vocab.ASKER_ROLES)
    askers.discard(target_id)
    return pure_paths.intro_paths(network, askers, target_id, limit)


def best_asker(partnership_id: int, target_id: int) -> IntroPath | None:
    """The strongest employer-to-employer ask, else None."""
    network = region_network()
    askers = network.askers(partnership_id, vocab.ASKER_ROLES)
    askers.discard(target_id)
    return pure_paths.best_asker(pure_paths.intro_paths(network, askers, target_id, None))


#: Roles whose holders the partnership may depend on (section F: "chair or convener").
LEADER_ROLES = (*vocab.CHAIR_ROLES, "lead_champion", "convener")


def keystones(partnership_id: int) -> dict:
    """The keystone summary of the partnership's network, cached per graph version."""
    from crm.network import keystones as pure_keystones

    version = graph_version()
    return cache.get(("keystones", partnership_id), version, lambda: pure_keystones.analyse(
        partnership_network(partnership_id, version), partnership_id, LEADER_ROLES,
        vocab.ASKER_ROLES))


def visible_people(user, person_ids) -> set[int]:
    """Those of `person_ids` the user may see (everyone for staff)."""
    from crm.accounts.access import limit_people

    ids = set(person_ids)
    if user.is_staff or not ids:
        return ids
    stmt = limit_people(select(Person.id).where(Person.id.in_(ids)), Person.id, user)
    return set(db.session.scalars(stmt))


def intro_paths_for(user, partnership_id: int, target_id: int, limit: int = 5) -> list[IntroPath]:
    """Intro paths the user may see: for chairs and viewers, only paths through people of
    their partnerships (an introducer they may not see would leak a contact)."""
    found = intro_paths(partnership_id, target_id, limit=None if not user.is_staff else limit)
    if user.is_staff:
        return found
    visible = visible_people(user, {pid for p in found for pid in p.path})
    return [p for p in found if set(p.path) <= visible][:limit]
