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
    best: dict[int, tuple] = {}

    def offer(target: int, key: tuple, path: tuple[int, ...], strength: float, e2e: bool) -> None:
        if targets is not None and target not in targets:
            return
        current = best.get(target)
        if current is None or key < current[0]:
            best[target] = (key, path, strength, e2e)

    for asker in sorted(askers):
        for first, s1 in adj.get(asker, ()):
            if first == asker:
                continue
            first_employer = side.get(first) == "employer"
            if first not in askers:
                strength = s1 / MAX_STRENGTH
                offer(first, (_group(True, first_employer), -strength, (asker, first)),
                      (asker, first), strength, first_employer)
            for target, s2 in adj.get(first, ()):
                if target == asker or target == first or target in askers:
                    continue
                strength = (s1 * s2) / (MAX_STRENGTH * MAX_STRENGTH)
                e2e = first_employer and side.get(target) == "employer"
                path = (asker, first, target)
                offer(target, (_group(False, e2e), -strength, path), path, strength, e2e)

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
