"""Keystone analysis on small hand-made graphs with known answers, and on networkx's
karate-club graph against networkx's own centrality values."""

from __future__ import annotations

import networkx as nx
import pytest

from crm.network import keystones
from crm.network.graph import build_network

LEADERS = ("chair", "co_chair", "lead_champion", "convener")
CHAMPIONS = ("chair", "co_chair", "lead_champion", "champion")


def _network(edges, roles, sides=None, referrals=()):
    ids = sorted({n for e in edges for n in e[:2]} | set(roles))
    sides = sides or {}
    orgs = [(1, "Employer", "employer", "Mfg"), (2, "College", "community", None)]
    people = [(i, f"P{i}", 2 if sides.get(i) == "community" else 1) for i in ids]
    ties = [("knows", a, b, 1) for a, b in edges] + [("referred", a, b, 1) for a, b in referrals]
    members = [(7, i, roles.get(i, "member"), "candidate") for i in ids]
    return build_network(people, orgs, ties, members)


def test_bridge_chair_is_an_articulation_point_cutting_off_champions():
    # two triangles joined only through the chair (3)
    edges = [(1, 2), (2, 3), (1, 3), (3, 4), (4, 5), (5, 6), (4, 6)]
    roles = {3: "chair", 5: "champion", 6: "champion", 1: "champion"}
    result = keystones.analyse(_network(edges, roles), 7, LEADERS, CHAMPIONS)
    assert result["articulation_points"] == [3, 4]
    chair = next(r for r in result["leaders"] if r["person_id"] == 3)
    # without the chair, the side with champions 5 and 6 keeps going; champion 1 is cut off
    assert chair["champions_cut_off"] == [1] and chair["people_cut_off"] == 2
    assert 3 in result["keystones"] and result["exact"] is True


def test_well_connected_partnership_has_no_keystone():
    edges = [(a, b) for a in range(1, 6) for b in range(a + 1, 6)]
    result = keystones.analyse(_network(edges, {1: "chair", 2: "champion"}), 7, LEADERS, CHAMPIONS)
    assert result["articulation_points"] == [] and result["keystones"] == []
    assert all(item["score"] == 0 for item in result["betweenness"])


def test_star_centre_has_dominant_betweenness():
    edges = [(1, i) for i in range(2, 8)]
    result = keystones.analyse(_network(edges, {1: "chair"}), 7, LEADERS, CHAMPIONS)
    assert result["betweenness"][0] == {"person_id": 1, "score": 1.0}
    assert result["leaders"][0]["dominant"] and result["keystones"] == [1]


def test_karate_club_betweenness_and_cut_points_match_networkx():
    karate = nx.karate_club_graph()
    edges = [(a + 1, b + 1) for a, b in karate.edges]
    result = keystones.analyse(_network(edges, {1: "chair", 34: "chair"}), 7, LEADERS, CHAMPIONS)
    expected = nx.betweenness_centrality(karate)
    for item in result["betweenness"]:
        assert item["score"] == pytest.approx(expected[item["person_id"] - 1], abs=1e-6)
    assert result["betweenness"][0]["person_id"] == 1  # Mr Hi, then the officer (34)
    assert result["betweenness"][1]["person_id"] == 34
    assert result["articulation_points"] == [1]
    assert result["exact"]


def test_large_graphs_use_a_seeded_sample_and_say_so():
    graph = nx.karate_club_graph()
    scores, k = keystones.betweenness(graph, exact_limit=10, samples=20)
    again, _ = keystones.betweenness(graph, exact_limit=10, samples=20)
    assert k == 20 and scores == again
    exact = nx.betweenness_centrality(graph)
    top = max(exact, key=exact.get)
    assert max(scores, key=scores.get) == top


def test_step_back_of_someone_not_in_the_graph_cuts_nothing():
    graph = nx.path_graph(3)
    assert keystones.step_back(graph, 99, [0, 1])["people_cut_off"] == 0


def test_referral_shares_and_employer_share():
    # employer 1 referred 2, 2 referred 3 and 4; community partner 5 referred 6
    edges = [(1, 2), (2, 3), (2, 4), (5, 6)]
    network = _network(edges, {1: "champion"}, sides={5: "community"},
                       referrals=[(1, 2), (2, 3), (2, 4), (5, 6)])
    result = keystones.referrals(network)
    assert result["referrals_made"] == 4 and result["people_referred"] == 4
    assert result["employer_share"] == 0.75
    first = result["referrers"][0]
    assert first == {"person_id": 1, "referred": 1, "tree_size": 3, "share": 0.75}
