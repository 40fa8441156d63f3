"""Network services: load the graph from the database (one query per table), cache it per
(scope, graph version), and answer intro paths, best askers and keystones.

Other features call `intro_paths`, `best_asker` and `graph_version`; the analysis itself lives
in the pure modules `graph.py`, `paths.py` and `keystones.py`.
"""

from __future__ import annotations

from sqlalchemy import func, select

from crm import vocab
from crm.contacts.models import Person
from crm.extensions import db
from crm.network import cache
from crm.network import paths as pure_paths
from crm.network.graph import Network, build_network
from crm.network.models import current
from crm.network.paths import IntroPath
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


def _rows(sql: str) -> list[tuple]:
    """Plain tuples straight from the DBAPI cursor (no Row objects: 200k ties load fast)."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def load_network() -> Network:
    """Build the whole region's network from plain rows, one query per table."""
    people = _rows("SELECT id, name, organisation_id FROM people "
                   "WHERE merged_into_id IS NULL AND archived_at IS NULL")
    organisations = _rows("SELECT id, name, side, sector FROM organisations")
    knows = _rows("SELECT source_id, target_id, strength FROM ties WHERE kind = 'knows'")
    referrals = _rows("SELECT source_id, target_id FROM ties WHERE kind = 'referred'")
    memberships = _rows("SELECT partnership_id, person_id, role, stage FROM memberships")
    return build_network(people, organisations, (), memberships, _load_scores(),
                         knows=knows, referrals=referrals)


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


def _visible_partnerships(user) -> dict[int, str]:
    from crm.accounts.access import limit_partnerships
    from crm.partnerships.models import Partnership

    stmt = limit_partnerships(select(Partnership.id, Partnership.name).order_by(Partnership.name),
                              Partnership.id, user)
    return dict(db.session.execute(stmt).all())


def map_people(partnership_id: int, user, path: list[int] | None = None,
               organisation_id: int | None = None) -> tuple[list[int], list[int]]:
    """Who the map shows: the partnership's members (one organisation's people and their
    contacts when drilling down), plus the people of a highlighted path the user may see.
    Returns (people, the valid highlighted path)."""
    network = region_network()
    members = network.members.get(partnership_id, {})
    people = sorted(members)
    if organisation_id is not None:
        own = {p for p in people if network.nodes[p].organisation_id == organisation_id}
        near = {q for p in own for q in network.knows.adj[p] if q in members}
        people = sorted(own | near)
    valid_path = [p for p in (path or []) if p in network.nodes]
    if len(valid_path) != len(path or []):
        valid_path = []  # an unknown person: highlight nothing rather than part of a path
    missing = set(valid_path) - set(people)
    if missing and visible_people(user, missing) == missing:
        people = sorted(set(people) | missing)
    elif missing:
        valid_path = []  # a path through someone the user may not see is not shown
    return people, valid_path


def map_data(partnership_id: int, user, path: list[int] | None = None,
             organisation_id: int | None = None, summarise: bool | None = None) -> dict:
    """Everything the map page draws, as plain data (cached layout per graph version)."""
    from crm.network import mapdata

    version = graph_version()
    network = region_network(version)
    people, valid_path = map_people(partnership_id, user, path, organisation_id)
    visible = _visible_partnerships(user)
    if summarise is None:
        summarise = organisation_id is None and len(people) > mapdata.SUMMARY_LIMIT
    if summarise:
        data = cache.get(("summary", partnership_id), version,
                         lambda: mapdata.summary_map(network, partnership_id))
        valid_path = []
    else:
        positions = cache.get(("layout", partnership_id, organisation_id, tuple(people)), version,
                              lambda: mapdata.layout_for(network, people))
        partnerships_of = {pid: [p for p in sorted(network_partnerships(network, pid)) if p in visible]
                           for pid in people}
        data = mapdata.people_map(network, partnership_id, people, partnerships_of, positions)
    data.update({"partnership_id": partnership_id, "path": valid_path,
                 "organisation_id": organisation_id,
                 "partnerships": [{"id": k, "name": v} for k, v in visible.items()],
                 "labels": {"role": dict(vocab.ROLES), "stage": dict(vocab.STAGES),
                            "side": {**dict(vocab.SIDES), "none": "No organisation"}}})
    return data


def network_partnerships(network: Network, person_id: int) -> list[int]:
    """Ids of the partnerships the person belongs to."""
    return [pid for pid, members in network.members.items() if person_id in members]


def graphml(partnership_id: int) -> bytes:
    """The partnership's members and ties as GraphML."""
    from crm.network import mapdata

    network = region_network()
    return mapdata.graphml(network, partnership_id, sorted(network.members.get(partnership_id, {})))


def person_intro_panel(user, person_id: int) -> list[dict]:
    """For each partnership the person is in that the user may see: the ranked intro paths,
    with names, for the person page."""
    from crm.accounts.access import visible_partnership_ids

    network = region_network()
    allowed = visible_partnership_ids(user)
    sections = []
    for pid, name in _visible_partnerships(user).items():
        if person_id not in network.members.get(pid, {}) or (allowed is not None and pid not in allowed):
            continue
        found = intro_paths_for(user, pid, person_id)
        sections.append({"partnership_id": pid, "partnership": name,
                         "best": pure_paths.best_asker(found),
                         "paths": [{"path": p, "people": [(q, network.name(q)) for q in p.path]}
                                   for p in found]})
    return sections
