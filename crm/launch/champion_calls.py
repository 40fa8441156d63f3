"""A priority area's champion call, recorded as a meeting of that area (issue 14 item 4): kind
champion_call with the area's id, who was on it (through the door's attendance,
crm.launch.services: the area's employer champions invited, anyone else who joined added as a
walk-in), notes and next steps. Recording it closes the plan's champion_call step as done
(crm.outreach.reconcile reads the area's call). Flush only; the request commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from crm.contacts import services as contacts
from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import calls
from crm.launch import services as door
from crm.outreach import guardrails
from crm.outreach import services as outreach
from crm.partnerships.models import Invitation, Meeting, PriorityArea
from crm.timeutil import as_utc, local, utcnow

#: the longest notes or next steps a call keeps
MAX_TEXT = 10000


class CallError(ValueError):
    """Input a call cannot take; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "starts_at"):
        super().__init__(message)
        self.field = field


def side_of(person: Person | None) -> str | None:
    return person.organisation.side if person is not None and person.organisation else None


def champions_of(area: PriorityArea) -> list[calls.Champion]:
    return [calls.Champion(c.person_id, side_of(c.person), bool(c.lead)) for c in area.champions]


def call_of(area: PriorityArea) -> Meeting | None:
    """The area's champion call (the first recorded), or None."""
    return db.session.scalar(select(Meeting).where(Meeting.kind == "champion_call", Meeting.priority_area_id == area.id)
                             .order_by(Meeting.starts_at, Meeting.id).limit(1))


def area_warnings(area: PriorityArea) -> list[guardrails.Warning]:
    """A lead champion who is not an employer (the area's call is employers only)."""
    lead = next((c for c in area.champions if c.lead), None)
    return guardrails.area_warnings(lead is not None, side_of(lead.person if lead else None) == calls.EMPLOYER)


def call_list(area: PriorityArea, meeting: Meeting | None) -> list[tuple[Person, bool, bool]]:
    """Who the call's form lists, as (person, on the call, is an employer): the area's employer
    champions (the lead first), then anyone else recorded on the call."""
    people = {c.person_id: c.person for c in area.champions}
    present = set()
    if meeting is not None:
        for seat, person in door.door(meeting)[0]:
            people.setdefault(seat.person_id, person)
            if seat.present:
                present.add(seat.person_id)
    order = list(calls.invitees(champions_of(area)))
    order += [pid for pid in present if pid not in order]
    return [(people[pid], pid in present, side_of(people[pid]) == calls.EMPLOYER) for pid in order
            if people[pid].archived_at is None]


def record_call(area: PriorityArea, starts_at: datetime, on_call: list[Person], notes: str | None = None,
                next_steps: str | None = None, ends_at: datetime | None = None,
                user_id: int | None = None) -> Meeting:
    """Create or edit the area's champion call: its time, who was on it (the people given; the
    area's employer champions not given are recorded as not there), notes and next steps."""
    partnership = area.partnership
    today = local(utcnow(), partnership.timezone).date()
    problem = calls.date_problem(local(starts_at, partnership.timezone).date(), today)
    if problem:
        raise CallError(problem)
    if ends_at is not None and as_utc(ends_at) <= as_utc(starts_at):
        raise CallError("The call must end after it starts.", "ends_at")
    if not on_call:
        raise CallError("Tick who was on the call.", "person_id")
    for name, text in (("notes", notes), ("next_steps", next_steps)):
        if text and len(text) > MAX_TEXT:
            raise CallError(f"At most {MAX_TEXT} characters.", name)
    meeting = call_of(area)
    if meeting is None:
        meeting = outreach.create_meeting(partnership, starts_at, "champion_call", title=f"Champion call: {area.name}",
                                          ends_at=ends_at)
        meeting.priority_area_id = area.id
    else:
        meeting.starts_at, meeting.ends_at = as_utc(starts_at), as_utc(ends_at) if ends_at else None
        meeting.date_set_at = utcnow()
    meeting.notes, meeting.next_steps = contacts.clean(notes), contacts.clean(next_steps)
    invited = {i.person_id for i in meeting.invitations}
    for pid in calls.invitees(champions_of(area)):
        if pid not in invited:
            meeting.invitations.append(Invitation(person_id=pid, response="accepted"))
    db.session.flush()
    wanted = {p.id for p in on_call}
    for person in on_call:
        door.set_present(meeting, person, True, user_id)
    for seat, person in door.door(meeting)[0]:
        if seat.present and seat.person_id not in wanted:
            door.set_present(meeting, person, False, user_id)
    db.session.flush()
    return meeting
