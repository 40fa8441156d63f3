"""API endpoints for the launch's commitments wall (issue 14 items 2 and 6): the wall's notes
(captured first, clustered into priority areas after: the area is optional) and the referrals
attendees name (a person, matched if known; a `referred` tie; a candidate membership). The same
services as the page (crm/launch/wall.py, referrals.py)."""

from __future__ import annotations

from typing import Literal

from flask import abort
from flask_login import current_user
from pydantic import BaseModel, Field

from crm.accounts.access import (
    get_partnership_or_404,
    visible_meeting,
    visible_person,
    visible_priority_area,
    visible_priority_note,
)
from crm.api import bp
from crm.api.contacts import PersonOut, RelationshipOut, Side, person_json, relationship_json
from crm.api.launch import PriorityAreaOut, _body_person, area_json
from crm.api.partnerships import MemberOut, member_json
from crm.api.spec import document
from crm.api.util import ApiError, Body, ok, parse
from crm.extensions import db
from crm.ids import Id
from crm.launch import referrals, wall
from crm.launch.access import get_area_or_404, get_door_meeting_or_404
from crm.launch.priorities import AreaError
from crm.outreach.access import can_act_on_tasks
from crm.partnerships.models import PriorityNote
from crm.vocab import NOTE_KINDS, values

NoteKind = Literal[values(NOTE_KINDS)]  # type: ignore[valid-type]


class PriorityNoteOut(BaseModel):
    id: int
    partnership_id: int
    meeting_id: int | None = Field(description="the meeting whose wall it was written on")
    priority_area_id: int | None = Field(description="its area; null while it waits to be sorted")
    kind: NoteKind
    text: str


class PriorityNoteIn(Body):
    """A note on the partnership's wall: unsorted unless `priority_area_id` names one of its
    areas; `meeting_id` one of its meetings (the launch it was written at). The text is tidied
    (spaces, control characters); the same note (kind and text, any case) twice is one note:
    answered 200 with the one already there."""

    kind: NoteKind
    text: str = Field(min_length=1, max_length=500)
    priority_area_id: Id | None = None
    meeting_id: Id | None = None


class PriorityNotePatch(Body):
    """Sort a note (`priority_area_id`: one of its partnership's areas, or null: back to the
    unsorted pile) and/or rewrite it; only the fields sent change."""

    priority_area_id: Id | None = None
    text: str = Field(default=None, min_length=1, max_length=500)


class PriorityAreaPatch(Body):
    """A new name for the area (unique in its partnership, any case)."""

    name: str = Field(min_length=1, max_length=300)


class ReferralIn(Body):
    """An attendee names a peer who should be involved. `referrer_id` must be marked present at
    the meeting (take attendance first: the wall is the room's); the peer is matched among the
    people you may see (same email, or same name at the organization; with neither, the one
    person of exactly that name), else recorded new (at the organization of that name, created
    on `side`, employer unless said, if new). Someone present is not referred (400)."""

    referrer_id: Id
    name: str = Field(min_length=1, max_length=200)
    organization_name: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=320, json_schema_extra={"format": "email"})
    title: str | None = Field(default=None, max_length=200)
    side: Side | None = Field(default=None, description="a new organization's side (default employer)")


class ReferralCreated(BaseModel):
    person: bool
    tie: bool
    membership: bool


class ReferralOut(BaseModel):
    person: PersonOut
    tie: RelationshipOut = Field(description="the referred tie, from the referrer to the person")
    membership: MemberOut
    meeting_id: int
    created: ReferralCreated = Field(description="which of the three this request recorded")


def note_json(note: PriorityNote) -> dict:
    return PriorityNoteOut(id=note.id, partnership_id=note.partnership_id, meeting_id=note.meeting_id,
                           priority_area_id=note.priority_area_id, kind=note.kind,
                           text=note.text).model_dump(mode="json")


def _refuse(error: AreaError):
    raise ApiError(400, "invalid", str(error), {error.field: [str(error)]}) from None


def _area_of(partnership_id: int, raw):
    """The area a body names, if it is one of the partnership's the caller sees; 400 otherwise."""
    area = visible_priority_area(current_user, raw)
    if area is None or area.partnership_id != partnership_id:
        raise ApiError(400, "invalid", "No such priority area.", {"priority_area_id": ["not found"]})
    return area


def _note_or_404(note_id: int) -> PriorityNote:
    note = visible_priority_note(current_user, note_id)
    if note is None:
        abort(404)
    if not can_act_on_tasks(current_user, note.partnership_id):
        abort(403)
    return note


@bp.get("/partnerships/<int:partnership_id>/priority-notes")
@document("get", "/partnerships/{partnership_id}/priority-notes", tag="partnerships", response=PriorityNoteOut,
          response_list=True, summary="The wall's notes: opportunities and requirements, sorted into areas or not")
def list_priority_notes(partnership_id: int):
    """Every note on a partnership's wall, oldest first (anyone who sees it)."""
    get_partnership_or_404(partnership_id)
    return ok([note_json(n) for n in wall.notes_of(partnership_id)])


@bp.post("/partnerships/<int:partnership_id>/priority-notes")
@document("post", "/partnerships/{partnership_id}/priority-notes", tag="partnerships", body=PriorityNoteIn,
          response=PriorityNoteOut, status=201, also=(200,),
          summary="Put a note on the wall (unsorted, or in an area)")
