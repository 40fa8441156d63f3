"""What the interactive map draws: plain data for vis-network, positions, options, exports.

Pure: no Flask, no SQLAlchemy. Up to `PHYSICS_LIMIT` people vis-network's own physics lays the
map out (bounded stabilisation, then stopped); above it positions come from `spring_positions`
(a spectral start, then a few rounds of a vectorised Fruchterman-Reingold in numpy, seeded so
the map is stable) and physics is off, and map.js draws the ties on the canvas itself;
above `SUMMARY_LIMIT` the map shows organisations as nodes, with drill-down into one of them.
Never pyvis's `add_edge`/`from_nx` (quadratic) nor its template (autoescaping off): the nodes
and edges are plain lists serialised once; pyvis only builds the vis-network options object.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from io import BytesIO

import networkx as nx
import numpy as np
from pyvis.options import Options

from crm.network.graph import Network, neighbours_of

#: Up to this many people, vis-network's physics lays the map out in the browser.
PHYSICS_LIMIT = 300
#: Above this many people, the map summarises: organisations as nodes.
SUMMARY_LIMIT = 3000
#: Force-layout iterations on the server after the spectral start (which does most of the
#: work: on a 2,000-person graph of 20 planted groups, start + 12 iterations separate the
#: groups better than 80 iterations from an organisation-clustered random start); fewer for big
#: maps, where each iteration costs O(n^2).
LAYOUT_ITERATIONS = 40
LAYOUT_ITERATIONS_LARGE = 12
LARGE_LAYOUT = 1000
#: Side of the square the server layout spans, in vis-network canvas units.
LAYOUT_SCALE = 60.0
#: Rounds of the spectral start (power iteration, O(ties) each): enough to separate groups.
SPECTRAL_ROUNDS = 100
#: Matrix cells per row block of the layout's repulsion pass (about 512 KB of float32).
LAYOUT_BLOCK = 131072


def spring_positions(node_ids: list[int], edges: list[tuple[int, int]], groups: dict | None = None,
                     iterations: int = LAYOUT_ITERATIONS, seed: int = 0) -> dict[int, tuple[int, int]]:
    """Fruchterman-Reingold positions from a spectral start (`spectral_start`); people without
    ties start near the others of their group (organisation). Seeded: the same map every time.
    Time is O(n^2) per iteration (in cache-sized blocks), fine up to `SUMMARY_LIMIT`."""
    n = len(node_ids)
    if n == 0:
        return {}
    rng = np.random.default_rng(seed)
    index = {v: i for i, v in enumerate(node_ids)}
    pos = rng.random((n, 2), dtype=np.float32)
    if groups:
        keys = sorted({groups.get(v) for v in node_ids}, key=lambda g: (g is None, str(g)))
        centres = rng.random((len(keys), 2), dtype=np.float32)
        where = {g: i for i, g in enumerate(keys)}
        pos = pos * 0.15 + np.array([centres[where[groups.get(v)]] for v in node_ids]) * 0.85
    if n == 1:
        return {node_ids[0]: (0, 0)}
    pos = pos.astype(np.float32)
    k = 1.0 / math.sqrt(n)
    k2 = np.float32(k * k)
    pairs = np.array([(index[a], index[b]) for a, b in edges if a in index and b in index],
                     dtype=np.int64).reshape(-1, 2)
    temperature = 0.1
    if len(pairs):
        pos = spectral_start(pos, pairs)
        temperature = 0.05  # the start is already near a layout: smaller steps suffice
    cooling = temperature / (iterations + 1)
    # Repulsion row block by row block: the n x n pass stays in cache (a few hundred KB per
    # temporary) instead of streaming four 16 MB matrices per iteration at 2,000 people.
    block = max(1, min(n, LAYOUT_BLOCK // n))
    dx = np.empty((block, n), dtype=np.float32)
    dy = np.empty((block, n), dtype=np.float32)
    inv = np.empty((block, n), dtype=np.float32)
    square = np.empty((block, n), dtype=np.float32)
    displacement = np.empty((n, 2), dtype=np.float32)
    for _ in range(iterations):
        x, y = pos[:, 0].copy(), pos[:, 1].copy()
        for lo in range(0, n, block):
            hi = min(n, lo + block)
            bx, by, w, sq = dx[:hi - lo], dy[:hi - lo], inv[:hi - lo], square[:hi - lo]
            np.subtract(x[lo:hi, None], x[None, :], out=bx)
            np.subtract(y[lo:hi, None], y[None, :], out=by)
            np.multiply(bx, bx, out=w)
            np.multiply(by, by, out=sq)
            w += sq
            np.maximum(w, 1e-6, out=w)
            np.divide(k2, w, out=w)  # k^2 / d^2: repulsion k^2 / d along the unit vector
            displacement[lo:hi, 0] = np.einsum("ij,ij->i", bx, w)
            displacement[lo:hi, 1] = np.einsum("ij,ij->i", by, w)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            length = np.sqrt((d * d).sum(axis=1, keepdims=True))
            pull = d * length / k
            for axis in (0, 1):
                displacement[:, axis] -= np.bincount(pairs[:, 0], pull[:, axis], minlength=n)
                displacement[:, axis] += np.bincount(pairs[:, 1], pull[:, axis], minlength=n)
        length = np.sqrt((displacement * displacement).sum(axis=1, keepdims=True))
        np.maximum(length, 1e-6, out=length)
        pos += displacement / length * np.minimum(length, temperature)
        temperature -= cooling
    pos -= pos.mean(axis=0)
    pos = _pull_in_stragglers(pos)
    spread = float(np.abs(pos).max()) or 1.0
    pos *= (LAYOUT_SCALE * math.sqrt(n)) / spread
    return {v: (int(pos[i, 0]), int(pos[i, 1])) for i, v in enumerate(node_ids)}


def spectral_start(pos: np.ndarray, pairs: np.ndarray, rounds: int = SPECTRAL_ROUNDS) -> np.ndarray:
    """A cheap spectral embedding to start the force layout from: power iteration on the lazy
    random walk (each point moves half way to the mean of its neighbours), kept orthogonal to
    the constant vector and x to y, converges towards the slow eigenvectors, which place
    people of one tightly knit group together. O(ties) per round, no scipy. People without a
    tie among the map's people keep their start (their organisation's spot) in [0, 1]."""
    n = len(pos)
    degree = (np.bincount(pairs[:, 0], minlength=n) + np.bincount(pairs[:, 1], minlength=n)).astype(np.float64)
    tied = degree > 0
    if tied.sum() < 3:
        return pos
    weight = np.maximum(degree, 1.0)
    x = pos.astype(np.float64)
    x -= x.mean(axis=0)
    near = np.empty_like(x)
    for _ in range(rounds):
        for axis in (0, 1):
            near[:, axis] = (np.bincount(pairs[:, 0], x[pairs[:, 1], axis], minlength=n)
                             + np.bincount(pairs[:, 1], x[pairs[:, 0], axis], minlength=n)) / weight
        x = (x + near) / 2
        x -= (x * degree[:, None]).sum(axis=0) / degree.sum()  # off the constant eigenvector
        x[:, 0] /= np.linalg.norm(x[:, 0]) or 1.0
        x[:, 1] -= x[:, 0] * (x[:, 0] @ x[:, 1])  # y orthogonal to x
        x[:, 1] /= np.linalg.norm(x[:, 1]) or 1.0
    low, high = x[tied].min(axis=0), x[tied].max(axis=0)
    out = pos.astype(np.float64).copy()
    out[tied] = (x[tied] - low) / np.maximum(high - low, 1e-9)
    return out.astype(np.float32)


def _pull_in_stragglers(pos: np.ndarray) -> np.ndarray:
    """People with one tie to the dense middle get flung far out, and fitting them in the view
    shrinks everyone else: bring anyone beyond 1.15 x the 98th percentile radius most of the
    way in, keeping their direction and order."""
    if len(pos) < 50:
        return pos
    radius = np.sqrt((pos * pos).sum(axis=1))
    limit = float(np.quantile(radius, 0.98)) * 1.15
    far = radius > limit
    if limit > 0 and far.any():
        pos = pos.copy()
        pos[far] *= ((limit + (radius[far] - limit) * 0.1) / radius[far])[:, None]
    return pos


def vis_options(physics: bool) -> dict:
    """vis-network options, built with pyvis's options object (its defaults and names)."""
    options = Options()
    options.interaction.hideEdgesOnDrag = True
    options.edges.smooth.enabled = False  # straight edges draw much faster at scale
    options.physics.enabled = physics
    options.physics.stabilization.iterations = 200 if physics else 0
    data = json.loads(options.to_json())
    data["physics"]["stabilization"]["enabled"] = physics
    data["interaction"].update({"hideEdgesOnZoom": not physics, "hover": True, "tooltipDelay": 150,
                                "navigationButtons": False, "keyboard": False})
    data["nodes"] = {"font": {"size": 14, "color": "#1d2433"}, "borderWidth": 1}
    data["layout"] = {"improvedLayout": False, "randomSeed": 7}
    return data


