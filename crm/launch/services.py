"""Attendance at the launch's door: the door list, marking people present (walk-ins added on
the spot) and the room they make. Flush only; the request commits, and committing runs the
outreach plan's reconcile step (crm/outreach/reconcile.py's hook watches invitations and
memberships), so attendees get their steps and attended asks close at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.contacts import services as contacts
from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import attendance
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Meeting, Membership, StageChange
from crm.rules import LAUNCH_HOURS
from crm.timeutil import as_utc, utcnow

#: the reason recorded on a member's move to "attended" at the door (undone when unmarked)
DOOR_REASON = "marked present at the door"
#: stages the door leaves alone when someone is marked present (already past attending)
PAST_ATTENDING = ("attended", "champion")


class AttendanceError(ValueError):
    """Input the door cannot use (the message says why)."""


def started(meeting: Meeting) -> bool:
    """The meeting has begun: from then on, invitees not marked present are no-shows."""
    return as_utc(meeting.starts_at) <= utcnow()


def over(meeting: Meeting) -> bool:
    """The meeting has ended (its end, or `rules.LAUNCH_HOURS` after its start): the door is
    closed, so the plan reconnects with the invitees not marked present."""
    end = as_utc(meeting.ends_at) if meeting.ends_at else as_utc(meeting.starts_at) + timedelta(hours=LAUNCH_HOURS)
    return end <= utcnow()


def _invitations(meeting: Meeting) -> list[Invitation]:
    return db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id).options(
        selectinload(Invitation.person).selectinload(Person.organisation))).all()


def _roles(meeting: Meeting) -> dict[int, str]:
    return dict(db.session.execute(select(Membership.person_id, Membership.role).where(
        Membership.partnership_id == meeting.partnership_id)).all())


def _seat(inv: Invitation, roles: dict[int, str]) -> attendance.Seat:
    org = inv.person.organisation
    return attendance.Seat(inv.person_id, inv.person.name, None if inv.walk_in else inv.response,
                           bool(inv.attended), attendance.side_of(org.side if org else None, roles.get(inv.person_id)),
                           inv.walk_in)


def _seats(meeting: Meeting) -> tuple[list[attendance.Seat], dict[int, Person]]:
    invitations = [i for i in _invitations(meeting) if i.person.archived_at is None]
    roles = _roles(meeting)
    return [_seat(i, roles) for i in invitations], {i.person_id: i.person for i in invitations}


def door(meeting: Meeting) -> tuple[list[tuple[attendance.Seat, Person]], attendance.Room]:
    """The door list in the door's order (each seat with its person) and the room it makes."""
    seats, people = _seats(meeting)
    return [(s, people[s.person_id]) for s in attendance.door_order(seats)], attendance.room(seats, started(meeting))


def plan_room(meeting: Meeting) -> attendance.Room:
    """The room as the outreach plan reads it: its no-shows only once the meeting is over (a
    door still open makes no reconnect step for someone about to walk in)."""
    return attendance.room(_seats(meeting)[0], over(meeting))


def room_of(meeting: Meeting) -> attendance.Room:
    return door(meeting)[1]


def _last_door_move(membership: Membership) -> StageChange | None:
    last = db.session.scalar(select(StageChange).where(StageChange.membership_id == membership.id)
                             .order_by(StageChange.id.desc()).limit(1))
    return last if last is not None and last.to_stage == "attended" and last.reason == DOOR_REASON else None


def set_present(meeting: Meeting, person: Person, present: bool, user_id: int | None = None) -> Invitation | None:
    """Mark someone present (a walk-in if they were not invited: invited on the spot, and made a
    member of the partnership if they were not one) or not present. Their membership moves to
    "attended" when marked, and back where it was when unmarked (only if the door moved it)."""
    if person.archived_at is not None or person.merged_into_id is not None:
        raise AttendanceError(partnerships.NO_SUCH_PERSON)
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                            Invitation.person_id == person.id))
    membership = partnerships.membership_of(meeting.partnership_id, person.id)
    if present:
        if invitation is None:
            invitation = Invitation(meeting_id=meeting.id, person_id=person.id, response="accepted", walk_in=True)
            db.session.add(invitation)
        invitation.attended = True
        if membership is None:
            role = "community_partner" if person.organisation and person.organisation.side == "community" else "member"
            membership = partnerships.add_member(meeting.partnership, person.id, role, "candidate", user_id)
        if membership.stage not in PAST_ATTENDING:
            partnerships.move_stage(membership, "attended", user_id, DOOR_REASON)
    elif invitation is not None:
        if invitation.walk_in:
            db.session.delete(invitation)
            invitation = None
        else:
            invitation.attended = False
        move = _last_door_move(membership) if membership is not None and membership.stage == "attended" else None
        if move is not None:
            partnerships.move_stage(membership, move.from_stage or "candidate", user_id, "unmarked at the door")
    db.session.flush()
    return invitation


def add_walk_in(meeting: Meeting, name: str, organisation_name: str | None = None, side: str | None = None,
                email: str | None = None, user_id: int | None = None) -> Person:
    """Someone nobody had on file, at the door: a new person (at the organisation of that name,
    created on the side given if it is new), marked present."""
    name = (name or "").strip()
    if not name:
        raise AttendanceError("Type the walk-in's name (or pick them from the matches).")
    if len(name) > 200:
        raise AttendanceError("That name is too long (200 characters at most).")
    org = None
    organisation_name = (organisation_name or "").strip()
    if organisation_name:
        org = contacts.find_organisation(organisation_name)
        if org is None:
            if side not in (attendance.EMPLOYER, attendance.COMMUNITY):
                raise AttendanceError(f"{organisation_name} is new: say whether it is an employer or a "
                                      "community partner.")
            org = contacts.save_organisation(None, {"name": organisation_name, "side": side,
                                                    "kind": "employer" if side == attendance.EMPLOYER else "other"})
    person = contacts.save_person(None, {"name": name, "email": email or None,
                                         "organisation_id": org.id if org else None})
    set_present(meeting, person, True, user_id)
    return person

