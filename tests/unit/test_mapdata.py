"""What the map draws: plain node and edge dicts, physics only for small maps, stable server
positions for large ones, an organisation summary, and GraphML export."""

from __future__ import annotations

import networkx as nx

from crm.network import mapdata
from crm.network.graph import build_network

ORGS = [(1, "Acme", "employer", "Mfg"), (2, "City College", "community", None)]


def _network(n=6):
    people = [(i, f"P{i}", 1 if i % 2 else 2) for i in range(1, n + 1)]
    ties = [("knows", i, i + 1, 1 + i % 3) for i in range(1, n)] + [("referred", 1, n, 1)]
    members = [(9, i, "chair" if i == 1 else "member", "candidate") for i in range(1, n + 1)]
    return build_network(people, ORGS, ties, members)


def test_small_map_uses_browser_physics_and_plain_dicts():
    network = _network()
    data = mapdata.people_map(network, 9, sorted(network.nodes), {1: [9]})
    assert data["physics"] is True and data["options"]["physics"]["enabled"] is True
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True
    first = data["nodes"][0]
    assert first["name"] == "P1" and first["role"] == "chair" and first["partnerships"] == [9]
    assert "x" not in first
    kinds = sorted(e["kind"] for e in data["edges"])
    assert kinds.count("knows") == 5 and kinds.count("referred") == 1


def test_large_map_gets_stable_server_positions_and_no_physics():
    n = mapdata.PHYSICS_LIMIT + 20
    network = _network(n)
    people = sorted(network.nodes)
    positions = mapdata.layout_for(network, people)
    assert positions == mapdata.layout_for(network, people)  # seeded: the same map every time
    assert len(positions) == n and len(set(positions.values())) > n * 0.9
    data = mapdata.people_map(network, 9, people, {}, positions)
    assert data["physics"] is False and data["options"]["physics"]["enabled"] is False
    assert all("x" in node for node in data["nodes"])


def test_neighbours_end_up_closer_than_strangers():
    graph = nx.connected_caveman_graph(6, 8)
    positions = mapdata.spring_positions(list(graph), list(graph.edges), iterations=60)

    def dist(a, b):
        return ((positions[a][0] - positions[b][0]) ** 2 + (positions[a][1] - positions[b][1]) ** 2) ** 0.5

    within = sum(dist(a, b) for a, b in graph.edges) / graph.number_of_edges()
    far = sum(dist(a, b) for a in range(0, 8) for b in range(40, 48)) / 64
    assert within < far / 2


def test_summary_has_organisations_as_nodes_with_tie_counts():
    data = mapdata.summary_map(_network(), 9)
    assert data["mode"] == "summary"
    assert sorted((n["name"], n["people"]) for n in data["nodes"]) == [("Acme", 3), ("City College", 3)]
    assert data["edges"][0]["ties"] == 5  # every knows tie runs between the two organisations


def test_graphml_round_trips_people_and_ties():
    network = _network()
    text = mapdata.graphml(network, 9, sorted(network.nodes))
    graph = nx.read_graphml(__import__("io").BytesIO(text))
    assert graph.number_of_nodes() == 6 and graph.number_of_edges() == 6
    assert graph.nodes["1"]["name"] == "P1" and graph.nodes["1"]["role"] == "chair"


def test_ties_among_matches_networkx_subgraphs_each_tie_once():
    graph = nx.gnm_random_graph(60, 300, seed=3)
    graph.add_edge(5, 5)
    for a, b in graph.edges:
        graph.edges[a, b]["strength"] = 1 + (a + b) % 3
    people = list(range(0, 60, 2)) + [5, 7, 9, 999]  # someone not in the graph is ignored
    ours = mapdata.ties_among(graph, people)
    assert sorted((min(a, b), max(a, b), d["strength"]) for a, b, d in ours) == sorted(
        (min(a, b), max(a, b), d["strength"]) for a, b, d in graph.subgraph(people).edges(data=True))
    directed = nx.gnm_random_graph(60, 300, seed=4, directed=True)
    assert sorted((a, b) for a, b, _ in mapdata.ties_among(directed, people)) == sorted(
        directed.subgraph(people).edges)


def test_layout_in_blocks_matches_one_block():
    graph = nx.connected_caveman_graph(10, 12)
    people, ties = list(graph), list(graph.edges)
    whole = mapdata.spring_positions(people, ties, iterations=20)
    old = mapdata.LAYOUT_BLOCK
    try:
        mapdata.LAYOUT_BLOCK = 7 * len(people)  # seven rows per block, the last one short
        blocked = mapdata.spring_positions(people, ties, iterations=20)
    finally:
        mapdata.LAYOUT_BLOCK = old
    assert max(abs(whole[p][0] - blocked[p][0]) + abs(whole[p][1] - blocked[p][1]) for p in people) <= 2


def test_spectral_start_separates_two_groups_and_leaves_the_untied_where_they_were():
    import numpy as np

    graph = nx.barbell_graph(15, 0)  # two cliques of 15 joined by one tie
    people = list(graph) + [100, 101]  # two people without ties
    index = {p: i for i, p in enumerate(people)}
    pairs = np.array([(index[a], index[b]) for a, b in graph.edges])
    start = np.random.default_rng(0).random((len(people), 2)).astype(np.float32)
    pos = mapdata.spectral_start(start, pairs)
    axis = int(np.argmax(np.abs(pos[:15].mean(axis=0) - pos[15:30].mean(axis=0))))
    one, other = sorted([pos[:15, axis], pos[15:30, axis]], key=lambda v: v.mean())
    assert one.max() + 0.5 < other.min()  # the two cliques far apart along one axis
    assert (pos[30:] == start[30:]).all()
    assert pos.min() >= 0 and pos.max() <= 1


def test_someone_flung_far_out_is_pulled_back_towards_the_rest():
    graph = nx.complete_graph(80)
    graph.add_edge(0, 999)  # one tie to the dense middle
    positions = mapdata.spring_positions(list(graph), list(graph.edges), iterations=30)
    radius = {p: (x * x + y * y) ** 0.5 for p, (x, y) in positions.items()}
    typical = sorted(radius.values())[len(radius) // 2]
    assert radius[999] < 3 * typical