def person_nodes(network: Network, partnership_id: int, person_ids, partnerships_of: dict,
                 positions: dict | None = None, scores: Mapping[int, float | None] | None = None
                 ) -> list[dict]:
    """One plain dict per person: what the map draws and filters on (`scores`: each person's
    overall score, 0-100, as the person page shows it; None where not enough is known)."""
    scores = scores or {}
    members = network.members.get(partnership_id, {})
    graph = network.knows
    # centrality among the people drawn (whom the reader may see), not the whole region
    shown = set(person_ids)
    n = max(len(shown) - 1, 1)
    nodes = []
    for pid in person_ids:
        node = network.nodes[pid]
        role, stage = members.get(pid, ("", ""))
        item = {
            "id": pid, "name": node.name, "organisation": node.organisation or "",
            "organisation_id": node.organisation_id, "side": node.side or "none",
            "sector": node.sector or "", "role": role, "stage": stage,
            "score": scores.get(pid),
            "centrality": round(sum(1 for q in graph.adj[pid] if q in shown) / n, 4) if pid in graph else 0,
            "partnerships": partnerships_of.get(pid, []), "member": pid in members,
        }
        if positions and pid in positions:
            item["x"], item["y"] = positions[pid]
        nodes.append(item)
    return nodes


def ties_among(graph: nx.Graph, person_ids) -> list[tuple[int, int, dict]]:
    """The edges of `graph` among the given people, each once, as (a, b, data), in the order
    of `person_ids`. Reads the plain neighbour dictionaries a SharedGraph (crm/network/graph.py)
    is made over when it has them: a subgraph view filters every neighbour lookup through the
    node set and the public views go through Mapping wrappers, several times slower at 2,000
    people. Otherwise (referrals, copies: a few edges) networkx's public views."""
    ids = set(person_ids)
    directed = graph.is_directed()
    adjacency = graph.succ if directed else neighbours_of(graph)
    out = []
    for a in dict.fromkeys(person_ids):
        for b, data in adjacency.get(a, {}).items():
            if b in ids and (directed or a <= b):
                out.append((a, b, data))
    return out


