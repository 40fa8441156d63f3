"""Warm intro paths: who should make the ask of a target, and through whom.

Pure: plain data in (a `Network`, the askers), plain data out (`IntroPath`). Ranking, best
first: a direct tie from an asker; then two-hop paths where an employer introduces (the warm
hop to the target is employer-to-employer); then two-hop paths through a community partner
("introduction by a partner, ask by an employer"). Within each group, stronger first.

Strength is in [0, 1]: a direct tie is strength/3; a two-hop path is the product of both
ties' strengths over 9, so a two-hop path never looks warmer than its weakest link.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from crm.network.graph import Network

MAX_STRENGTH = 3


@dataclass(frozen=True)
class IntroPath:
    """One way to reach a target: the asker, the path (asker ... target) and why."""

    asker_id: int
    path: tuple[int, ...]
    strength: float
    reason: str
    introducer_id: int | None
    employer_to_employer: bool


def _group(p: IntroPath) -> int:
    if p.introducer_id is None:
        return 0 if p.employer_to_employer else 1
    return 2 if p.employer_to_employer else 3


def rank(paths: list[IntroPath]) -> list[IntroPath]:
    """Best first: direct, then via an employer, then via a partner; stronger first."""
    return sorted(paths, key=lambda p: (_group(p), -p.strength, p.path))


def intro_paths(network: Network, askers: set[int], target_id: int,
                limit: int | None = 5) -> list[IntroPath]:
    """The ranked ways the `askers` (employer chairs/champions) can reach `target_id`."""
    adj = network.knows.adj
    if target_id not in adj:
        return []
    name = network.name
    target_employer = network.side(target_id) == "employer"
    found: list[IntroPath] = []
    for first, data in adj[target_id].items():
        s_last = data.get("strength", 1)
        if first in askers:
            e2e = target_employer
            reason = (f"{name(first)} knows {name(target_id)} directly "
                      f"(strength {s_last}): {name(first)} makes the ask"
                      + ("" if e2e else "; not an employer-to-employer ask"))
            found.append(IntroPath(first, (first, target_id), s_last / MAX_STRENGTH, reason,
                                   None, e2e))
            continue  # an asker who knows the target asks directly, not through others
        first_side = network.side(first)
        for asker, data2 in adj[first].items():
            if asker not in askers or asker == target_id:
                continue
            s_first = data2.get("strength", 1)
            strength = (s_first * s_last) / (MAX_STRENGTH * MAX_STRENGTH)
            if first_side == "employer":
                e2e = target_employer
                reason = (f"{name(first)} (employer) introduces {name(asker)} to "
                          f"{name(target_id)}; {name(asker)} makes the ask")
            else:
                e2e = False
                who = "a partner" if first_side == "community" else "a contact"
                reason = (f"Introduction by {who}, ask by an employer: {name(first)} introduces "
                          f"{name(asker)}, and {name(asker)} makes the ask of {name(target_id)}")
            found.append(IntroPath(asker, (asker, first, target_id), strength, reason, first, e2e))
    ranked = rank(found)
    return ranked if limit is None else ranked[:limit]


def best_asker(paths: list[IntroPath]) -> IntroPath | None:
    """The strongest employer-to-employer ask among ranked paths, else None."""
    return next((p for p in paths if p.employer_to_employer), None)


#: How a knows tie's strength reads in a sentence (crm.vocab.STRENGTHS, said as a chair would).
STRENGTH_WORDS = {1: "acquainted", 2: "they work together", 3: "close"}


def path_words(network: Network, path, contexts: dict | None = None) -> str:
    """A path in words, hop by hop: "Ana knows Ben (close: same board); Ben referred Cy"
    ("... and referred them" where a referral and a knows tie join the same two people).
    `contexts`: (a, b) with a < b -> what the knows tie's record says about it (user text: the
    caller escapes it where it is shown)."""
    contexts = contexts or {}
    adj, referred, name = network.knows.adj, network.referred, network.name
    hops = []
    for a, b in pairwise(path):
        knows = ""
        if a in adj and b in adj[a]:
            detail = STRENGTH_WORDS.get(adj[a][b].get("strength", 1), "acquainted")
            context = (contexts.get((min(a, b), max(a, b))) or "").strip()
            knows = f"{name(a)} knows {name(b)} ({detail}{': ' + context if context else ''})"
        if referred.has_edge(a, b):
            hops.append(f"{knows} and referred them" if knows else f"{name(a)} referred {name(b)}")
        elif referred.has_edge(b, a):
            hops.append(f"{knows} and was referred by them" if knows else f"{name(a)} was referred by {name(b)}")
        else:
            hops.append(knows or f"{name(a)} and {name(b)}: no tie recorded")
    return "; ".join(hops)
