"""The network as plain data: people as nodes, knows ties (undirected, weighted by strength)
and referral ties (directed), plus who holds which role in which partnership.

Pure: no Flask, no SQLAlchemy. `build_network` takes plain rows (tuples) and returns a
`Network`; services load the rows with one query per table and cache the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import networkx as nx

from crm.memory import gc_paused


@dataclass(frozen=True)
class Node:
    """One person as the graph sees them."""

    id: int
    name: str
    organisation_id: int | None = None
    organisation: str | None = None
    side: str | None = None  # "employer" / "community" / None (no organisation)
    sector: str | None = None


_NO_ATTRIBUTES = MappingProxyType({})


class SharedGraph(nx.Graph):
    """A networkx graph over neighbour dictionaries we already hold, handed over through
    networkx's documented factory hooks (`adjlist_outer_dict_factory`, `node_dict_factory`)
    rather than by writing its private attributes: how a network is built without copying
    200,000 ties, and how a caught-up network shares every unchanged neighbour dictionary with
    the one before it. Without `neighbours` it is a plain `nx.Graph` (copies, subgraphs)."""

    def __init__(self, incoming_graph_data=None, *, neighbours: dict | None = None, **attr):
        if neighbours is not None:
            self.adjlist_outer_dict_factory = lambda: neighbours
            # no node has attributes: one shared read-only empty mapping each (made in C, not
            # 20,000 dicts per catch-up; a write to it fails loudly instead of leaking)
            self.node_dict_factory = lambda: dict.fromkeys(neighbours, _NO_ATTRIBUTES)
        super().__init__(incoming_graph_data, **attr)
        #: person id -> {person they know: {"strength": 1-3}}: the dictionaries given (read only)
        self.neighbours = neighbours


def neighbours_of(graph: nx.Graph) -> Mapping[int, Mapping[int, dict]]:
    """To read: a SharedGraph's own neighbour dictionaries (plain dicts, fast), else networkx's
    public adjacency view."""
    held = getattr(graph, "neighbours", None)
    return held if held is not None else graph.adj


def shared_neighbours(graph: nx.Graph) -> dict[int, dict]:
    """The neighbour dictionaries of a SharedGraph (a plain graph's, copied)."""
    held = getattr(graph, "neighbours", None)
    return held if held is not None else {pid: dict(graph.adj[pid]) for pid in graph}


@dataclass
class Network:
    """Nodes, knows ties, referral ties and memberships: what every analysis reads."""

    nodes: dict[int, Node]
    knows: nx.Graph  # edge attribute "strength" (1-3)
    referred: nx.DiGraph  # source referred target
    #: partnership id -> person id -> (role, stage)
    members: dict[int, dict[int, tuple[str, str]]] = field(default_factory=dict)
    #: organisation id -> (id, name, side, sector): what a node shows of its organisation
    orgs: dict[int, tuple] = field(default_factory=dict)

    def knows_ties(self, person_ids, among=None) -> list[tuple[int, int, int]]:
        """Knows ties (a, b, strength) of `person_ids`, in both directions (a is always one of
        them), with b in `among` if given."""
        adj = neighbours_of(self.knows)
        return [(a, b, data["strength"]) for a in person_ids if a in adj for b, data in adj[a].items()
                if among is None or b in among]

    def side(self, person_id: int) -> str | None:
        node = self.nodes.get(person_id)
        return node.side if node else None

    def name(self, person_id: int) -> str:
        node = self.nodes.get(person_id)
        return node.name if node else f"#{person_id}"

    def askers(self, partnership_id: int, asker_roles: Iterable[str]) -> set[int]:
        """Employer-side members of the partnership whose role lets them make the ask."""
        roles = set(asker_roles)
        return {pid for pid, (role, _stage) in self.members.get(partnership_id, {}).items()
                if role in roles and self.side(pid) == "employer" and pid in self.nodes}

    def partnership(self, partnership_id: int) -> Network:
        """The partnership's members and the ties among them (a new, independent Network)."""
        members = self.members.get(partnership_id, {})
        ids = [pid for pid in members if pid in self.nodes]
        return Network(
            nodes={pid: self.nodes[pid] for pid in ids},
            knows=self.knows.subgraph(ids).copy(),
            referred=self.referred.subgraph(ids).copy(),
            members={partnership_id: {pid: members[pid] for pid in ids}},
            orgs=self.orgs,
        )


def build_network(
    people: Iterable[tuple],
    organisations: Iterable[tuple],
    ties: Iterable[tuple] = (),
    memberships: Iterable[tuple] = (),
    *,
    knows: list[tuple] | None = None,
    referrals: list[tuple] | None = None,
) -> Network:
    """Build the network from plain rows.

    people: (id, name, organisation_id); organisations: (id, name, side, sector);
    ties: (kind, source_id, target_id, strength) with kind "knows" or "referred";
    memberships: (partnership_id, person_id, role, stage).
    At scale, pass `knows` as (source_id, target_id, strength) rows and `referrals` as
    (source_id, target_id) rows instead of `ties`: they go to networkx without a Python loop.
    Ties to people not in `people` (archived, merged) are dropped.
    """
    with gc_paused():  # ~1.5 million new objects (crm/memory.py)
        return _build(people, organisations, ties, memberships, knows, referrals)


def _node(pid: int, name: str, org_id: int | None, orgs: Mapping[int, tuple]) -> Node:
    org = orgs.get(org_id)
    return Node(pid, name, org_id, org[1] if org else None, org[2] if org else None,
                org[3] if org else None)


def _build(people, organisations, ties, memberships, knows, referrals) -> Network:
    orgs = {row[0]: tuple(row) for row in organisations}
    nodes = {pid: _node(pid, name, org_id, orgs) for pid, name, org_id in people}
    adj: dict[int, dict] = {pid: {} for pid in nodes}
    referred = nx.DiGraph()
    knows_edges, referral_edges = list(knows or ()), list(referrals or ())
    for kind, source, target, strength in ties:
        if kind == "knows":
            knows_edges.append((source, target, strength))
        else:
            referral_edges.append((source, target))
    # the dict-of-dicts the graph is made over (SharedGraph), filled directly:
    # add_weighted_edges_from copies every attribute dict and takes twice as long at 200k ties.
    # Ties to people who are not nodes (archived, merged) are dropped here.
    for source, target, strength in knows_edges:
        if source in adj and target in adj and source != target:
            row = adj[source]
            data = row.get(target)
            if data is None:
                data = row[target] = {"strength": strength}
                adj[target][source] = data
            elif strength > data["strength"]:  # knows both ways: the stronger counts
                data["strength"] = strength
    referred.add_edges_from((s, t) for s, t in referral_edges if s in nodes and t in nodes)
    members: dict[int, dict[int, tuple[str, str]]] = {}
    for partnership_id, person_id, role, stage in memberships:
        if person_id in nodes:
            members.setdefault(partnership_id, {})[person_id] = (role, stage)
    return Network(nodes, SharedGraph(neighbours=adj), referred, members, orgs)


@dataclass
class Changes:
    """The current rows of whatever changed since a network was built (from the change log).

    people: id -> (name, organisation_id), or None when gone (archived, merged, erased);
    organisations: id -> (id, name, side, sector), or None when gone;
    pairs: (a, b) with a < b -> every tie row between them now, (kind, source, target, strength);
    memberships: (partnership_id, person_id) -> (role, stage), or None when gone.
    """

    people: dict[int, tuple | None] = field(default_factory=dict)
    organisations: dict[int, tuple | None] = field(default_factory=dict)
    pairs: dict[tuple[int, int], list[tuple]] = field(default_factory=dict)
    memberships: dict[tuple[int, int], tuple | None] = field(default_factory=dict)


def apply_changes(network: Network, changes: Changes) -> Network:
    """A new network: `network` with `changes` applied. `network` itself is left untouched (other
    threads may be reading it): the new one shares every unchanged part with it and copies only
    the outer dictionaries and the neighbour lists of the people involved, so a handful of
    changes costs milliseconds at 20,000 people where a rebuild takes seconds.

    A person who appears (new, or back from the archive) comes with every tie and membership of
    theirs in `changes.pairs` and `changes.memberships`: the caller loads those."""
    nodes = dict(network.nodes)
    orgs = dict(network.orgs)
    knows = network.knows
    adj: dict[int, dict] = dict(shared_neighbours(knows))
    owned: set[int] = set()

    def neighbours(pid: int) -> dict:  # pid's own copy of its neighbour dictionary
        if pid not in owned:
            adj[pid] = dict(adj.get(pid, {}))
            owned.add(pid)
        return adj[pid]

    referred = network.referred
    referred_copy: list[nx.DiGraph] = []

    def own_referred() -> nx.DiGraph:
        if not referred_copy:
            referred_copy.append(referred.copy())
        return referred_copy[0]

    members = dict(network.members)
    members_owned: set[int] = set()

    def own_members(partnership_id: int) -> dict:
        if partnership_id not in members_owned:
            members[partnership_id] = dict(members.get(partnership_id, {}))
            members_owned.add(partnership_id)
        return members[partnership_id]

    for org_id, row in changes.organisations.items():
        if row is None:
            orgs.pop(org_id, None)
        else:
            orgs[org_id] = tuple(row)
    if changes.organisations:
        for pid, node in network.nodes.items():
            if node.organisation_id in changes.organisations:
                nodes[pid] = _node(pid, node.name, node.organisation_id, orgs)

    for pid, row in changes.people.items():
        if row is None:
            if pid in nodes:
                del nodes[pid]
                for other in adj.get(pid, {}):
                    neighbours(other).pop(pid, None)
                adj.pop(pid, None)
                if pid in referred:
                    own_referred().remove_node(pid)
                for partnership_id, people in network.members.items():
                    if pid in people:
                        own_members(partnership_id).pop(pid, None)
            continue
        name, org_id = row
        old = nodes.get(pid)
        nodes[pid] = _node(pid, name, org_id, orgs)
        if old is None:
            adj[pid] = {}
            owned.add(pid)

    for (a, b), rows in changes.pairs.items():
        if a not in nodes or b not in nodes or a == b:
            continue
        strength = max((r[3] for r in rows if r[0] == "knows"), default=None)
        if strength is None:
            if b in adj.get(a, {}):
                neighbours(a).pop(b, None)
                neighbours(b).pop(a, None)
        elif adj.get(a, {}).get(b, {}).get("strength") != strength:
            data = {"strength": strength}
            neighbours(a)[b] = data
            neighbours(b)[a] = data
        wanted = {(r[1], r[2]) for r in rows if r[0] != "knows"}
        for edge in ((a, b), (b, a)):
            if (edge in wanted) != referred.has_edge(*edge):
                graph = own_referred()
                if edge in wanted:
                    graph.add_edge(*edge)
                else:
                    graph.remove_edge(*edge)

    for (partnership_id, pid), row in changes.memberships.items():
        if row is None:
            if pid in network.members.get(partnership_id, {}):
                own_members(partnership_id).pop(pid, None)
        elif pid in nodes:
            own_members(partnership_id)[pid] = tuple(row)

    return Network(nodes, SharedGraph(neighbours=adj), referred_copy[0] if referred_copy else referred,
                   {k: v for k, v in members.items() if v}, orgs)


def fingerprint(network: Network, people: Iterable[int] | None = None) -> str:
    """A digest of everything analyses read about `people` (default: every node): who they
    are, their ties and referrals among themselves, their memberships. Equal digests mean the
    same answers, so expensive results (keystones, layouts) are cached by it and survive edits
    elsewhere in the region."""
    ids = sorted(network.nodes if people is None else {p for p in people if p in network.nodes})
    inside = set(ids)
    adj, referred = neighbours_of(network.knows), network.referred
    digest = hashlib.blake2b(digest_size=16)
    for pid in ids:
        node = network.nodes[pid]
        ties = tuple(sorted((q, d.get("strength")) for q, d in adj.get(pid, {}).items() if q in inside and q > pid))
        referrals = tuple(sorted(q for q in referred.successors(pid) if q in inside)) if pid in referred else ()
        digest.update(repr((node, ties, referrals)).encode())
    for partnership_id in sorted(network.members):
        roles = network.members[partnership_id]
        digest.update(repr((partnership_id, sorted((p, roles[p]) for p in roles if p in inside))).encode())
    return digest.hexdigest()
