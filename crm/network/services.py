"""Network services: load the graph from the database (one query per table), cache it per
(scope, graph version), and answer intro paths, best askers and keystones.

Other features call `intro_paths`, `best_asker` and `graph_version`; the analysis itself lives
in the pure modules `graph.py`, `paths.py` and `keystones.py`.
"""

from __future__ import annotations

import logging
import threading
from itertools import pairwise

from flask import current_app
from sqlalchemy import select, tuple_

from crm import vocab
from crm.accounts.access import limit_partnerships, limit_people, visible_partnership_ids
from crm.changes import models as changes
from crm.changes.cache import CatchUpCache
from crm.changes.tracking import graph_tables
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.network import cache, mapdata
from crm.network import keystones as pure_keystones
from crm.network import paths as pure_paths
from crm.network.graph import Changes, Network, apply_changes, build_network, fingerprint
from crm.network.paths import IntroPath
from crm.partnerships.models import Membership, Partnership

__all__ = ["IntroPath", "intro_paths", "best_asker", "graph_version", "region_network",
           "partnership_network"]

log = logging.getLogger(__name__)
#: Above this many logged changes since a process's copy, it rebuilds instead of catching up.
MAX_CATCH_UP = 5_000
#: Where the app keeps the function giving people's overall scores, 0-100 (crm/app.py puts
#: crm.scoring's there; the network shows them on the map but never computes them).
SCORES_EXTENSION = "convene.person_scores"


def _rows(sql: str, session=None) -> list[tuple]:
    """Plain tuples straight from the DBAPI cursor (no Row objects: 200k ties load fast)."""
    cursor = (session or db.session).connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def load_network(session=None) -> Network:
    """Build the whole region's network from plain rows, one query per table."""
    people = _rows("SELECT id, name, organisation_id FROM people "
                   "WHERE merged_into_id IS NULL AND archived_at IS NULL", session)
    organisations = _rows("SELECT id, name, side, sector FROM organisations", session)
    knows = _rows("SELECT source_id, target_id, strength FROM ties WHERE kind = 'knows'", session)
    referrals = _rows("SELECT source_id, target_id FROM ties WHERE kind = 'referred'", session)
    memberships = _rows("SELECT partnership_id, person_id, role, stage FROM memberships", session)
    return build_network(people, organisations, (), memberships, knows=knows, referrals=referrals)


def _catch_up(session, network: Network, rows: list[tuple]) -> Network | None:
    """The held network with the logged changes applied (None: rebuild)."""
    if not rows:
        return None  # the version moved without a logged change (a restore, a test)
    return apply_changes(network, load_changes(session, rows, network))


#: The whole region's network, per process, brought up to date from the change log.
REGION = CatchUpCache("region network", changes.GRAPH, graph_tables, load_network, _catch_up, MAX_CATCH_UP)


def graph_version() -> int:
    """Changes whenever people, organisations, ties or memberships change (any process)."""
    return REGION.version()


def region_network(version: int | None = None) -> Network:
    """The whole region's network, at least as new as `version` (default: the current one).

    Kept per process. When another version is current, the changes logged since this
    process's copy are applied to it (milliseconds); a full rebuild happens only on first use,
    after a bulk change, or when the copy is too far behind (crm/changes/cache.py)."""
    return REGION.get(version)


def person_scores(person_ids, partnership_ids=None) -> dict[int, float | None]:
    """People's overall scores, 0-100 (None: not enough known), from the scorer the app put in
    `SCORES_EXTENSION` (crm/app.py: crm.scoring's); none without one. Only the assessments made
    for the contact base or for `partnership_ids` count (None: all; a reader's visible ones)."""
    scorer = current_app.extensions.get(SCORES_EXTENSION)
    return scorer(person_ids, partnership_ids) if scorer is not None else {}


def clear_caches() -> None:
    """Forget the region network and everything derived from it (tests, benchmarks)."""
    REGION.clear()
    cache.clear()


