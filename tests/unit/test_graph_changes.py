"""Catching a network up on changes gives exactly the network a rebuild gives, and leaves the
network it started from untouched (other threads may be reading it)."""

from __future__ import annotations

import random

import pytest

from crm.network.graph import Changes, apply_changes, build_network, fingerprint

ORGS = [(1, "Acme", "employer", "Mfg"), (2, "City College", "community", None), (3, "Beta", "employer", "Health")]


def _world(rng: random.Random):
    people = {pid: (f"P{pid}", rng.choice([1, 2, 3, None])) for pid in range(1, 41)}
    ties = {}
    for _ in range(120):
        a, b = rng.sample(sorted(people), 2)
        kind = rng.choice(["knows", "knows", "referred"])
        ties[(kind, a, b)] = rng.randint(1, 3)
    members = {(p, pid): (rng.choice(["chair", "champion", "member"]), "candidate")
               for p in (7, 8) for pid in rng.sample(sorted(people), 10)}
    return people, dict(enumerate(ORGS)), ties, members


def _build(people, orgs, ties, members):
    return build_network([(pid, *row) for pid, row in people.items()], [o for o in orgs.values() if o],
                         [(k, a, b, s) for (k, a, b), s in ties.items()],
                         [(p, pid, *row) for (p, pid), row in members.items()])


def _same(left, right):
    assert left.nodes == right.nodes
    edges = lambda n: {frozenset((a, b)): s for a, b, s in n.knows.edges(data="strength")}  # noqa: E731
    assert edges(left) == edges(right)
    assert set(left.referred.edges) == set(right.referred.edges)
    assert left.members == right.members
    assert fingerprint(left) == fingerprint(right)


@pytest.mark.parametrize("seed", range(30))
def test_catching_up_equals_rebuilding(seed):
    rng = random.Random(seed)
    people, orgs, ties, members = _world(rng)
    before = _build(people, orgs, ties, members)
    snapshot = (dict(before.nodes), {frozenset(e) for e in before.knows.edges}, set(before.referred.edges),
                {k: dict(v) for k, v in before.members.items()})
    gone = set()
    changes = Changes()
    for _ in range(rng.randint(1, 25)):
        what = rng.choice(["rename", "move", "archive", "return", "tie", "untie", "member", "leave",
                           "org"])
        pid = rng.randint(1, 45)
        if what in ("rename", "move", "return") and (pid in people or pid in gone or pid > 40):
            people[pid] = (f"New{pid}", rng.choice([1, 2, 3, None]))
            gone.discard(pid)
        elif what == "archive" and pid in people:
            del people[pid]
            gone.add(pid)
        elif what in ("tie", "untie"):
            a, b = pid, rng.randint(1, 45)
            if a == b:
                continue
            kind = rng.choice(["knows", "referred"])
            if what == "tie":
                ties[(kind, a, b)] = rng.randint(1, 3)
            else:
                for key in [k for k in ties if {k[1], k[2]} == {a, b}]:
                    del ties[key]
            pair = (min(a, b), max(a, b))
            changes.pairs[pair] = [(k, x, y, s) for (k, x, y), s in ties.items() if {x, y} == {a, b}]
            continue
        elif what == "member":
            key = (rng.choice([7, 8, 9]), pid)
            members[key] = ("champion", "asked")
            changes.memberships[key] = members[key]
            continue
        elif what == "leave":
            for key in [k for k in members if k[1] == pid]:
                del members[key]
                changes.memberships[key] = None
            continue
        elif what == "org":
            org_id = rng.choice([0, 1, 2])
            orgs[org_id] = (orgs[org_id] or ORGS[org_id])[:1] + (f"Org{seed}", rng.choice(["employer", "community"]),
                                                                  None)
            changes.organisations[orgs[org_id][0]] = orgs[org_id]
            continue
        else:
            continue
        changes.people[pid] = people.get(pid)
        if pid in people and pid not in before.nodes:  # arrives: with all their ties and memberships
            for _kind, a, b in ties:
                if pid in (a, b):
                    changes.pairs.setdefault((min(a, b), max(a, b)), [])
            changes.memberships.update({k: v for k, v in members.items() if k[1] == pid})
    for pair in list(changes.pairs):  # the current rows of every pair named
        changes.pairs[pair] = [(k, x, y, s) for (k, x, y), s in ties.items() if {x, y} == set(pair)]
    for pid in list(changes.people):
        if changes.people[pid] is None:
            changes.people[pid] = people.get(pid)

    after = apply_changes(before, changes)
    _same(after, _build(people, orgs, ties, members))
    assert (dict(before.nodes), {frozenset(e) for e in before.knows.edges}, set(before.referred.edges),
            {k: dict(v) for k, v in before.members.items()}) == snapshot


def test_fingerprint_of_a_partnership_ignores_changes_elsewhere():
    network = build_network([(1, "A", 1), (2, "B", 1), (3, "C", 3)], ORGS,
                            [("knows", 1, 2, 2), ("knows", 2, 3, 1)], [(7, 1, "chair", "champion"),
                                                                       (7, 2, "member", "asked")])
    sub = fingerprint(network, [1, 2])
    moved = apply_changes(network, Changes(people={3: ("C renamed", 1)}))
    assert fingerprint(moved, [1, 2]) == sub and fingerprint(moved) != fingerprint(network)
    stronger = apply_changes(network, Changes(pairs={(1, 2): [("knows", 1, 2, 3)]}))
    assert fingerprint(stronger, [1, 2]) != sub
