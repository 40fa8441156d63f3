"""Reachability of everyone from a partnership's askers at once (pure, no Flask/SQLAlchemy).

`crm.network.services.intro_paths` answers one target; ranking 20,000 people needs every
target in one pass. This walks out from the askers (employer chairs and champions) one and
two ties deep and keeps, per target, the best path by the network issue's own order
(`crm.network.paths`): a direct tie; then an employer introducing; then a partner
introducing; stronger first. Strength is strength/3 for a direct tie and the product over 9
for two ties, exactly as `intro_paths` computes it, so both agree on who should ask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from crm.network.paths import MAX_STRENGTH, IntroPath

Adjacency = Mapping[int, Iterable[tuple[int, int]]]  # person -> [(other, strength 1-3)]


def _group(direct: bool, e2e: bool) -> int:
    if direct:
        return 0 if e2e else 1
    return 2 if e2e else 3


def reachability(adj: Adjacency, askers: set[int], side: Mapping[int, str | None],
                 name: Callable[[int], str], targets: set[int] | None = None) -> dict[int, IntroPath]:
    """Per reachable person (optionally only `targets`): the best intro path from an asker."""
    best: dict[int, tuple] = {}  # target -> (group, -strength, path, strength, e2e)
    employer = {pid for pid in _involved(adj, askers) if side.get(pid) == "employer"}
    wanted = targets.__contains__ if targets is not None else (lambda _pid: True)
    nine = MAX_STRENGTH * MAX_STRENGTH

    for asker in sorted(askers):
        for first, s1 in adj.get(asker, ()):
            if first == asker:
                continue
            first_employer = first in employer
            if first not in askers and wanted(first):
                strength = s1 / MAX_STRENGTH
                key = (0 if first_employer else 1, -strength, (asker, first))
                current = best.get(first)
                if current is None or key < current[:3]:
                    best[first] = (*key, strength, first_employer)
            for target, s2 in adj.get(first, ()):
                if target == asker or target == first or target in askers or not wanted(target):
                    continue
                e2e = first_employer and target in employer
                strength = (s1 * s2) / nine
                current = best.get(target)
                group = 2 if e2e else 3
                if current is not None and (current[0], current[1]) < (group, -strength):
                    continue
                key = (group, -strength, (asker, first, target))
                if current is None or key < current[:3]:
                    best[target] = (*key, strength, e2e)
    best = {t: (v[:3], v[2], v[3], v[4]) for t, v in best.items()}

    found: dict[int, IntroPath] = {}
    for target, (_key, path, strength, e2e) in best.items():
        asker = path[0]
        if len(path) == 2:
            reason = f"{name(asker)} knows {name(target)} directly: {name(asker)} makes the ask"
            if not e2e:
                reason += "; not an employer-to-employer ask"
            found[target] = IntroPath(asker, path, round(strength, 4), reason, None, e2e)
        else:
            first = path[1]
            if side.get(first) == "employer":
                reason = (f"{name(first)} (employer) introduces {name(asker)} to {name(target)}; "
                          f"{name(asker)} makes the ask")
            else:
                reason = (f"Introduction by a partner, ask by an employer: {name(first)} introduces "
                          f"{name(asker)} to {name(target)}")
            found[target] = IntroPath(asker, path, round(strength, 4), reason, first, e2e)
    return found


def _involved(adj: Adjacency, askers: set[int]) -> set[int]:
    """Everyone within two ties of an asker (whose side the walk needs)."""
    seen = set(askers)
    for asker in askers:
        for first, _s in adj.get(asker, ()):
            if first not in seen:
                seen.add(first)
            for second, _s2 in adj.get(first, ()):
                seen.add(second)
    return seen
