"""Keystone leaders: the workbook's red flag "keystone conundrum" (section F) in graph terms,
and in words a chair understands.

Pure: takes a `Network` and the partnership's ENGAGED people (`crm.vocab.engaged`: accepted,
attended, champions, chairs, conveners; not merely approved), returns plain data. Only the
engaged people and the knows ties among them count, so an approval (which adds no engaged
person) never changes the answer. A partnership depending on a single leader shows as

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

Every leader gets a `sentence` and the result a `verdict` in plain words ("If Robin Lane
stepped back, 4 people would lose their only link to the partnership"; "Most introductions
between Acme and Valley College go through Robin Lane"); the figures stay alongside for
details. `analyse` is the one function behind the partnership page, the keystones page, the
map, the API and the health signal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import networkx as nx

from crm import rules, vocab
from crm.network.graph import Network

#: Above this many people, betweenness is sampled rather than exact.
EXACT_LIMIT = 2000
#: Number of sampled source nodes for the approximation.
SAMPLES = 200
#: A leader whose normalised betweenness reaches this share is flagged as dominant
#: (they sit on at least a quarter of all shortest paths between other engaged people).
DOMINANT_BETWEENNESS = rules.KEYSTONE_DOMINANT_SHARE
#: Roles whose holders the partnership may depend on (section F: "chair or convener"): always
#: analysed when engaged.
LEADER_ROLES = (*vocab.CHAIR_ROLES, "lead_champion", "convener")
#: Roles that make someone a champion (as does the stage "champion").
CHAMPION_ROLES = vocab.ASKER_ROLES
#: A broker's introductions are counted among at most this many of their contacts (pairs grow
#: with the square).
BROKER_NEIGHBOURS = 60
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


def step_back(graph: nx.Graph, leader: int, champions: Iterable[int], main: set | None = None) -> dict:
    """Who loses every path to the rest of the partnership if `leader` steps back. With `main`
    (the partnership's main group), a leader outside it cuts nobody off: the people around
    them are already apart from the rest (`analyse` says so as `unlinked`)."""
    champions = set(champions) - {leader}
    if leader not in graph or (main is not None and leader not in main):
        return {"person_id": leader, "champions_cut_off": [], "people_cut_off": 0, "cut_off": []}
    before = nx.node_connected_component(graph, leader) - {leader}
    view = nx.restricted_view(graph, [leader], [])
    parts = [c for c in nx.connected_components(view.subgraph(before))]
    if not parts:
        return {"person_id": leader, "champions_cut_off": [], "people_cut_off": 0, "cut_off": []}
    main = max(parts, key=lambda c: (len(c & champions), len(c), -min(c)))
    cut = set().union(*(c for c in parts if c is not main))
    return {"person_id": leader, "champions_cut_off": sorted(cut & champions),
            "people_cut_off": len(cut), "cut_off": sorted(cut)}


def referrals(network: Network, people: Iterable[int] | None = None) -> dict:
    """Each referrer's share of the referral tree (among `people` if given: the engaged), and
    the employer share of referrals made."""
    tree = network.referred if people is None else network.referred.subgraph(set(people) & set(network.referred))
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


def engaged_people(members: Mapping[int, tuple[str, str]]) -> set[int]:
    """The engaged members (`crm.vocab.engaged`) of a partnership's {person: (role, stage)}."""
    return {pid for pid, (role, stage) in members.items() if vocab.engaged(role, stage)}


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def names_list(names: list[str], most: int = 3) -> str:
    """"Ann", "Ann and Bo", "Ann, Bo and Cy", "Ann, Bo, Cy and 2 others"."""
    if len(names) > most:
        rest = len(names) - most
        return ", ".join(names[:most]) + f" and {rest} other" + ("s" if rest != 1 else "")
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def introductions(graph: nx.Graph, person: int, group_of) -> dict:
    """What `person` brokers: pairs of their contacts who do not know each other (an
    introduction the person could make), and of those, the pairs with nobody else in common
    (introductions that go only through them), per pair of groups (`group_of(id)`: an
    organisation's name)."""
    adj = graph.adj
    contacts = sorted(adj[person])[:BROKER_NEIGHBOURS] if person in graph else []
    pairs: Counter = Counter()
    only: Counter = Counter()
    total = sole_total = 0
    for i, u in enumerate(contacts):
        mine = adj[u]
        for v in contacts[i + 1:]:
            if v in mine:
                continue
            sole = len(mine.keys() & adj[v].keys()) == 1  # the person is their only contact in common
            total += 1
            sole_total += sole
            gu, gv = group_of(u), group_of(v)
            if gu != gv:
                key = (min(gu, gv), max(gu, gv))
                pairs[key] += 1
                only[key] += sole
    best = max(pairs, key=lambda k: (only[k], pairs[k], k), default=None)
    return {"pairs": total, "only_through": sole_total,
            "between": list(best) if best else None,
            "between_pairs": pairs[best] if best else 0,
            "between_only_through": only[best] if best else 0}


def leader_sentence(name: str, cut_off_names: list[str], champions_cut_off: int, brokered: dict | None) -> str:
    """One leader's place in the partnership in a sentence (see the module docstring)."""
    if cut_off_names:
        n = len(cut_off_names)
        sentence = (f"If {name} stepped back, {_people(n)} would lose their only link to the "
                    f"partnership ({names_list(cut_off_names)})")
        if champions_cut_off:
            sentence += (", including the champion" if champions_cut_off == 1
                         else f", including {champions_cut_off} champions")
        return sentence + "."
    if brokered and brokered["between"] and brokered["between_only_through"] * 2 > brokered["between_pairs"]:
        x, y = brokered["between"]
        return (f"Most introductions between {x} and {y} go through {name} "
                f"({brokered['between_only_through']} of {brokered['between_pairs']} pairs who could be "
                f"introduced have nobody else in common).")
    if brokered and brokered["only_through"]:
        k = brokered["only_through"]
        return (f"{name} is the only contact in common of {k} pair{'s' if k != 1 else ''} of engaged "
                f"people who do not know each other; if {name} stepped back, everyone would still be linked.")
    return f"If {name} stepped back, everyone else would still be linked."


def verdict(engaged_names: list[str], keystone_names: list[str], unlinked_names: list[str]) -> str:
    """The headline, in words: who (if anyone) the partnership depends on."""
    n = len(engaged_names)
    if n == 0:
        return ("Nobody is engaged yet (accepted, attended or a champion), so nobody holds the "
                "partnership together yet.")
    if n < rules.KEYSTONE_MIN_PEOPLE:
        return (f"Only {_people(n)} {'is' if n == 1 else 'are'} engaged so far "
                f"({names_list(engaged_names)}): too few to say who holds the partnership together.")
    if keystone_names:
        said = f"The partnership depends on {names_list(keystone_names)}."
    else:
        main = n - len(unlinked_names)
        said = (f"No single person holds the partnership together: whoever of the {main} engaged people "
                f"{'in its main group ' if unlinked_names else ''}stepped back, the others would stay linked.")
    if unlinked_names:
        k = len(unlinked_names)
        said += (f" {_people(k)} engaged {'is' if k == 1 else 'are'} not yet linked to the main group "
                 f"through anyone engaged ({names_list(unlinked_names)}).")
    return said


def analyse(network: Network, partnership_id: int, engaged: Iterable[int] | None = None, *,
            leader_roles: Iterable[str] = LEADER_ROLES, champion_roles: Iterable[str] = CHAMPION_ROLES,
            exact_limit: int = EXACT_LIMIT, samples: int = SAMPLES) -> dict:
    """The keystone summary of a partnership, over its engaged people (default:
    `engaged_people` of its members; pass the set to use another one), in figures and words.

    Returns people/ties (among the engaged), `verdict` (the headline sentence), `sentences`
    (one per keystone), `keystones` (ids), `leaders` (each with `sentence` and the figures:
    betweenness, cut point, who would be cut off), `enough` (False below
    rules.KEYSTONE_MIN_PEOPLE engaged people: too few to judge), `unlinked` (engaged people
    with no tie to the main group), and the referral tree."""
    members = network.members.get(partnership_id, {})
    ids = engaged_people(members) if engaged is None else {p for p in engaged if p in network.nodes}
    graph = network.knows.subgraph(ids).copy()
    leader_roles, champion_roles = set(leader_roles), set(champion_roles)
    champions = {p for p, (role, stage) in members.items()
                 if p in ids and (role in champion_roles or stage == "champion")}
    scores, k = betweenness(graph, exact_limit, samples)
    points = articulation_points(graph)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    point_set = set(points)
    leader_ids = {p for p in ids if members.get(p, ("", ""))[0] in leader_roles}
    # leaders: by role, plus the cut points with the most betweenness (at most MAX_CUT_POINTS,
    # each "step back" costs one pass over the graph) and anyone with dominant betweenness
    passes = max(5, min(MAX_CUT_POINTS, WORK_BUDGET // (graph.number_of_nodes() + graph.number_of_edges() + 1)))
    leader_ids |= set(sorted(points, key=lambda p: (-scores.get(p, 0.0), p))[:passes])
    leader_ids |= {p for p, s in ranked[:TOP] if s >= DOMINANT_BETWEENNESS}

    def group_of(pid: int) -> str:
        return network.nodes[pid].organisation or "people without an organisation"

    # the main group: the connected part with the most champions (then the most people)
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c & champions), -len(c), min(c)))
    main = parts[0] if parts else set()
    leaders = []
    for person in leader_ids:
        role = members.get(person, ("", ""))[0]
        impact = step_back(graph, person, champions, main)
        score = scores.get(person, 0.0)
        cut = impact["cut_off"]
        brokered = None if cut else introductions(graph, person, group_of)
        name = network.name(person)
        leaders.append({
            "person_id": person,
            "name": name,
            "role": role,
            "betweenness": round(score, 6),
            "articulation_point": person in point_set,
            "dominant": score >= DOMINANT_BETWEENNESS,
            "champions_cut_off": impact["champions_cut_off"],
            "people_cut_off": impact["people_cut_off"],
            "cut_off": cut,
            "sentence": leader_sentence(name, [network.name(p) for p in cut],
                                        len(impact["champions_cut_off"]), brokered),
        })
    leaders.sort(key=lambda r: (-len(r["champions_cut_off"]), -r["people_cut_off"],
                                -r["betweenness"], r["person_id"]))
    enough = len(ids) >= rules.KEYSTONE_MIN_PEOPLE
    keystones = [r for r in leaders if enough and (
        r["champions_cut_off"] or r["people_cut_off"] >= rules.KEYSTONE_MIN_CUT_OFF or r["dominant"])]
    unlinked = sorted(set().union(*parts[1:]), key=lambda p: (network.name(p), p)) if len(parts) > 1 else []
    engaged_names = sorted(network.name(p) for p in ids)
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
        "enough": enough,
        "unlinked": unlinked,
        "verdict": verdict(engaged_names, [r["name"] for r in keystones], [network.name(p) for p in unlinked]),
        "sentences": [r["sentence"] for r in keystones],
        "referrals": referrals(network, ids),
    }



def preliminary(network: Network, partnership_id: int, engaged: Iterable[int] | None = None) -> dict:
    """What can be said at once about a big partnership while its betweenness and step-back
    analysis run in the background: its size, cut points and referrals (`pending: true`)."""
    members = network.members.get(partnership_id, {})
    ids = engaged_people(members) if engaged is None else {p for p in engaged if p in network.nodes}
    graph = network.knows.subgraph(ids)
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
        "enough": False,
        "unlinked": [],
        "verdict": (f"Working out who holds these {graph.number_of_nodes()} engaged people together: "
                    "the answer appears here in a few seconds."),
        "sentences": [],
        "referrals": referrals(network, ids),
        "pending": True,
    }
