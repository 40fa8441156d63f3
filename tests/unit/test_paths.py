"""Warm intro paths on small hand-made graphs: direct ties first, employer introductions
before partner introductions, stronger before weaker, and reasons in words."""

from __future__ import annotations

from crm.network import paths
from crm.network.graph import build_network

ORGS = [(1, "Acme", "employer", "Mfg"), (2, "Beta", "employer", "Mfg"),
        (3, "City College", "community", None)]


def _network(people, knows):
    return build_network(people, ORGS, [("knows", a, b, s) for a, b, s in knows])


PEOPLE = [(1, "Carla Chair", 1), (2, "Chen Champion", 1), (3, "Pat Partner", 3),
          (4, "Fay Friend", 2), (5, "Tom Target", 2), (6, "Ned Nobody", 1)]


def test_direct_then_employer_introduction_then_partner_introduction():
    network = _network(PEOPLE, [(1, 4, 3), (4, 5, 2), (2, 3, 3), (3, 5, 3), (6, 5, 1), (2, 5, 1)])
    found = paths.intro_paths(network, {1, 2}, 5)
    assert [p.path for p in found] == [(2, 5), (1, 4, 5), (2, 3, 5)]
    direct, via_employer, via_partner = found
    assert direct.introducer_id is None and direct.strength == 1 / 3
    assert via_employer.introducer_id == 4 and via_employer.strength == 6 / 9
    assert via_employer.employer_to_employer and "Fay Friend (employer) introduces" in via_employer.reason
    assert not via_partner.employer_to_employer
    assert via_partner.reason.startswith("Introduction by a partner, ask by an employer")
    assert paths.best_asker(found) == direct


def test_stronger_two_hop_paths_rank_first_and_limit_applies():
    people = PEOPLE + [(7, "Gil Go-between", 2)]
    network = _network(people, [(1, 4, 1), (4, 5, 1), (2, 7, 3), (7, 5, 3)])
    found = paths.intro_paths(network, {1, 2}, 5)
    assert [p.asker_id for p in found] == [2, 1]
    assert paths.intro_paths(network, {1, 2}, 5, limit=1) == found[:1]


def test_an_asker_who_knows_the_target_is_not_used_as_an_introducer():
    network = _network(PEOPLE, [(1, 2, 3), (2, 5, 2)])
    assert [p.path for p in paths.intro_paths(network, {1, 2}, 5)] == [(2, 5)]


def test_only_partner_paths_give_no_best_asker():
    network = _network(PEOPLE, [(1, 3, 3), (3, 5, 3)])
    found = paths.intro_paths(network, {1}, 5)
    assert len(found) == 1 and paths.best_asker(found) is None


def test_unknown_or_unreachable_target_has_no_paths():
    network = _network(PEOPLE, [(1, 4, 3)])
    assert paths.intro_paths(network, {1}, 5) == []
    assert paths.intro_paths(network, {1}, 999) == []


def test_askers_are_employer_side_members_in_asker_roles():
    network = build_network(PEOPLE, ORGS, [], [(9, 1, "chair", "champion"), (9, 3, "champion", "champion"),
                                                (9, 6, "member", "candidate")])
    assert network.askers(9, ("chair", "co_chair", "lead_champion", "champion")) == {1}
