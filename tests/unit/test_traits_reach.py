"""Batch reachability agrees with the network issue's one-target intro paths: for every target,
the same best path (asker, introducer, strength) as `crm.network.paths.intro_paths` ranks first."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.network.graph import build_network
from crm.network.paths import intro_paths
from crm.scoring.reach import reachability

SIDES = ["employer", "employer", "community", None]


@pytest.mark.slow  # hypothesis: paths for every target of generated networks
@settings(max_examples=150, deadline=None)
@given(st.integers(4, 14).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.sampled_from(SIDES), min_size=n, max_size=n),
    st.sets(st.tuples(st.integers(1, n), st.integers(1, n), st.integers(1, 3)), max_size=30),
    st.sets(st.integers(1, n), min_size=1, max_size=3))))
def test_batch_reachability_matches_intro_paths_for_every_target(data):
    n, sides, raw_ties, asker_candidates = data
    orgs = [(1, "Employer", "employer", "Manufacturing"), (2, "Partner", "community", None)]
    org_of = {"employer": 1, "community": 2, None: None}
    people = [(i, f"P{i}", org_of[sides[i - 1]]) for i in range(1, n + 1)]
    ties, seen = [], set()
    for a, b, s in sorted(raw_ties):
        key = tuple(sorted((a, b)))
        if a != b and key not in seen:
            seen.add(key)
            ties.append(("knows", key[0], key[1], s))
    network = build_network(people, orgs, ties)
    askers = {a for a in asker_candidates if network.side(a) == "employer"}
    adj = defaultdict(list)
    for _kind, a, b, s in ties:
        adj[a].append((b, s))
        adj[b].append((a, s))
    side = {pid: network.side(pid) for pid in network.nodes}
    found = reachability(adj, askers, side, network.name)
    for target in network.nodes:
        if target in askers:
            assert target not in found
            continue
        expected = intro_paths(network, askers, target, limit=1)
        got = found.get(target)
        if not expected:
            assert got is None
            continue
        best = expected[0]
        assert got is not None, target
        assert (got.strength, got.employer_to_employer, got.introducer_id is None) == (
            round(best.strength, 4), best.employer_to_employer, best.introducer_id is None)
