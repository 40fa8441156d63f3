"""API endpoints for the launch meeting and after (issue 14): a meeting with its attendance,
marking attendance at the door (the same service as the page: walk-ins come in as members, the
outreach plan reconciles on commit), priority areas with their notes and champions, each area's
champion call recorded as a meeting of the area."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from pydantic import BaseModel, Field

from crm.accounts.access import get_partnership_or_404, visible_person
from crm.api import bp
from crm.api.outreach import MeetingOut, WarningOut, meeting_json
from crm.api.spec import document
from crm.api.util import ApiError, Body, ok, parse
from crm.extensions import db
from crm.ids import Id
from crm.launch import areas as area_rules
from crm.launch import champion_calls, priorities
from crm.launch import services as launch
from crm.launch.access import get_area_or_404, get_door_meeting_or_404
from crm.launch.attendance import Room
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404
from crm.partnerships.models import Meeting, PriorityArea
from crm.timeutil import DateTime


class AttendanceOut(BaseModel):
    present: list[int] = Field(description="people marked present (walk-ins included)")
    no_show: list[int] = Field(description="invited and not present, once the meeting has started")
    employers: int = Field(description="employers present (their organization is an employer)")
    community: int = Field(description="community partners present")
    business_led_ratio: float = Field(description="employers / (employers + community) present; 0 for an empty room")


class MeetingDetailOut(MeetingOut):
    attendance: AttendanceOut
    notes: str | None = None
    next_steps: str | None = Field(default=None, description="what the meeting agreed to do next (a champion call's)")


class AttendanceIn(Body):
    """Mark one person present or not. Someone not invited who is marked present comes in as a
    walk-in (and a member of the partnership, if not one); the person must be visible to you."""

    person_id: Id
    present: bool


def attendance_json(room: Room) -> dict:
    return AttendanceOut(present=list(room.present), no_show=list(room.no_show), employers=room.employers,
                         community=room.community, business_led_ratio=room.ratio).model_dump(mode="json")


def meeting_detail_json(meeting: Meeting) -> dict:
    return {**meeting_json(meeting), "attendance": attendance_json(launch.room_of(meeting)), "notes": meeting.notes,
            "next_steps": meeting.next_steps}


def _body_person(person_id: int, field: str = "person_id"):
    """The person a body names (in `field`), if the caller may see them; 400 as for a missing
    one otherwise."""
    person = visible_person(current_user, person_id)
    if person is None:
        raise ApiError(400, "invalid", "No such person (or they are archived).", {field: ["not found"]})
    return person


@bp.get("/meetings/<int:meeting_id>")
@document("get", "/meetings/{meeting_id}", tag="outreach", response=MeetingDetailOut,
          summary="A meeting with its attendance: present, invited no-shows, the room's business-led ratio")
def get_meeting(meeting_id: int):
    """One meeting and its attendance (anyone who sees the partnership)."""
    return ok(meeting_detail_json(get_meeting_or_404(meeting_id)))


@bp.post("/meetings/<int:meeting_id>/attendance")
@document("post", "/meetings/{meeting_id}/attendance", tag="outreach", body=AttendanceIn,
          response=MeetingDetailOut, summary="Mark a person present or not at a meeting (walk-ins included)")
def mark_attendance(meeting_id: int):
    """Take attendance (staff of the partnership and its chairs)."""
    meeting = get_door_meeting_or_404(meeting_id)
    data = parse(AttendanceIn)
    person = _body_person(data.person_id)
    try:
        launch.set_present(meeting, person, data.present, current_user.id)
    except launch.AttendanceError as error:
        raise ApiError(400, "invalid", str(error), {"person_id": [str(error)]}) from None
    db.session.commit()
    return ok(meeting_detail_json(meeting))


# --- priority areas and champions (items 2 and 4) -------------------------------------------

class PriorityAreaOut(BaseModel):
    id: int
    partnership_id: int
    name: str
    description: str | None
    opportunities: list[str]
    requirements: list[str]
    champion_ids: list[int]
    lead_id: int | None = Field(description="the lead champion (one at most)")
    is_priority: bool = Field(description="false while nobody has put their name on it: not a priority now")
    warnings: list[WarningOut] = Field(default_factory=list, description="lead_not_employer: the lead champion "
                                       "is not an employer (the area's champion call is employers only)")


class PriorityAreaIn(Body):
    """A new priority area with the wall's notes (blank notes dropped, each note once; at most
    50 of each kind, 500 characters each). The name is unique in the partnership."""

    name: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10000)
    opportunities: list[str] = Field(default_factory=list, max_length=200)
    requirements: list[str] = Field(default_factory=list, max_length=200)


class ChampionIn(Body):
    """Someone puts their name on the area; `lead` makes them its lead (the old lead stays a
    champion). The person must be visible to you; they become a member at stage champion."""

    person_id: Id
    lead: bool = False


def area_json(area: PriorityArea) -> dict:
    champions = priorities.champions_of(area)
    return PriorityAreaOut(
        id=area.id, partnership_id=area.partnership_id, name=area.name, description=area.description,
        opportunities=priorities.notes_of(area, "opportunity"), requirements=priorities.notes_of(area, "requirement"),
        champion_ids=[c.person_id for c in champions], lead_id=area_rules.lead_of(champions),
        is_priority=area_rules.is_priority(champions),
        warnings=[w.as_dict() for w in champion_calls.area_warnings(area)]).model_dump(mode="json")


def _refuse(error: priorities.AreaError):
    raise ApiError(400, "invalid", str(error), {error.field: [str(error)]}) from None


@bp.get("/partnerships/<int:partnership_id>/priority-areas")
@document("get", "/partnerships/{partnership_id}/priority-areas", tag="partnerships", response=PriorityAreaOut,
          response_list=True, summary="A partnership's priority areas: notes, champions, lead, whether a priority now")
def list_priority_areas(partnership_id: int):
    """A partnership's priority areas (anyone who sees it)."""
    get_partnership_or_404(partnership_id)
    return ok([area_json(a) for a in priorities.areas_of(partnership_id)])


