"""Keystone analysis on small hand-made graphs with known answers, and on networkx's
karate-club graph against networkx's own centrality values."""

from __future__ import annotations

import networkx as nx
import pytest

from crm.network import keystones
from crm.network.graph import build_network


def _network(edges, roles, sides=None, referrals=(), stages=None, names=None, orgs_of=None):
    """Partnership 7: everyone in `edges` or `roles` a member, "accepted" (engaged) unless
    `stages` says otherwise."""
    ids = sorted({n for e in edges for n in e[:2]} | set(roles) | set(stages or {}))
    sides, stages, names, orgs_of = sides or {}, stages or {}, names or {}, orgs_of or {}
    orgs = [(1, "Employer", "employer", "Mfg"), (2, "College", "community", None),
            (3, "Acme", "employer", "Mfg"), (4, "Valley College", "community", None)]
    people = [(i, names.get(i, f"P{i}"), orgs_of.get(i, 2 if sides.get(i) == "community" else 1)) for i in ids]
    ties = [("knows", a, b, 1) for a, b in edges] + [("referred", a, b, 1) for a, b in referrals]
    members = [(7, i, roles.get(i, "member"), stages.get(i, "accepted")) for i in ids]
    return build_network(people, orgs, ties, members)


def test_bridge_chair_is_an_articulation_point_cutting_off_champions():
    # two triangles joined only through the chair (3)
    edges = [(1, 2), (2, 3), (1, 3), (3, 4), (4, 5), (5, 6), (4, 6)]
    roles = {3: "chair", 5: "champion", 6: "champion", 1: "champion"}
    result = keystones.analyse(_network(edges, roles), 7)
    assert result["articulation_points"] == [3, 4]
    chair = next(r for r in result["leaders"] if r["person_id"] == 3)
    # without the chair, the side with champions 5 and 6 keeps going; champion 1 is cut off
    assert chair["champions_cut_off"] == [1] and chair["people_cut_off"] == 2
    assert 3 in result["keystones"] and result["exact"] is True


def test_well_connected_partnership_has_no_keystone():
    edges = [(a, b) for a in range(1, 6) for b in range(a + 1, 6)]
    result = keystones.analyse(_network(edges, {1: "chair", 2: "champion"}), 7)
    assert result["articulation_points"] == [] and result["keystones"] == []
    assert all(item["score"] == 0 for item in result["betweenness"])


def test_star_centre_has_dominant_betweenness():
    edges = [(1, i) for i in range(2, 8)]
    result = keystones.analyse(_network(edges, {1: "chair"}), 7)
    assert result["betweenness"][0] == {"person_id": 1, "score": 1.0}
    assert result["leaders"][0]["dominant"] and result["keystones"] == [1]


def test_karate_club_betweenness_and_cut_points_match_networkx():
    karate = nx.karate_club_graph()
    edges = [(a + 1, b + 1) for a, b in karate.edges]
    result = keystones.analyse(_network(edges, {1: "chair", 34: "chair"}), 7)
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


# --- engaged people and words (issue 15 item 3) -------------------------------------------

def test_engaged_means_accepted_attended_or_champion_never_merely_approved():
    from crm import vocab

    assert [s for s, _ in vocab.STAGES if vocab.engaged("member", s)] == ["accepted", "attended", "champion"]
    assert vocab.engaged("chair", "approved") and vocab.engaged("convener", "candidate")
    assert not vocab.engaged("champion", "declined") and not vocab.engaged("chair", "not_now")
    members = {1: ("member", "approved"), 2: ("member", "attended"), 3: ("community_partner", "asked"),
               4: ("lead_champion", "asked")}
    assert keystones.engaged_people(members) == {2, 4}


def _robin_hub():
    # Robin (1) chairs; a tight group 2-5 around Robin, and four people (6-9) who know only Robin
    edges = [(1, i) for i in range(2, 10)] + [(2, 3), (3, 4), (4, 5), (2, 5), (2, 4), (3, 5)]
    names = {1: "Robin Lane", 6: "Ana", 7: "Ben", 8: "Cy", 9: "Dee"}
    return edges, {1: "chair"}, names


def test_a_cut_point_is_said_in_words_with_the_count_of_people_cut_off():
    edges, roles, names = _robin_hub()
    result = keystones.analyse(_network(edges, roles, names=names), 7)
    assert result["keystones"] == [1]
    robin = result["leaders"][0]
    assert robin["cut_off"] == [6, 7, 8, 9]
    assert robin["sentence"] == ("If Robin Lane stepped back, 4 people would lose their only link to the "
                                 "partnership (Ana, Ben, Cy and 1 other).")
    assert result["verdict"] == "The partnership depends on Robin Lane."
    assert result["sentences"] == [robin["sentence"]] and result["enough"]


