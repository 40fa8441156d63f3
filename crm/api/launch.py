"""API endpoints for the launch meeting and after (issue 14): a meeting with its attendance,
and marking attendance at the door (the same service as the page: walk-ins come in as members,
the outreach plan reconciles on commit)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from pydantic import BaseModel, Field

from crm.accounts.access import visible_person
from crm.api import bp
from crm.api.outreach import MeetingOut, meeting_json
from crm.api.spec import document
from crm.api.util import ApiError, Body, ok, parse
from crm.extensions import db
from crm.ids import Id
from crm.launch import services as launch
from crm.launch.attendance import Room
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404
from crm.partnerships.models import Meeting


class AttendanceOut(BaseModel):
    present: list[int] = Field(description="people marked present (walk-ins included)")
    no_show: list[int] = Field(description="invited and not present, once the meeting has started")
    employers: int = Field(description="employers present (their organization is an employer)")
    community: int = Field(description="community partners present")
    business_led_ratio: float = Field(description="employers / (employers + community) present; 0 for an empty room")


class MeetingDetailOut(MeetingOut):
    attendance: AttendanceOut


class AttendanceIn(Body):
    """Mark one person present or not. Someone not invited who is marked present comes in as a
    walk-in (and a member of the partnership, if not one); the person must be visible to you."""

    person_id: Id
    present: bool


def attendance_json(room: Room) -> dict:
    return AttendanceOut(present=list(room.present), no_show=list(room.no_show), employers=room.employers,
                         community=room.community, business_led_ratio=room.ratio).model_dump(mode="json")


def meeting_detail_json(meeting: Meeting) -> dict:
    return {**meeting_json(meeting), "attendance": attendance_json(launch.room_of(meeting))}


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
    meeting = get_meeting_or_404(meeting_id)
    if not can_act_on_tasks(current_user, meeting.partnership_id):
        abort(403)
    data = parse(AttendanceIn)
    person = visible_person(current_user, data.person_id)
    if person is None:
        raise ApiError(400, "invalid", "No such person (or they are archived).", {"person_id": ["not found"]})
    try:
        launch.set_present(meeting, person, data.present, current_user.id)
    except launch.AttendanceError as error:
        raise ApiError(400, "invalid", str(error), {"person_id": [str(error)]}) from None
    db.session.commit()
    return ok(meeting_detail_json(meeting))
