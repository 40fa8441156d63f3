"""Likely duplicate people, from plain data: the same email, or similar names at the same
organisation (or with no organisation). Pure: no Flask, no database."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

#: how alike two normalised names must be (0..1) to be shown as a likely pair
NAME_SIMILARITY = 0.85


@dataclass(frozen=True)
class Candidate:
    id: int
    name_key: str
    email: str | None
    organisation_id: int | None


@dataclass(frozen=True)
class Pair:
    first: int
    second: int
    reason: str
    score: float


def similar_names(a: str, b: str) -> float:
    """0..1: equal keys 1; same tokens in another order 0.97; initials ('j smith') 0.9;
    else the sequence ratio."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    if sorted(ta) == sorted(tb):
        return 0.97
    if len(ta) >= 2 and len(tb) >= 2 and ta[-1] == tb[-1] and ta[0][0] == tb[0][0] and (
            len(ta[0]) == 1 or len(tb[0]) == 1 or ta[0].startswith(tb[0]) or tb[0].startswith(ta[0])):
        return 0.9
    return SequenceMatcher(None, a, b).ratio()


def likely_pairs(people: list[Candidate], limit: int = 500) -> list[Pair]:
    """Pairs worth a look, most certain first (each pair once, lower id first)."""
    found: dict[tuple[int, int], Pair] = {}

    def add(x: Candidate, y: Candidate, reason: str, score: float) -> None:
        key = (min(x.id, y.id), max(x.id, y.id))
        if key not in found or found[key].score < score:
            found[key] = Pair(key[0], key[1], reason, score)

    by_email: dict[str, list[Candidate]] = defaultdict(list)
    by_org: dict[int | None, list[Candidate]] = defaultdict(list)
    for p in people:
        if p.email:
            by_email[p.email.strip().lower()].append(p)
        by_org[p.organisation_id].append(p)
    for email, group in by_email.items():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                add(x, y, f"same email {email}", 1.0)
    for org_id, group in by_org.items():
        if len(group) > 2000:  # a huge bucket (people without organisation): exact names only
            by_name: dict[str, list[Candidate]] = defaultdict(list)
            for p in group:
                by_name[p.name_key].append(p)
            for same in by_name.values():
                for i, x in enumerate(same):
                    for y in same[i + 1:]:
                        add(x, y, "same name, no organisation", 0.95)
            continue
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                score = similar_names(x.name_key, y.name_key)
                if score >= NAME_SIMILARITY:
                    where = "at the same organisation" if org_id else "without organisation"
                    add(x, y, f"similar names {where}", score * 0.95)
    return sorted(found.values(), key=lambda p: (-p.score, p.first, p.second))[:limit]