def test_approvals_that_add_no_engaged_person_change_nothing():
    edges, roles, names = _robin_hub()
    before = keystones.analyse(_network(edges, roles, names=names), 7)
    # two people approved (not engaged), each tied to all of Robin's leaves: on the knows graph
    # they would make Robin no cut point, and they are not engaged, so nothing changes
    more = edges + [(10, i) for i in range(2, 10)] + [(11, i) for i in range(6, 10)]
    after = keystones.analyse(_network(more, roles, names=names, stages={10: "approved", 11: "approved"}), 7)
    for key in ("keystones", "verdict", "sentences", "leaders", "people", "ties", "articulation_points"):
        assert after[key] == before[key], key
    # once one of them accepts, nobody loses their only link if Robin steps back
    accepted = keystones.analyse(_network(more, roles, names=names, stages={10: "accepted", 11: "approved"}), 7)
    robin = next(r for r in accepted["leaders"] if r["person_id"] == 1)
    assert robin["cut_off"] == [] and accepted["articulation_points"] == []
    assert "lose their only link" not in robin["sentence"]


def test_a_broker_is_said_as_introductions_between_two_organisations():
    # Robin (1, Employer) knows three people of Acme (2-4) and three of Valley College (5-7);
    # the two sides know each other only through Robin, except 4 and 5 who share Kim (8)
    acme, valley = [2, 3, 4], [5, 6, 7]
    edges = [(1, i) for i in acme + valley] + [(2, 3), (3, 4), (2, 4), (5, 6), (6, 7), (5, 7),
                                               (4, 8), (5, 8)]
    orgs_of = {**dict.fromkeys(acme, 3), **dict.fromkeys(valley, 4), 1: 1, 8: 1}
    result = keystones.analyse(_network(edges, {1: "chair"}, names={1: "Robin Lane"}, orgs_of=orgs_of), 7)
    robin = next(r for r in result["leaders"] if r["person_id"] == 1)
    assert robin["cut_off"] == [] and robin["dominant"]
    assert robin["sentence"] == ("Most introductions between Acme and Valley College go through Robin Lane "
                                 "(8 of 9 pairs who could be introduced have nobody else in common).")
    assert result["keystones"] == [1] and result["sentences"] == [robin["sentence"]]


def test_nobody_engaged_one_or_two_people_say_so_and_name_no_keystone():
    empty = keystones.analyse(_network([(1, 2)], {}, stages={1: "approved", 2: "suggested"}), 7)
    assert empty["people"] == 0 and empty["keystones"] == [] and not empty["enough"]
    assert empty["verdict"].startswith("Nobody is engaged yet")
    one = keystones.analyse(_network([], {1: "chair"}, names={1: "Robin Lane"}), 7)
    assert one["verdict"] == ("Only 1 person is engaged so far (Robin Lane): too few to say who holds "
                              "the partnership together.")
    assert one["keystones"] == [] and one["leaders"][0]["sentence"] == (
        "If Robin Lane stepped back, everyone else would still be linked.")
    two = keystones.analyse(_network([(1, 2)], {1: "chair"}, names={1: "Robin Lane", 2: "Ana"}), 7)
    assert two["verdict"].startswith("Only 2 people are engaged so far (Ana and Robin Lane)")
    assert two["keystones"] == [] and not two["enough"]


def test_engaged_people_without_a_tie_to_the_others_are_named():
    edges = [(a, b) for a in range(1, 5) for b in range(a + 1, 5)]
    result = keystones.analyse(_network(edges, {1: "chair", 9: "champion"}, names={9: "Zoe"}), 7)
    assert result["unlinked"] == [9] and result["keystones"] == []
    assert result["verdict"].endswith("1 person engaged is not yet linked to the main group through anyone "
                                      "engaged (Zoe).")


def test_a_cut_point_outside_the_main_group_is_no_keystone():
    # the main group: a clique of champions 1-5; apart from it, 6 links 7 and 8 (engaged, no champions)
    edges = [(a, b) for a in range(1, 6) for b in range(a + 1, 6)] + [(6, 7), (6, 8)]
    roles = {i: "champion" for i in range(1, 6)} | {6: "convener"}
    result = keystones.analyse(_network(edges, roles, names={6: "Priya"}), 7)
    priya = next(r for r in result["leaders"] if r["person_id"] == 6)
    assert priya["articulation_point"] and priya["cut_off"] == [] and result["keystones"] == []
    assert set(result["unlinked"]) == {6, 7, 8}
    assert "3 people engaged are not yet linked to the main group" in result["verdict"]


def test_the_engaged_set_passed_in_is_the_one_analysed():
    edges, roles, names = _robin_hub()
    network = _network(edges, roles, names=names)
    result = keystones.analyse(network, 7, engaged={1, 2, 3, 4, 5})
    assert result["people"] == 5 and result["keystones"] == []