@bp.post("/partnerships/<int:partnership_id>/priority-areas")
@document("post", "/partnerships/{partnership_id}/priority-areas", tag="partnerships", body=PriorityAreaIn,
          response=PriorityAreaOut, status=201, summary="Add a priority area with its opportunities and requirements")
def create_priority_area(partnership_id: int):
    """Add a priority area (staff of the partnership and its chairs)."""
    partnership = get_partnership_or_404(partnership_id)
    if not can_act_on_tasks(current_user, partnership.id):
        abort(403)
    data = parse(PriorityAreaIn)
    try:
        area = priorities.create_area(partnership, data.name, data.opportunities, data.requirements, data.description)
    except priorities.AreaError as error:
        _refuse(error)
    db.session.commit()
    return ok(area_json(area), 201)


@bp.post("/priority-areas/<int:area_id>/champions")
@document("post", "/priority-areas/{area_id}/champions", tag="partnerships", body=ChampionIn,
          response=PriorityAreaOut, summary="Put a champion's name on a priority area (several, one lead)")
def add_priority_champion(area_id: int):
    """Add a champion to an area (staff of the partnership and its chairs)."""
    area = get_area_or_404(area_id)
    data = parse(ChampionIn)
    person = _body_person(data.person_id)
    try:
        priorities.add_champion(area, person, data.lead, current_user.id)
    except priorities.AreaError as error:
        _refuse(error)
    db.session.commit()
    return ok(area_json(area))


# --- the champion call of a priority area (item 4) ------------------------------------------

class ChampionCallIn(Body):
    """The area's champion call as held (today or earlier): who was on it (`present_ids`, at least
    one; people the caller may see). The area's employer champions are invited; anyone else is
    recorded as on the call and, not being an employer, flagged in `warnings` (the workbook's
    calls are employers only). Creates the call, or replaces the one recorded; closes the plan's
    champion-call step as done."""

    starts_at: DateTime
    ends_at: DateTime | None = Field(default=None, description="after starts_at")
    present_ids: list[Id] = Field(min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=10000)
    next_steps: str | None = Field(default=None, max_length=10000)


@bp.put("/priority-areas/<int:area_id>/champion-call")
@document("put", "/priority-areas/{area_id}/champion-call", tag="partnerships", body=ChampionCallIn,
          response=MeetingDetailOut, summary="Record (or replace) a priority area's champion call: who was on it, "
                                             "notes, next steps")
def record_champion_call(area_id: int):
    """Record the area's champion call (staff of the partnership and its chairs)."""
    area = get_area_or_404(area_id)
    data = parse(ChampionCallIn)
    people = []
    for person_id in dict.fromkeys(data.present_ids):
        person = visible_person(current_user, person_id)
        if person is None:
            raise ApiError(400, "invalid", "No such person (or they are archived).", {"present_ids": ["not found"]})
        people.append(person)
    try:
        meeting = champion_calls.record_call(area, data.starts_at, people, data.notes, data.next_steps, data.ends_at,
                                             current_user.id)
    except (champion_calls.CallError, launch.AttendanceError) as error:
        field = getattr(error, "field", "person_id")
        field = "present_ids" if field == "person_id" else field
        raise ApiError(400, "invalid", str(error), {field: [str(error)]}) from None
    db.session.commit()
    return ok(meeting_detail_json(meeting))