def create_priority_note(partnership_id: int):
    """Add a note (staff of the partnership and its chairs)."""
    partnership = get_partnership_or_404(partnership_id)
    if not can_act_on_tasks(current_user, partnership.id):
        abort(403)
    data = parse(PriorityNoteIn)
    area = _area_of(partnership.id, data.priority_area_id) if data.priority_area_id is not None else None
    meeting = None
    if data.meeting_id is not None:
        meeting = visible_meeting(current_user, data.meeting_id)
        if meeting is None or meeting.partnership_id != partnership.id:
            raise ApiError(400, "invalid", "No such meeting.", {"meeting_id": ["not found"]})
    try:
        added = wall.add_notes(partnership, data.kind, [data.text], meeting, area)
    except AreaError as error:
        _refuse(error)
    if not added:  # already on the wall (same kind and text)
        text = data.text.casefold()
        there = next(n for n in wall.notes_of(partnership.id) if n.kind == data.kind
                     and n.text.casefold() == " ".join(text.split()))
        return ok(note_json(there))
    db.session.commit()
    return ok(note_json(added[0]), 201)


@bp.patch("/priority-notes/<int:note_id>")
@document("patch", "/priority-notes/{note_id}", tag="partnerships", body=PriorityNotePatch,
          response=PriorityNoteOut, summary="Sort a wall note into an area (null: unsorted) or rewrite it")
def update_priority_note(note_id: int):
    """Move or rewrite a note (staff of the partnership and its chairs)."""
    note = _note_or_404(note_id)
    data = parse(PriorityNotePatch)
    sent = data.model_fields_set
    if "text" in sent and data.text is None:
        raise ApiError(400, "invalid", "Some fields are not valid.", {"text": ["may not be null"]})
    try:
        if "priority_area_id" in sent:
            area = _area_of(note.partnership_id, data.priority_area_id) if data.priority_area_id is not None else None
            wall.move_note(note, area)
        if "text" in sent:
            wall.edit_note(note, data.text)
    except AreaError as error:
        db.session.rollback()
        _refuse(error)
    db.session.commit()
    return ok(note_json(note))


@bp.delete("/priority-notes/<int:note_id>")
@document("delete", "/priority-notes/{note_id}", tag="partnerships", status=204,
          summary="Take a note off the wall (the audit log keeps it)")
def delete_priority_note(note_id: int):
    """Remove a note (staff of the partnership and its chairs)."""
    wall.remove_note(_note_or_404(note_id))
    db.session.commit()
    return "", 204


@bp.patch("/priority-areas/<int:area_id>")
@document("patch", "/priority-areas/{area_id}", tag="partnerships", body=PriorityAreaPatch,
          response=PriorityAreaOut, summary="Rename a priority area")
def rename_priority_area(area_id: int):
    """Rename an area (staff of the partnership and its chairs)."""
    area = get_area_or_404(area_id)
    data = parse(PriorityAreaPatch)
    try:
        wall.rename_area(area, data.name)
    except AreaError as error:
        db.session.rollback()
        _refuse(error)
    db.session.commit()
    return ok(area_json(area))


@bp.delete("/priority-areas/<int:area_id>/champions/<int:person_id>")
@document("delete", "/priority-areas/{area_id}/champions/{person_id}", tag="partnerships",
          response=PriorityAreaOut, summary="Take a champion off a priority area (a lead leaving leaves no lead)")
def remove_priority_champion(area_id: int, person_id: int):
    """Remove a champion from an area (staff of the partnership and its chairs); their
    membership stays where it is."""
    area = get_area_or_404(area_id)
    person = visible_person(current_user, person_id)
    if person is None or person.id not in {c.person_id for c in area.champions}:
        raise ApiError(404, "not_found", "No such champion of this area.")
    wall.remove_champion(area, person.id)
    db.session.commit()
    return ok(area_json(area))


@bp.post("/meetings/<int:meeting_id>/referrals")
@document("post", "/meetings/{meeting_id}/referrals", tag="outreach", body=ReferralIn, response=ReferralOut,
          status=201, also=(200,), summary="An attendee names a peer who should be involved: person, "
          "referred tie, candidate (201 when any is new, 200 when all were there)")
def create_referral(meeting_id: int):
    """Record a referral (staff of the partnership and its chairs)."""
    meeting = get_door_meeting_or_404(meeting_id)
    data = parse(ReferralIn)
    referrer = _body_person(data.referrer_id, "referrer_id")
    try:
        made = referrals.refer(meeting, referrer, data.name, current_user, data.organization_name, data.email,
                               data.title, data.side)
    except referrals.ReferralError as error:
        field = {"organisation_name": "organization_name"}.get(error.field, error.field)
        raise ApiError(400, "invalid", str(error), {field: [str(error)]}) from None
    db.session.commit()
    body = ReferralOut(person=person_json(made.person), tie=relationship_json(made.tie),
                       membership=member_json(made.membership), meeting_id=meeting.id,
                       created=ReferralCreated(person=made.person_created, tie=made.tie_created,
                                               membership=made.membership_created))
    return ok(body.model_dump(mode="json"), 201 if made.created else 200)
