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
    ties: Iterable[tuple],
    memberships: Iterable[tuple] = (),
    scores: dict[int, float] | None = None,
) -> Network:
    """Build the network from plain rows.

    people: (id, name, organisation_id); organisations: (id, name, side, sector);
    ties: (kind, source_id, target_id, strength) with kind "knows" or "referred";
    memberships: (partnership_id, person_id, role, stage); scores: person id -> score.
    Ties to people not in `people` (archived, merged) are dropped.
    """
    orgs = {row[0]: row for row in organisations}
    scores = scores or {}
    nodes: dict[int, Node] = {}
    for pid, name, org_id in people:
        org = orgs.get(org_id)
        nodes[pid] = Node(pid, name, org_id, org[1] if org else None, org[2] if org else None,
                          org[3] if org else None, scores.get(pid))
    knows = nx.Graph()
    knows.add_nodes_from(nodes)
    referred = nx.DiGraph()
    knows_edges, referral_edges = [], []
    for kind, source, target, strength in ties:
        if source not in nodes or target not in nodes:
            continue
        if kind == "knows":
            knows_edges.append((source, target, strength))
        else:
            referral_edges.append((source, target))
    knows.add_weighted_edges_from(knows_edges, weight="strength")
    referred.add_edges_from(referral_edges)
    members: dict[int, dict[int, tuple[str, str]]] = {}
    for partnership_id, person_id, role, stage in memberships:
        if person_id in nodes:
            members.setdefault(partnership_id, {})[person_id] = (role, stage)
    return Network(nodes, knows, referred, members)
