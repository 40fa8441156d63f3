"""Priority areas entered after the launch (issue 14 items 2 and 4): the wall's opportunities
and requirements per area, and the champions who put their names on it (several, one lead).
Flush only; the request commits, and committing runs the outreach plan's reconcile hook
(areas and champions are watched), so each area with a champion gets its champion call,
owned by the lead, at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import areas as rules
from crm.partnerships import services as partnerships
from crm.partnerships.models import Partnership, PriorityArea, PriorityChampion, PriorityNote

#: stages that putting one's name on an area moves to "champion" (not those declined or not now)
TO_CHAMPION = ("candidate", "suggested", "approved", "ask_assigned", "asked", "accepted", "attended")


class AreaError(ValueError):
    """Input an area cannot take; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "name"):
        super().__init__(message)
        self.field = field


def areas_of(partnership_id: int) -> list[PriorityArea]:
    """A partnership's areas with their notes and champions (and the champions' people)."""
    return db.session.scalars(select(PriorityArea).where(PriorityArea.partnership_id == partnership_id)
                              .options(selectinload(PriorityArea.notes),
                                       selectinload(PriorityArea.champions).selectinload(PriorityChampion.person)
                                       .selectinload(Person.organisation))
                              .order_by(PriorityArea.id)).all()


def champions_of(area: PriorityArea) -> list[rules.Champion]:
    return [rules.Champion(c.person_id, bool(c.lead)) for c in area.champions]


def notes_of(area: PriorityArea, kind: str) -> list[str]:
    return [n.text for n in area.notes if n.kind == kind]


def area_name(partnership: Partnership, name: str, renaming: PriorityArea | None = None) -> str:
    """An area's name as saved (spaces tidied), if the partnership has no other area of that name."""
    name = rules.clean_line(name)
    if not name:
        raise AreaError("Name the area (e.g. \"Talent pipeline\").")
    if len(name) > 300:
        raise AreaError("An area's name is at most 300 characters.")
    others = db.session.scalars(select(PriorityArea).where(PriorityArea.partnership_id == partnership.id)).all()
    if any(a.name.casefold() == name.casefold() and a is not renaming for a in others):
        raise AreaError(f"{partnership.name} already has an area named {name}.")
    return name


def create_area(partnership: Partnership, name: str, opportunities=(), requirements=(),
                description: str | None = None) -> PriorityArea:
    """A new area with its notes (cleaned: blank lines dropped, each note once)."""
    name = area_name(partnership, name)
    notes = {}
    for kind, lines in (("opportunity", opportunities), ("requirement", requirements)):
        notes[kind] = rules.clean_notes(lines)
        problems = rules.note_problems(notes[kind])
        if problems:
            raise AreaError(" ".join(problems), "opportunities" if kind == "opportunity" else "requirements")
    area = partnerships.add_priority_area(partnership, name, description=(description or "").strip() or None)
    area.notes = [PriorityNote(partnership_id=partnership.id, kind=kind, text=text)
                  for kind, texts in notes.items() for text in texts]
    db.session.flush()
    return area


def add_champion(area: PriorityArea, person: Person, lead: bool = False, user_id: int | None = None) -> PriorityArea:
    """`person` puts their name on the area (as its lead, if `lead`: the old lead stays a
    champion). They become a member of the partnership at stage champion if they were not past it."""
    if person.archived_at is not None or person.merged_into_id is not None:
        raise AreaError(partnerships.NO_SUCH_PERSON, "person_id")
    wanted = {c.person_id: c.lead for c in rules.with_champion(champions_of(area), person.id, lead)}
    for row in area.champions:
        row.lead = wanted[row.person_id]
    if person.id not in {c.person_id for c in area.champions}:
        area.champions.append(PriorityChampion(person_id=person.id, lead=wanted[person.id]))
    membership = partnerships.membership_of(area.partnership_id, person.id)
    if membership is None:
        partnerships.add_member(area.partnership, person.id, "champion", "champion", user_id)
    elif membership.stage in TO_CHAMPION:
        partnerships.move_stage(membership, "champion", user_id, f"champion of {area.name}")
    db.session.flush()
    return area