def person_edges(network: Network, person_ids) -> list[dict]:
    """Knows ties (with strength) and referral ties (directed) among the given people."""
    edges = [{"from": a, "to": b, "kind": "knows", "strength": d.get("strength", 1)}
             for a, b, d in ties_among(network.knows, person_ids)]
    edges += [{"from": a, "to": b, "kind": "referred", "strength": 0}
              for a, b, _ in ties_among(network.referred, person_ids)]
    return edges


def people_map(network: Network, partnership_id: int, person_ids: list[int], partnerships_of: dict,
               positions: dict | None = None, scores: Mapping[int, float | None] | None = None) -> dict:
    """The map of the given people: nodes, edges, options."""
    physics = len(person_ids) <= PHYSICS_LIMIT and not positions
    return {"mode": "people", "physics": physics, "options": vis_options(physics),
            "nodes": person_nodes(network, partnership_id, person_ids, partnerships_of, positions, scores),
            "edges": person_edges(network, person_ids)}


def layout_for(network: Network, person_ids: list[int]) -> dict | None:
    """Server positions when the map is too big for browser physics (else None)."""
    if len(person_ids) <= PHYSICS_LIMIT:
        return None
    groups = {pid: network.nodes[pid].organisation_id for pid in person_ids}
    iterations = LAYOUT_ITERATIONS if len(person_ids) <= LARGE_LAYOUT else LAYOUT_ITERATIONS_LARGE
    edges = [(a, b) for a, b, _ in ties_among(network.knows, person_ids)]
    return spring_positions(list(person_ids), edges, groups, iterations=iterations)