def load_changes(session, rows: list[tuple], network: Network) -> Changes:
    """The current rows of what the logged changes name (plain tuples for the pure module)."""
    wanted: dict[str, set] = {name: set() for name in ("people", "organisations", "ties", "memberships")}
    for kind, a, b in rows:
        wanted[kind].add((a, b))
    p = Person.__table__.c
    changes = Changes()
    people = {a for a, _b in wanted["people"]}
    present = {row[0]: (row[1], row[2]) for row in session.execute(select(p.id, p.name, p.organisation_id).where(
        p.id.in_(people), p.merged_into_id.is_(None), p.archived_at.is_(None)))} if people else {}
    changes.people = {pid: present.get(pid) for pid in people}
    arrived = {pid for pid in present if pid not in network.nodes}
    if wanted["organisations"]:
        o = Organisation.__table__.c
        ids = {a for a, _b in wanted["organisations"]}
        found = {row[0]: tuple(row) for row in session.execute(
            select(o.id, o.name, o.side, o.sector).where(o.id.in_(ids)))}
        changes.organisations = {oid: found.get(oid) for oid in ids}

    t, m = Tie.__table__.c, Membership.__table__.c
    pairs = {(min(a, b), max(a, b)) for a, b in wanted["ties"] if a is not None and b is not None}
    tie_rows = []
    for chunk in _chunks(sorted(pairs)):
        both = chunk + [(b, a) for a, b in chunk]
        tie_rows += session.execute(select(t.kind, t.source_id, t.target_id, t.strength)
                                    .where(tuple_(t.source_id, t.target_id).in_(both))).all()
    if arrived:  # everyone who (re)appears comes with all their ties
        ids = sorted(arrived)
        tie_rows += session.execute(select(t.kind, t.source_id, t.target_id, t.strength).where(
            t.source_id.in_(ids) | t.target_id.in_(ids))).all()
    for kind, source, target, strength in tie_rows:
        pair = (min(source, target), max(source, target))
        pairs.add(pair)
        changes.pairs.setdefault(pair, [])
        if (kind, source, target, strength) not in changes.pairs[pair]:
            changes.pairs[pair].append((kind, source, target, strength))
    for pair in pairs:
        changes.pairs.setdefault(pair, [])

    keys = {(a, b) for a, b in wanted["memberships"] if a is not None and b is not None}
    for chunk in _chunks(sorted(keys)):
        found = {(r[0], r[1]): (r[2], r[3]) for r in session.execute(
            select(m.partnership_id, m.person_id, m.role, m.stage)
            .where(tuple_(m.partnership_id, m.person_id).in_(chunk)))}
        changes.memberships.update({key: found.get(key) for key in chunk})
    if arrived:
        for row in session.execute(select(m.partnership_id, m.person_id, m.role, m.stage)
                                   .where(m.person_id.in_(sorted(arrived)))):
            changes.memberships[(row[0], row[1])] = (row[2], row[3])
    return changes


def _chunks(items: list, size: int = 400):
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


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


#: Roles whose holders the partnership may depend on (kept here for callers; the pure module's).
LEADER_ROLES = pure_keystones.LEADER_ROLES


def engaged_people(partnership_id: int, version: int | None = None) -> set[int]:
    """The partnership's engaged members (crm.vocab.engaged: accepted, attended, champions,
    chairs, conveners; not merely approved), from the cached network."""
    return pure_keystones.engaged_people(partnership_network(partnership_id, version).members.get(partnership_id, {}))


#: Above this many engaged people the map does not wait for a keystone analysis it does not
#: hold yet (the keystones page does, up to EXACT_LIMIT): it starts it in the background.
MAP_KEYSTONES_INLINE = 300


def keystones(partnership_id: int, inline_limit: int | None = None) -> dict:
    """The keystone summary of the partnership's engaged people, in figures and words: what the
    partnership page, the keystones page, the map, the API and the health signal all show.

    Cached by a fingerprint of the engaged people's own network (who they are, their roles
    and stages, the ties among them), so approvals and edits elsewhere keep it. Up to
    `EXACT_LIMIT` people it is computed in the request (exact betweenness, well under a second
    at a few hundred people). Above that it is computed in a background thread of this
    process (above `inline_limit` if given: the map's); meanwhile the answer is the previous
    one marked `stale`, or, the first time, a `pending` preliminary one (size, cut points,
    referrals)."""
    network = partnership_network(partnership_id)
    engaged = pure_keystones.engaged_people(network.members.get(partnership_id, {}))
    key = ("keystones", partnership_id, fingerprint(network, engaged))
    done = cache.peek_lasting(key)
    if done is not None:
        return done

    def analyse() -> dict:
        result = pure_keystones.analyse(network, partnership_id, engaged)
        result.update(pending=False, stale=False)
        _latest_keystones[partnership_id] = result
        return result

    if len(engaged) <= (pure_keystones.EXACT_LIMIT if inline_limit is None else inline_limit):
        return cache.lasting(key, analyse)
    previous = _latest_keystones.get(partnership_id)
    _in_background(key, analyse)
    if previous is not None:
        return {**previous, "stale": True}
    return {**pure_keystones.preliminary(network, partnership_id, engaged), "stale": False}


