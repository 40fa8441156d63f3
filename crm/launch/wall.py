"""The launch's commitments wall (issue 14 item 2): opportunities and requirements captured as
short notes first, on the partnership's wall (at its launch meeting), then clustered into 4-5
priority areas; areas created and renamed on the wall, champions' names put on and taken off.
Flush only; the request commits (and the outreach plan reconciles areas and champions then)."""

from __future__ import annotations

from sqlalchemy import select

from crm.extensions import db
from crm.launch import areas as rules
from crm.launch import priorities
from crm.launch.priorities import AreaError
from crm.partnerships.models import Meeting, Partnership, PriorityArea, PriorityNote
from crm.vocab import NOTE_KINDS, values


def notes_of(partnership_id: int) -> list[PriorityNote]:
    """Every note on the partnership's wall, sorted or not, oldest first."""
    return db.session.scalars(select(PriorityNote).where(PriorityNote.partnership_id == partnership_id)
                              .order_by(PriorityNote.id)).all()


def unsorted(notes: list[PriorityNote]) -> list[PriorityNote]:
    return [n for n in notes if n.priority_area_id is None]


def check_area(partnership: Partnership, area: PriorityArea | None) -> PriorityArea | None:
    """The area a note goes to, if it is one of this partnership's (None: back to unsorted)."""
    if area is not None and area.partnership_id != partnership.id:
        raise AreaError("No such priority area.", "priority_area_id")
    return area


def add_notes(partnership: Partnership, kind: str, lines, meeting: Meeting | None = None,
              area: PriorityArea | None = None) -> list[PriorityNote]:
    """New notes on the wall (one a line: cleaned, blank ones dropped, each once; a note already
    on the wall with the same text and kind is not written twice), unsorted unless `area`."""
    if kind not in values(NOTE_KINDS):
        raise AreaError("A note is an opportunity or a requirement.", "kind")
    if meeting is not None and meeting.partnership_id != partnership.id:
        raise AreaError("No such meeting.", "meeting_id")
    area = check_area(partnership, area)
    texts = rules.clean_notes(lines)
    if not texts:
        raise AreaError("Write the note (a few words).", "text")
    problems = rules.note_problems(texts)
    if problems:
        raise AreaError(" ".join(problems), "text")
    there = {n.text.casefold() for n in notes_of(partnership.id) if n.kind == kind}
    added = [PriorityNote(partnership_id=partnership.id, meeting_id=meeting.id if meeting else None,
                          priority_area=area, kind=kind, text=t) for t in texts if t.casefold() not in there]
    db.session.add_all(added)
    db.session.flush()
    return added


def move_note(note: PriorityNote, area: PriorityArea | None) -> PriorityNote:
    """Cluster a note into an area of its partnership (None: back to the unsorted pile)."""
    note.priority_area = check_area(note_partnership(note), area)
    db.session.flush()
    return note


def edit_note(note: PriorityNote, text: str) -> PriorityNote:
    """Rewrite a note's text (cleaned as new notes are)."""
    texts = rules.clean_notes([text or ""])
    if not texts:
        raise AreaError("Write the note (a few words).", "text")
    problems = rules.note_problems(texts)
    if problems:
        raise AreaError(" ".join(problems), "text")
    note.text = texts[0]
    db.session.flush()
    return note


def remove_note(note: PriorityNote) -> None:
    """Take a note off the wall (the audit log keeps it)."""
    db.session.delete(note)
    db.session.flush()


def note_partnership(note: PriorityNote) -> Partnership:
    return db.session.get(Partnership, note.partnership_id)


def rename_area(area: PriorityArea, name: str) -> PriorityArea:
    """A new name for an area (unique in its partnership, as a new area's)."""
    area.name = priorities.area_name(area.partnership, name, area)
    db.session.flush()
    return area


def remove_champion(area: PriorityArea, person_id: int) -> PriorityArea:
    """`person_id` takes their name off the area. Their membership stays where it is (the
    pipeline keeps its history); a lead leaving leaves no lead; the last leaving makes the area
    not a priority now (the plan's reconcile then drops its champion call)."""
    wanted = {c.person_id: c.lead for c in rules.without_champion(priorities.champions_of(area), person_id)}
    if len(wanted) == len(area.champions):
        raise AreaError("They had not put their name on this area.", "person_id")
    for row in list(area.champions):
        if row.person_id not in wanted:
            area.champions.remove(row)
    db.session.flush()
    return area
