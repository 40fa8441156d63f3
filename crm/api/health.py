"""API for a partnership's health (issue 15 item 6): the red flags and green lights as the
health page shows them, and the convener's grant game and turf trap notes (record, list, clear)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from flask import abort
from flask_login import current_user
from pydantic import BaseModel, Field

from crm import vocab
from crm.accounts.access import can_edit_partnership, get_partnership_or_404, visible_health_note
from crm.api import bp
from crm.api.spec import document
from crm.api.util import ApiError, Body, ok, parse
from crm.extensions import db
from crm.health import lights, services, signals
from crm.health.models import HealthNote
from crm.health.snapshot import ITEM_TYPES, STATES
from crm.timeutil import Date

SignalCode = Literal[signals.RED_FLAGS + lights.CODES]
JudgementCall = Literal[vocab.values(vocab.JUDGEMENT_CALLS)]


class HealthItemOut(BaseModel):
    type: Literal[ITEM_TYPES]
    id: int


class SignalOut(BaseModel):
    code: SignalCode
    state: Literal[STATES] = Field(description="unknown: not enough data (the explanation says what is missing)")
    figure: str = Field(description="the figure behind the state, as a short phrase")
    explanation: str = Field(description="one plain sentence of why")
    people: list[int] = Field(description="the people concerned (ids you may see)")
    items: list[HealthItemOut] = Field(description="the items concerned")


class HealthOut(BaseModel):
    signals: list[SignalOut] = Field(description="the red flags (section F), in the workbook's order")
    green_lights: list[SignalOut] = Field(description="the green lights: green when lit, amber when not yet")


class HealthNoteOut(BaseModel):
    id: int
    partnership_id: int
    code: JudgementCall
    noted_on: date
    text: str
    cleared_on: date | None = Field(description="when the convener said it no longer holds (null: it stands)")


class HealthNoteIn(Body):
    """A grant game or turf trap the convener saw (a judgement call, never computed): the date
    it was seen (default today, never in the future) and what they saw."""

    code: JudgementCall
    noted_on: Date | None = None
    text: str = Field(min_length=1, max_length=services.MAX_NOTE_CHARS)


class HealthNoteClear(Body):
    """The recorded flag no longer holds, from `cleared_on` (not before it was seen, nor in the future)."""

    cleared_on: Date


def note_json(note: HealthNote) -> dict:
    return HealthNoteOut(id=note.id, partnership_id=note.partnership_id, code=note.code, noted_on=note.noted_on,
                         text=note.text, cleared_on=note.cleared_on).model_dump(mode="json")


def _refuse(error: services.NoteError):
    raise ApiError(400, "invalid", str(error), {error.field: [str(error)]}) from None


@bp.get("/partnerships/<int:partnership_id>/health")
@document("get", "/partnerships/{partnership_id}/health", tag="partnerships", response=HealthOut,
          summary="The partnership's red flags and green lights, each with its state, figure and why")
def get_health(partnership_id: int):
    """The partnership's health (anyone who sees it), computed from what the caller may see."""
    report = services.report(get_partnership_or_404(partnership_id), current_user)
    return ok({"signals": [s.as_dict() for s in report.health.signals],
               "green_lights": [s.as_dict() for s in report.health.green_lights]})


@bp.get("/partnerships/<int:partnership_id>/health-notes")
@document("get", "/partnerships/{partnership_id}/health-notes", tag="partnerships", response=HealthNoteOut,
          response_list=True, summary="The convener's grant game and turf trap notes, newest first")
def list_health_notes(partnership_id: int):
    """The judgement calls recorded on a partnership (anyone who sees it)."""
    get_partnership_or_404(partnership_id)
    return ok([note_json(n) for n in services.notes_of(partnership_id)])


@bp.post("/partnerships/<int:partnership_id>/health-notes")
@document("post", "/partnerships/{partnership_id}/health-notes", tag="partnerships", body=HealthNoteIn,
          response=HealthNoteOut, status=201, summary="Record a grant game or turf trap the convener saw")
def create_health_note(partnership_id: int):
    """Record a judgement call (conveners of the partnership and administrators)."""
    partnership = get_partnership_or_404(partnership_id)
    if not can_edit_partnership(current_user, partnership.id):
        raise ApiError(403, "forbidden", "Only the partnership's conveners and administrators record these.")
    data = parse(HealthNoteIn)
    try:
        note = services.record_note(partnership, data.code, data.noted_on, data.text, current_user.id)
    except services.NoteError as error:
        _refuse(error)
    db.session.commit()
    return ok(note_json(note), 201)


@bp.patch("/health-notes/<int:note_id>")
@document("patch", "/health-notes/{note_id}", tag="partnerships", body=HealthNoteClear, response=HealthNoteOut,
          summary="Clear a recorded grant game or turf trap")
def clear_health_note(note_id: int):
    """Say a judgement call no longer holds (conveners of the partnership and administrators)."""
    note = visible_health_note(current_user, note_id)
    if note is None:
        abort(404)
    if not can_edit_partnership(current_user, note.partnership_id):
        raise ApiError(403, "forbidden", "Only the partnership's conveners and administrators clear these.")
    data = parse(HealthNoteClear)
    try:
        services.clear_note(note, data.cleared_on)
    except services.NoteError as error:
        _refuse(error)
    db.session.commit()
    return ok(note_json(note))
