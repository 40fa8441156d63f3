"""Building the network from plain rows: nodes carry side and organisation, knows ties are
undirected and weighted, referrals directed, and rows for unknown people are dropped."""

from __future__ import annotations

from crm.network.graph import build_network

ORGS = [(1, "Acme", "employer", "Mfg"), (2, "City College", "community", None)]
PEOPLE = [(1, "Ann", 1), (2, "Bob", 2), (3, "Cy", None)]


def test_nodes_carry_side_and_organisation():
    network = build_network(PEOPLE, ORGS, [], [])
    assert network.nodes[1].side == "employer" and network.nodes[1].organisation == "Acme"
    assert network.nodes[2].side == "community"
    assert network.nodes[3].side is None and network.name(3) == "Cy" and network.name(99) == "#99"


def test_knows_is_weighted_and_undirected_referrals_directed_unknown_people_dropped():
    ties = [("knows", 1, 2, 3), ("referred", 1, 3, 1), ("knows", 1, 99, 2), ("referred", 98, 1, 1)]
    network = build_network(PEOPLE, ORGS, ties)
    assert network.knows[2][1]["strength"] == 3
    assert list(network.referred.edges) == [(1, 3)]
    assert network.knows.number_of_edges() == 1 and 99 not in network.knows


def test_partnership_view_keeps_members_and_ties_among_them_only():
    ties = [("knows", 1, 2, 2), ("knows", 2, 3, 1)]
    network = build_network(PEOPLE, ORGS, ties, [(5, 1, "chair", "champion"), (5, 2, "member", "asked"),
                                                 (6, 3, "member", "candidate")])
    sub = network.partnership(5)
    assert set(sub.nodes) == {1, 2} and list(sub.knows.edges) == [(1, 2)]
    assert sub.members == {5: {1: ("chair", "champion"), 2: ("member", "asked")}}
    assert network.knows.number_of_edges() == 2  # the region graph is untouched
