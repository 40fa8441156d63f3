"""Keystone leaders: the workbook's red flag "keystone conundrum" (section F) in graph terms.

Pure: takes a `Network` (a partnership's members and the knows ties among them), returns plain
data. A partnership depending on a single leader shows as

- articulation points: people whose removal cuts the knows graph apart (exact, linear time);
- dominant betweenness: a leader on a large share of the shortest paths between others.
  Betweenness is unweighted (hops) and normalised, as networkx computes it. It is exact up to
  `EXACT_LIMIT` people; above that it is networkx's sampled approximation (Brandes-Pich:
  shortest paths from up to `SAMPLES` random sources, fewer if `WORK_BUDGET` says so, seeded
  so answers are stable), and the result says so (`exact: false`, `samples: k`). Exact
  betweenness on 20k people / 200k ties takes ~39 minutes in networkx; the sample costs k/n of
  that (k = 9 there: a few seconds, a coarse ranking). Results are cached per graph version.
- "what if they step back": for any leader, the champions who would lose every path to the
  rest of the partnership (the part that keeps the most champions) if that leader left.
- referrals: each referrer's share of the referral tree (everyone reached through their chain of
  referrals) and the employer share of the referrals made.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from crm.network.graph import Network

#: Above this many people, betweenness is sampled rather than exact.
EXACT_LIMIT = 2000
#: Number of sampled source nodes for the approximation.
SAMPLES = 200
#: A leader whose normalised betweenness reaches this share is flagged as dominant
#: (they sit on at least a quarter of all shortest paths between other members).
DOMINANT_BETWEENNESS = 0.25
#: How many of the highest betweenness scores the summary lists.
TOP = 100
#: How many articulation points (highest betweenness first) get a "step back" analysis.
MAX_CUT_POINTS = 50
#: Work budget (node + edge visits) for the sampled betweenness and the step-back passes on
#: big graphs: the sample shrinks to fit (at least MIN_SAMPLES sources), so a partnership of
#: 20k people / 200k ties answers in seconds rather than minutes.
WORK_BUDGET = 2_000_000
MIN_SAMPLES = 8


def betweenness(graph: nx.Graph, exact_limit: int = EXACT_LIMIT,
                samples: int = SAMPLES) -> tuple[dict[int, float], int | None]:
    """Normalised betweenness of every node, and the sample size (None when exact)."""
    n = graph.number_of_nodes()
    if n <= exact_limit or samples >= n:
        return nx.betweenness_centrality(graph, normalized=True), None
    work = n + graph.number_of_edges()
    k = min(samples, max(MIN_SAMPLES, WORK_BUDGET // work))
    return nx.betweenness_centrality(graph, k=k, normalized=True, seed=0), k


def articulation_points(graph: nx.Graph) -> list[int]:
    """People whose removal disconnects part of the knows graph, by id."""
    return sorted(nx.articulation_points(graph))


def step_back(graph: nx.Graph, leader: int, champions: Iterable[int]) -> dict:
    """Who loses every path to the rest of the partnership if `leader` steps back."""
    champions = set(champions) - {leader}
    if leader not in graph:
        return {"person_id": leader, "champions_cut_off": [], "people_cut_off": 0}
    before = nx.node_connected_component(graph, leader) - {leader}
    view = nx.restricted_view(graph, [leader], [])
    parts = [c for c in nx.connected_components(view.subgraph(before))]
    if not parts:
        return {"person_id": leader, "champions_cut_off": [], "people_cut_off": 0}
    main = max(parts, key=lambda c: (len(c & champions), len(c), -min(c)))
    cut = set().union(*(c for c in parts if c is not main))
    return {"person_id": leader, "champions_cut_off": sorted(cut & champions),
            "people_cut_off": len(cut)}


def referrals(network: Network) -> dict:
    """Each referrer's share of the referral tree, and the employer share of referrals made."""
    tree = network.referred
    referred_people = {v for v in tree if tree.in_degree(v) > 0}
    made = tree.number_of_edges()
    by_employers = sum(1 for u, _v in tree.edges if network.side(u) == "employer")
    referrers = []
    for person in tree:
        out = tree.out_degree(person)
        if out:
            reached = nx.descendants(tree, person)
            referrers.append({
                "person_id": person,
                "referred": out,
                "tree_size": len(reached),
                "share": round(len(reached) / len(referred_people), 4) if referred_people else 0.0,
            })
    referrers.sort(key=lambda r: (-r["tree_size"], -r["referred"], r["person_id"]))
    return {"referrals_made": made, "people_referred": len(referred_people),
            "employer_share": round(by_employers / made, 4) if made else None,
            "referrers": referrers}


def analyse(network: Network, partnership_id: int, leader_roles: Iterable[str],
            champion_roles: Iterable[str], exact_limit: int = EXACT_LIMIT,
            samples: int = SAMPLES) -> dict:
    """The keystone summary of a partnership's network (see the module docstring)."""
    graph = network.knows
    members = network.members.get(partnership_id, {})
    leader_roles, champion_roles = set(leader_roles), set(champion_roles)
    champions = {p for p, (role, stage) in members.items()
                 if role in champion_roles or stage == "champion"}
    scores, k = betweenness(graph, exact_limit, samples)
    points = articulation_points(graph)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    point_set = set(points)
    leader_ids = {p for p, (role, _s) in members.items() if role in leader_roles}
    # leaders: by role, plus the cut points with the most betweenness (at most MAX_CUT_POINTS,
    # each "step back" costs one pass over the graph) and anyone with dominant betweenness
    passes = max(5, min(MAX_CUT_POINTS, WORK_BUDGET // (graph.number_of_nodes() + graph.number_of_edges() + 1)))
    leader_ids |= set(sorted(points, key=lambda p: (-scores.get(p, 0.0), p))[:passes])
    leader_ids |= {p for p, s in ranked[:TOP] if s >= DOMINANT_BETWEENNESS}
    leaders = []
    for person in leader_ids:
        role = members.get(person, ("", ""))[0]
        impact = step_back(graph, person, champions)
        score = scores.get(person, 0.0)
        leaders.append({
            "person_id": person,
            "name": network.name(person),
            "role": role,
            "betweenness": round(score, 6),
            "articulation_point": person in point_set,
            "dominant": score >= DOMINANT_BETWEENNESS,
            "champions_cut_off": impact["champions_cut_off"],
            "people_cut_off": impact["people_cut_off"],
        })
    leaders.sort(key=lambda r: (-len(r["champions_cut_off"]), -r["people_cut_off"],
                                -r["betweenness"], r["person_id"]))
    keystones = [r for r in leaders if r["champions_cut_off"] or r["dominant"]]
    return {
        "partnership_id": partnership_id,
        "people": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
        "exact": k is None,
        "samples": k,
        "articulation_points": points,
        "betweenness": [{"person_id": p, "score": round(s, 6)} for p, s in ranked[:TOP]],
        "leaders": leaders,
        "keystones": [r["person_id"] for r in keystones],
        "referrals": referrals(network),
    }


def preliminary(network: Network, partnership_id: int) -> dict:
    """What can be said at once about a big partnership while its betweenness and step-back
    analysis run in the background: its size, cut points and referrals (`pending: true`)."""
    graph = network.knows
    return {
        "partnership_id": partnership_id,
        "people": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
        "exact": False,
        "samples": None,
        "articulation_points": articulation_points(graph),
        "betweenness": [],
        "leaders": [],
        "keystones": [],
        "referrals": referrals(network),
        "pending": True,
    }