#: partnership id -> its most recent keystone result (shown, marked stale, while a newer one runs)
_latest_keystones: dict[int, dict] = {}
_running: set = set()
_running_lock = threading.Lock()


def _in_background(key, build) -> None:
    """Compute `cache.lasting(key, build)` in a daemon thread, once per key at a time (pure
    analysis on an immutable network: no database, no app context needed)."""
    with _running_lock:
        if key in _running:
            return
        _running.add(key)

    def work():
        try:
            cache.lasting(key, build)
        except Exception:  # noqa: BLE001 - logged; the next request starts it again
            log.exception("background keystones %s failed", key)
        finally:
            with _running_lock:
                _running.discard(key)

    threading.Thread(target=work, name=f"keystones-{key[1]}", daemon=True).start()


def visible_people(user, person_ids) -> set[int]:
    """Those of `person_ids` the user may see (everyone for staff)."""
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
    version = graph_version()
    network = region_network(version)
    people, valid_path = map_people(partnership_id, user, path, organisation_id)
    visible = _visible_partnerships(user)
    if summarise is None:
        summarise = organisation_id is None and len(people) > mapdata.SUMMARY_LIMIT
    if summarise:
        data = cache.lasting(("summary", partnership_id, fingerprint(partnership_network(partnership_id, version))),
                             lambda: mapdata.summary_map(network, partnership_id))
        data = dict(data)  # the cached summary is shared: this request's keys go on a copy
        valid_path = []
    else:  # the layout only depends on these people and the ties among them
        positions = cache.lasting(("layout", fingerprint(network, people)),
                                  lambda: mapdata.layout_for(network, people))
        partnerships_of = {pid: [p for p in sorted(network_partnerships(network, pid)) if p in visible]
                           for pid in people}
        data = mapdata.people_map(network, partnership_id, people, partnerships_of, positions,
                                  person_scores(people, visible_partnership_ids(user)))
    found = keystones(partnership_id, inline_limit=MAP_KEYSTONES_INLINE)
    shown = {n["id"] for n in data["nodes"]}
    data.update({"partnership_id": partnership_id, "path": valid_path,
                 "path_words": pure_paths.path_words(network, valid_path, tie_contexts(valid_path)),
                 "keystones": map_keystones(found, shown),
                 "organisation_id": organisation_id,
                 "partnerships": [{"id": k, "name": v} for k, v in visible.items()],
                 "labels": {"role": dict(vocab.ROLES), "stage": dict(vocab.STAGES),
                            "side": {**dict(vocab.SIDES), "none": "No organisation"}}})
    return data


def network_partnerships(network: Network, person_id: int) -> list[int]:
    """Ids of the partnerships the person belongs to."""
    return [pid for pid, members in network.members.items() if person_id in members]


def graphml(partnership_id: int, user) -> bytes:
    """The partnership's members and ties as GraphML (scores as `user` may see them)."""
    network = region_network()
    people = sorted(network.members.get(partnership_id, {}))
    return mapdata.graphml(network, partnership_id, people, person_scores(people, visible_partnership_ids(user)))


def person_intro_panel(user, person_id: int) -> list[dict]:
    """For each partnership the person is in that the user may see: the ranked intro paths,
    with names, for the person page."""
    network = region_network()
    allowed = visible_partnership_ids(user)
    sections = []
    for pid, name in _visible_partnerships(user).items():
        if person_id not in network.members.get(pid, {}) or (allowed is not None and pid not in allowed):
            continue
        if vocab.on_team(*network.members[pid][person_id]):
            continue  # a chair or champion asks others; nobody needs to ask them
        found = intro_paths_for(user, pid, person_id)
        sections.append({"partnership_id": pid, "partnership": name,
                         "best": pure_paths.best_asker(found),
                         "paths": [{"path": p, "people": [(q, network.name(q)) for q in p.path]}
                                   for p in found]})
    return sections


