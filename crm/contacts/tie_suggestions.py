"""Ties worth suggesting, from plain data: colleagues at the same organisation (strength 2,
"works with") and people who attended the same meeting (strength 1, "acquaintance"), leaving
out pairs already tied and pairs a convener dismissed. Pure: no Flask, no database.

Suggestions are only ever offered; a convener confirms or dismisses each one (never added
silently).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

#: strength of a suggested tie by why it is suggested (crm/vocab.py STRENGTHS)
COLLEAGUE_STRENGTH = 2
CO_ATTENDEE_STRENGTH = 1


@dataclass(frozen=True)
class Suggestion:
    """A pair (lower id first) that probably know each other, and why."""

    first: int
    second: int
    strength: int
    why: str  # "colleagues" | "attended"
    where: int  # the organisation or the meeting id


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def suggest(colleagues: dict[int, list[int]], attendance: dict[int, list[int]],
            tied: set[tuple[int, int]], dismissed: set[tuple[int, int]],
            person: int | None = None, limit: int = 50) -> list[Suggestion]:
    """Up to `limit` suggestions, colleagues first, then co-attendees (each pair once); only
    those involving `person` when given. Groups are walked lazily, so a large contact base
    stops at the limit."""
    seen = set(tied) | set(dismissed)
    found: list[Suggestion] = []

    def walk(groups: dict[int, list[int]], strength: int, why: str) -> Iterator[Suggestion]:
        for where, members in sorted(groups.items()):
            members = sorted(set(members))
            pairs: Iterable[tuple[int, int]]
            if person is not None:
                if person not in members:
                    continue
                pairs = (pair(person, m) for m in members if m != person)
            else:
                pairs = combinations(members, 2)
            for a, b in pairs:
                yield Suggestion(a, b, strength, why, where)

    found += _take(walk(colleagues, COLLEAGUE_STRENGTH, "colleagues"), seen, limit)
    if len(found) < limit:
        found += _take(walk(attendance, CO_ATTENDEE_STRENGTH, "attended"), seen, limit - len(found))
    return found


def _take(suggestions: Iterator[Suggestion], seen: set, limit: int) -> list[Suggestion]:
    out = []
    for s in suggestions:
        key = (s.first, s.second)
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
        if len(out) >= limit:
            break
    return out