def summary_map(network: Network, partnership_id: int) -> dict:
    """Organisations as nodes (size: people), ties between organisations as weighted edges."""
    members = network.members.get(partnership_id, {})
    org_of = {pid: network.nodes[pid].organisation_id or 0 for pid in members}
    counts = Counter(org_of.values())
    names, sides, sectors = {}, {}, {}
    for pid, org in org_of.items():
        node = network.nodes[pid]
        names[org] = node.organisation or "No organisation"
        sides[org] = node.side or "none"
        sectors[org] = node.sector or ""
    links: dict[tuple[int, int], int] = defaultdict(int)
    for a, b, _ in ties_among(network.knows, members):
        oa, ob = org_of[a], org_of[b]
        if oa != ob:
            links[(min(oa, ob), max(oa, ob))] += 1
    org_ids = sorted(counts)
    positions = spring_positions(org_ids, list(links)) if len(org_ids) > PHYSICS_LIMIT else None
    nodes = []
    for org in org_ids:
        item = {"id": org, "name": names[org], "organisation": names[org], "organisation_id": org,
                "side": sides[org], "sector": sectors[org], "role": "", "stage": "",
                "people": counts[org], "score": None, "centrality": 0, "partnerships": [],
                "member": True}
        if positions:
            item["x"], item["y"] = positions[org]
        nodes.append(item)
    edges = [{"from": a, "to": b, "kind": "knows", "strength": min(3, 1 + w // 5), "ties": w}
             for (a, b), w in links.items()]
    physics = positions is None
    return {"mode": "summary", "physics": physics, "options": vis_options(physics),
            "nodes": nodes, "edges": edges}


def graphml(network: Network, partnership_id: int, person_ids,
            scores: Mapping[int, float | None] | None = None) -> bytes:
    """The partnership's graph as GraphML (people with attributes, knows and referral ties;
    score -1 where not enough is known)."""
    scores = scores or {}
    graph = nx.MultiDiGraph()
    members = network.members.get(partnership_id, {})
    for pid in person_ids:
        node = network.nodes[pid]
        role, stage = members.get(pid, ("", ""))
        graph.add_node(pid, name=node.name, organisation=node.organisation or "",
                       side=node.side or "", sector=node.sector or "", role=role, stage=stage,
                       score=float(scores[pid]) if scores.get(pid) is not None else -1.0)
    for edge in person_edges(network, person_ids):
        graph.add_edge(edge["from"], edge["to"], kind=edge["kind"], strength=edge["strength"])
    buffer = BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


#: The "people we could invite" layer shows at most this many (most member contacts first).
INVITE_LIMIT = 300


def invite_candidates(network: Network, partnership_id: int) -> dict[int, list[int]]:
    """People who are not in the partnership and know at least one member: person -> the
    members who know them (ids, strongest tie first)."""
    members = network.members.get(partnership_id, {})
    adj = neighbours_of(network.knows)
    known: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for member in members:
        for other, data in adj.get(member, {}).items():
            if other not in members:
                known[other].append((-data.get("strength", 1), member))
    return {pid: [m for _s, m in sorted(pairs)] for pid, pairs in known.items()}


def invite_layer(network: Network, partnership_id: int, candidates: dict[int, list[int]],
                 limit: int = INVITE_LIMIT) -> dict:
    """The invite layer: nodes for the given candidates (those the reader may see), most member
    contacts first, then the strongest tie, then by name; and their ties to members."""
    adj = neighbours_of(network.knows)

    def rank(pid: int):
        contacts = candidates[pid]
        return (-len(contacts), -adj[pid][contacts[0]].get("strength", 1), network.name(pid), pid)

    chosen = sorted(candidates, key=rank)[:limit]
    nodes, edges = [], []
    for pid in chosen:
        node = network.nodes[pid]
        contacts = candidates[pid]
        nodes.append({"id": pid, "name": node.name, "organisation": node.organisation or "",
                      "organisation_id": node.organisation_id, "side": node.side or "none",
                      "sector": node.sector or "", "role": "", "stage": "", "score": None,
                      "centrality": 0, "partnerships": [], "member": False, "invitee": True,
                      "known_by": [{"id": m, "name": network.name(m)} for m in contacts[:3]],
                      "known_by_count": len(contacts)})
        edges += [{"from": m, "to": pid, "kind": "invite", "strength": adj[pid][m].get("strength", 1)}
                  for m in contacts]
    return {"nodes": nodes, "edges": edges, "candidates": len(candidates), "shown": len(chosen)}