def map_keystones(found: dict, shown: set[int]) -> dict:
    """What the map shows of the keystone analysis (the same result as the keystones page and
    the API): the verdict, and each keystone drawn on the map with their sentence."""
    return {"verdict": found["verdict"], "pending": bool(found.get("pending")),
            "people": [{"id": r["person_id"], "name": r["name"], "sentence": r["sentence"]}
                       for r in found["leaders"] if r["person_id"] in found["keystones"] and r["person_id"] in shown]}


def tie_contexts(path) -> dict[tuple[int, int], str]:
    """What the knows ties along a path record about themselves ("same board"), by pair."""
    pairs = [(min(a, b), max(a, b)) for a, b in pairwise(path)]
    if not pairs:
        return {}
    t = Tie.__table__.c
    rows = db.session.execute(select(t.source_id, t.target_id, t.context).where(
        t.kind == "knows", tuple_(t.source_id, t.target_id).in_(pairs + [(b, a) for a, b in pairs]))).all()
    return {(min(a, b), max(a, b)): context for a, b, context in rows if context}


def person_panel(user, partnership_id: int, person_id: int) -> dict:
    """What the map's panel shows of a person (the user may see them: the caller resolved the
    id): their overall score (the person page's and the review's), their stage and role in the
    partnership, their ties to its members, the best intro path to them in words, and their
    keystone sentence if the partnership depends on them."""
    network = region_network()
    members = network.members.get(partnership_id, {})
    role, stage = members.get(person_id, ("", ""))
    node = network.nodes.get(person_id)
    overall = person_scores([person_id], visible_partnership_ids(user)).get(person_id)
    adj = network.knows.adj
    ties = []
    if node is not None:
        for other, tie in adj[person_id].items():
            if other in members:
                ties.append({"id": other, "name": network.name(other), "kind": "knows",
                             "strength": tie.get("strength", 1), "role": members[other][0],
                             "stage": members[other][1]})
        referred = network.referred
        if person_id in referred:
            ties += [{"id": q, "name": network.name(q), "kind": "referred", "strength": 0,
                      "role": members[q][0], "stage": members[q][1]}
                     for q in referred.successors(person_id) if q in members]
            ties += [{"id": q, "name": network.name(q), "kind": "referred_by", "strength": 0,
                      "role": members[q][0], "stage": members[q][1]}
                     for q in referred.predecessors(person_id) if q in members]
    ties.sort(key=lambda t: (t["kind"] != "knows", -t["strength"], t["name"], t["id"]))
    best = None
    on_team = bool(role or stage) and vocab.on_team(role, stage)
    if node is not None and not on_team:
        found = intro_paths_for(user, partnership_id, person_id, limit=1)
        if found:
            path = found[0]
            best = {"path": list(path.path), "people": [{"id": q, "name": network.name(q)} for q in path.path],
                    "reason": path.reason, "employer_to_employer": path.employer_to_employer,
                    "words": pure_paths.path_words(network, path.path, tie_contexts(path.path))}
    found = keystones(partnership_id, inline_limit=MAP_KEYSTONES_INLINE)
    keystone = next((r["sentence"] for r in found["leaders"]
                     if r["person_id"] == person_id and r["person_id"] in found["keystones"]), None)
    return {"id": person_id, "name": node.name if node else "", "organisation": node.organisation if node else "",
            "organisation_id": node.organisation_id if node else None,
            "member": person_id in members, "role": role, "stage": stage,
            "engaged": person_id in members and vocab.engaged(role, stage), "on_team": on_team,
            "score": None if overall is None else int(round(overall)),
            "ties": ties, "best_path": best, "keystone": keystone}


def map_invitees(user, partnership_id: int) -> dict:
    """The map's "people we could invite" layer: people not in the partnership whom its
    members know, only those the user may see (mapdata.invite_layer)."""
    network = region_network()
    candidates = mapdata.invite_candidates(network, partnership_id)
    allowed = visible_people(user, candidates)
    return mapdata.invite_layer(network, partnership_id, {p: c for p, c in candidates.items() if p in allowed})
