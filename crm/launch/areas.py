"""Priority areas and their champions, as pure rules (the workbook, section C, "Commitments":
champions put their names on the strategy areas; "a strategy area with no names is not a
priority now"; D: a lead employer champion leads each priority's team). No Flask, no
SQLAlchemy: plain data in, plain data out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crm.rules import WALL_AREAS_HIGH, WALL_AREAS_LOW

#: what the page and the API say of an area nobody put their name on
NOT_A_PRIORITY = "Not a priority now"
#: the most notes of each kind one area takes in one save (a wall has a few each)
MAX_NOTES = 50
#: the longest note (the wall's notes are short)
MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class Champion:
    person_id: int
    lead: bool = False


def is_priority(champions: Iterable[Champion]) -> bool:
    """An area is a priority while at least one champion has put their name on it."""
    return any(True for _ in champions)


def lead_of(champions: Iterable[Champion]) -> int | None:
    """The area's lead champion (one at most), or None."""
    return next((c.person_id for c in champions if c.lead), None)


def with_champion(champions: Iterable[Champion], person_id: int, lead: bool) -> list[Champion]:
    """The champions after `person_id` puts their name on the area (as its lead, if `lead`):
    several champions, one lead: a new lead takes the role from the old one, who stays a
    champion; someone already there keeps their place (and becomes lead if asked)."""
    out, found = [], False
    for c in champions:
        if c.person_id == person_id:
            found = True
            out.append(Champion(person_id, lead or c.lead))
        else:
            out.append(Champion(c.person_id, c.lead and not lead))
    if not found:
        out.append(Champion(person_id, lead))
    return out


def without_champion(champions: Iterable[Champion], person_id: int) -> list[Champion]:
    """The champions after `person_id` takes their name off the area. A lead who leaves leaves
    the area without a lead (nobody is made lead without saying so); the last one leaving makes
    the area not a priority now."""
    return [c for c in champions if c.person_id != person_id]


def wall_hint(area_count: int, unsorted: int) -> str | None:
    """What the wall says of its clustering (the workbook, C: "cluster into 4-5 strategy
    areas"): too many areas, or notes still waiting for too few; None when it is fine."""
    if area_count > WALL_AREAS_HIGH:
        return (f"{area_count} areas: the workbook clusters into {WALL_AREAS_LOW}-{WALL_AREAS_HIGH}. "
                "Merge the closest ones.")
    if unsorted and area_count < WALL_AREAS_LOW:
        return (f"{unsorted} note{'s' if unsorted != 1 else ''} to sort: cluster them into "
                f"{WALL_AREAS_LOW}-{WALL_AREAS_HIGH} strategy areas.")
    return None


def clean_line(text: str | None) -> str:
    """One line as saved (a note, an area's name, a plan's text): control characters dropped,
    not turned into spaces (nobody types one; tab aside), then spaces collapsed."""
    return " ".join("".join(ch for ch in text or "" if ch == "\t" or unicodedata.category(ch) != "Cc").split())


def clean_notes(lines: Iterable[str]) -> list[str]:
    """The notes as saved: stripped, blank ones dropped, each once (first spelling kept)."""
    out, seen = [], set()
    for line in lines:
        text = clean_line(line)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def note_problems(notes: list[str]) -> list[str]:
    """Why a list of notes cannot be saved (empty: it can)."""
    problems = []
    if len(notes) > MAX_NOTES:
        problems.append(f"At most {MAX_NOTES} notes of each kind.")
    if any(len(n) > MAX_NOTE_CHARS for n in notes):
        problems.append(f"A note is at most {MAX_NOTE_CHARS} characters: keep them short, as on the wall.")
    return problems
