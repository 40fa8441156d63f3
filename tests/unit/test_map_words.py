"""The map's words and layers on hand-made networks: a path said hop by hop, and the "people we
could invite" layer (who members know outside the partnership, limited to whom the reader may
see)."""

from __future__ import annotations

from crm.network import mapdata, paths
from crm.network.graph import build_network


def _network():
    people = [(1, "Ana", 1), (2, "Ben", 1), (3, "Cy", 2), (4, "Dee", 2), (5, "Eve", None), (6, "Fin", 1)]
    orgs = [(1, "Acme", "employer", "Mfg"), (2, "Valley College", "community", None)]
    ties = [("knows", 1, 2, 2), ("referred", 2, 3, 1), ("knows", 3, 4, 3), ("referred", 3, 4, 1),
            ("knows", 1, 5, 1), ("knows", 2, 5, 3), ("knows", 1, 6, 2)]
    members = [(7, 1, "chair", "champion"), (7, 2, "champion", "champion"), (7, 3, "member", "accepted")]
    return build_network(people, orgs, ties, members)


def test_a_path_is_said_hop_by_hop_with_what_the_tie_records():
    network = _network()
    assert paths.path_words(network, [1, 2, 3], {(1, 2): "worked together"}) == (
        "Ana knows Ben (they work together: worked together); Ben referred Cy")
    assert paths.path_words(network, [4, 3]) == "Dee knows Cy (close) and was referred by them"
    assert paths.path_words(network, [1, 4]) == "Ana and Dee: no tie recorded"
    assert paths.path_words(network, [1]) == "" and paths.path_words(network, []) == ""


def test_invite_layer_ranks_by_member_contacts_and_keeps_only_the_candidates_given():
    network = _network()
    candidates = mapdata.invite_candidates(network, 7)
    # Eve knows two members (Ben close, Ana acquainted); Fin knows Ana; Dee knows Cy
    assert candidates == {5: [2, 1], 6: [1], 4: [3]}
    layer = mapdata.invite_layer(network, 7, candidates)
    assert [n["name"] for n in layer["nodes"]] == ["Eve", "Dee", "Fin"]  # 2 contacts, then the stronger tie
    assert layer["nodes"][0]["known_by_count"] == 2 and layer["candidates"] == 3
    assert all(n["invitee"] and not n["member"] for n in layer["nodes"])
    assert {(e["from"], e["to"]) for e in layer["edges"]} == {(2, 5), (1, 5), (3, 4), (1, 6)}
    # whom the reader may not see never comes in (the caller filters the candidates)
    seen = mapdata.invite_layer(network, 7, {p: c for p, c in candidates.items() if p != 5}, limit=1)
    assert [n["id"] for n in seen["nodes"]] == [4] and all(e["to"] == 4 for e in seen["edges"])
    assert seen["shown"] == 1 and seen["candidates"] == 2


def test_invite_layer_of_a_partnership_without_members_is_empty():
    network = _network()
    assert mapdata.invite_candidates(network, 99) == {}
    assert mapdata.invite_layer(network, 99, {})["nodes"] == []
