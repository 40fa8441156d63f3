"""The network as plain data: people as nodes, knows ties (undirected, weighted by strength)
and referral ties (directed), plus who holds which role in which partnership.

Pure: no Flask, no SQLAlchemy. `build_network` takes plain rows (tuples) and returns a
`Network`; services load the rows with one query per table and cache the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx


@dataclass(frozen=True)
class Node:
    """One person as the graph sees them."""

    id: int
    name: str
    organisation_id: int | None = None
    organisation: str | None = None
    side: str | None = None  # "employer" / "community" / None (no organisation)
    sector: str | None = None
    score: float | None = None  # trait score, when assessed


@dataclass
class Network:
    """Nodes, knows ties, referral ties and memberships: what every analysis reads."""

    nodes: dict[int, Node]
    knows: nx.Graph  # edge attribute "strength" (1-3)
    referred: nx.DiGraph  # source referred target
    #: partnership id -> person id -> (role, stage)
    members: dict[int, dict[int, tuple[str, str]]] = field(default_factory=dict)

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
        )


def build_network(
    people: Iterable[tuple],
    organisations: Iterable[tuple],
    ties: Iterable[tuple] = (),
    memberships: Iterable[tuple] = (),
    scores: dict[int, float] | None = None,
    *,
    knows: list[tuple] | None = None,
    referrals: list[tuple] | None = None,
) -> Network:
    """Build the network from plain rows.

    people: (id, name, organisation_id); organisations: (id, name, side, sector);
    ties: (kind, source_id, target_id, strength) with kind "knows" or "referred";
    memberships: (partnership_id, person_id, role, stage); scores: person id -> score.
    At scale, pass `knows` as (source_id, target_id, strength) rows and `referrals` as
    (source_id, target_id) rows instead of `ties`: they go to networkx without a Python loop.
    Ties to people not in `people` (archived, merged) are dropped.
    """
    orgs = {row[0]: row for row in organisations}
    scores = scores or {}
    nodes: dict[int, Node] = {}
    for pid, name, org_id in people:
        org = orgs.get(org_id)
        nodes[pid] = Node(pid, name, org_id, org[1] if org else None, org[2] if org else None,
                          org[3] if org else None, scores.get(pid))
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    referred = nx.DiGraph()
    knows_edges, referral_edges = list(knows or ()), list(referrals or ())
    for kind, source, target, strength in ties:
        if kind == "knows":
            knows_edges.append((source, target, strength))
        else:
            referral_edges.append((source, target))
    # networkx's own dict-of-dicts, filled directly: add_weighted_edges_from copies every
    # attribute dict and takes twice as long at 200k ties. Ties to people who are not nodes
    # (archived, merged) are dropped here.
    adj = graph._adj
    for source, target, strength in knows_edges:
        if source in adj and target in adj and source != target:
            data = {"strength": strength}
            adj[source][target] = data
            adj[target][source] = data
    referred.add_edges_from((s, t) for s, t in referral_edges if s in nodes and t in nodes)
    members: dict[int, dict[int, tuple[str, str]]] = {}
    for partnership_id, person_id, role, stage in memberships:
        if person_id in nodes:
            members.setdefault(partnership_id, {})[person_id] = (role, stage)
    return Network(nodes, graph, referred, members)
