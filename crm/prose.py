"""Lists and names as a letter writes them (pure: no Flask, no SQLAlchemy).

"Robin Fox and Karen Lee", "Larimer, Weld and Boulder counties", "Dear Karen": the workbook's
sample invitation (section C) is a letter between people, not a form filled from a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

#: Words before a first name that are not one ("Dr. Jane Roe" is greeted "Dear Jane").
HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir", "dame", "rev"})


def day(value: date | None) -> str:
    """A day as every page shows it to a person: "Sun 13 Dec 2026" (the task lists' format).
    APIs and <time datetime> attributes keep ISO; this is for reading."""
    return value.strftime("%a %d %b %Y") if value else ""


def and_list(items: Iterable[str]) -> str:
    """"A", "A and B", "A, B and C" (no serial comma, as the workbook writes)."""
    items = [i.strip() for i in items if i and i.strip()]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + " and " + items[-1]


def counties(names: Iterable[str]) -> str:
    """"Larimer County", "Larimer and Weld counties", "Larimer, Weld and Boulder counties".
    Names already ending in "County" are not doubled."""
    bare = []
    for name in names:
        name = " ".join((name or "").split())
        if name.lower().endswith(" county"):
            name = name[: -len(" county")]
        elif name.lower().endswith(" counties"):
            name = name[: -len(" counties")]
        if name and name.lower() not in {b.lower() for b in bare}:
            bare.append(name)
    if not bare:
        return ""
    return and_list(bare) + (" County" if len(bare) == 1 else " counties")


def first_name(full_name: str | None) -> str:
    """The name a letter greets: the first word that is not an honorific ("Dr. Jane Roe" ->
    "Jane"); the whole name when there is nothing else."""
    words = (full_name or "").split()
    for word in words:
        if word.rstrip(".").lower() not in HONORIFICS:
            return word
    return " ".join(words)


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 priority", "2 priorities", "3 messages", "2 boxes": the count and the word in the form
    the count needs (`many` for an irregular plural)."""
    if count == 1:
        return f"{count} {word}"
    if many is None:
        lower = word.lower()
        if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
            many = word[:-1] + "ies"
        elif lower.endswith(("s", "x", "z", "ch", "sh")):
            many = word + "es"
        else:
            many = word + "s"
    return f"{count} {many}"
