"""API endpoints for outreach: meetings (creating a launch lays out the workbook's timeline, sections B-D,
moving it moves the open steps) and tasks (list, complete with an outcome, reassign)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from flask import request
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from crm import vocab
from crm.accounts.access import (
    get_partnership_or_404,
    visible_organisation,
    visible_people,
    visible_person,
    visible_priority_area,
)
from crm.api import bp
from crm.api.spec import ID_SCHEMA, document
from crm.api.util import PAGE_PARAMS, ApiError, Body, api_field, ok, page_of, parse, service_values
from crm.contacts.services import clean
from crm.extensions import db
from crm.ids import Id
from crm.outreach import guardrails, services, timeline
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404, get_task_or_404
from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from crm.timeutil import Date, DateTime, as_utc

MeetingKind = Literal[vocab.values(vocab.MEETING_KINDS)]
TaskStatus = Literal[vocab.values(vocab.TASK_STATUSES)]
TaskOutcome = Literal[vocab.values(vocab.TASK_OUTCOMES)]
TaskKind = Literal[vocab.values(vocab.TASK_KINDS)]
Pace = Literal[tuple(timeline.PACE_LABELS)]


class WarningOut(BaseModel):
    code: Literal[tuple(guardrails.LABELS)]
    message: str


class MeetingOut(BaseModel):
    id: int
    partnership_id: int
    kind: MeetingKind
    title: str | None
    starts_at: datetime
    ends_at: datetime | None
    location: str | None
    host_organization_id: int | None
    chair_ids: list[int]
    priority_area_id: int | None = Field(description="a champion call: the priority area it is for")
    open_tasks: int
    warnings: list[WarningOut] = Field(description="the workbook's guardrails this meeting breaks")


class MeetingIn(Body):
    """A new meeting. `ends_at`, when given, must be after `starts_at` (else 400); a launch
    lays out the workbook's tasks around `starts_at`. Every chair and the host organization must
    exist."""

    kind: MeetingKind = "launch"
    starts_at: DateTime
    ends_at: DateTime | None = Field(default=None, description="after starts_at")
    title: str | None = Field(default=None, max_length=300)
    location: str | None = Field(default=None, max_length=300)
    host_organization_id: Id | None = None
    chair_ids: list[Id] = Field(default_factory=list, max_length=10)
    notes: str | None = Field(default=None, max_length=10000)


class MeetingPatch(Body):
    """Move a meeting: open tasks move by as many days, done ones stay."""

    starts_at: DateTime


class TaskOut(BaseModel):
    id: int
    partnership_id: int
    meeting_id: int | None
    kind: TaskKind
    title: str | None
    due: date
    status: TaskStatus
    outcome: TaskOutcome | None
    person_id: int | None
    owner_id: int | None
    priority_area_id: int | None = Field(description="a champion call: the priority area it is for")
    step_key: str | None
    asker_reason: str | None
    notes: str | None
    pace: Pace
    warnings: list[WarningOut] = Field(description="the workbook's guardrails this step breaks")


class ReferredIn(Body):
    """The person someone referred (with outcome `referred`)."""

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    title: str | None = Field(default=None, max_length=200)
    organization_id: Id | None = None


class TaskPatch(Body):
    """Change a task; only the fields sent change. `outcome` belongs to an ask being closed;
    outcome `referred` needs `referred` with a name; a non-employer owner of an ask to an
    employer needs `asker_reason`. Empty `notes` or `asker_reason` clears them."""

    status: TaskStatus | None = None
    outcome: TaskOutcome | None = None
    notes: str | None = Field(default=None, max_length=10000)
    owner_id: Id | None = None
    asker_reason: str | None = Field(default=None, max_length=2000)
    referred: ReferredIn | None = None


class TaskIn(Body):
    """A task of one's own: what (`title`), for whom (`person_id`, optional), who does it
    (`owner_id`) and by when (`due`). An owner who is not an employer asking an employer
    (`kind` ask) needs `asker_reason`."""

    kind: Literal["custom"] = "custom"
    title: str = Field(min_length=1, max_length=300)
    person_id: Id | None = None
    owner_id: Id
    due: Date
    notes: str | None = Field(default=None, max_length=10000)
    asker_reason: str | None = Field(default=None, max_length=2000)


def meeting_json(meeting: Meeting) -> dict:
    # SQLite hands back naive UTC datetimes: answer with the offset (RFC 3339), as written
    return MeetingOut(id=meeting.id, partnership_id=meeting.partnership_id, kind=meeting.kind,
                      title=meeting.title, starts_at=as_utc(meeting.starts_at),
                      ends_at=as_utc(meeting.ends_at) if meeting.ends_at else None,
                      location=meeting.location, host_organization_id=meeting.host_organisation_id,
                      chair_ids=[c.id for c in meeting.chairs], priority_area_id=meeting.priority_area_id,
                      open_tasks=db.session.scalar(select(func.count(Task.id)).where(
                          Task.meeting_id == meeting.id, Task.status == "open")) or 0,
                      warnings=[w.as_dict() for w in services.meeting_warnings(meeting)],
                      ).model_dump(mode="json")


def task_json(task: Task, today: date | None = None, warnings: dict | None = None) -> dict:
    today = today or services.today_for(None)
    warnings = services.task_warnings([task]) if warnings is None else warnings
    data = TaskOut.model_validate(
        {**{k: getattr(task, k) for k in TaskOut.model_fields if k not in ("pace", "warnings")},
         "pace": timeline.pace(task.due, task.status, today),
         "warnings": [w.as_dict() for w in warnings.get(task.id, ())]})
    return data.model_dump(mode="json")


def tasks_json(tasks: list[Task], today: date | None = None) -> list[dict]:
    """A page of tasks, their meetings' launch days loaded once."""
    warnings = services.task_warnings(tasks)
    return [task_json(t, today, warnings) for t in tasks]


def _refuse(error: services.OutreachError):
    field = api_field(error.field or "body")
    raise ApiError(400, "invalid", str(error), {field: [str(error)]}) from None


@bp.post("/partnerships/<int:partnership_id>/meetings")
@document("post", "/partnerships/{partnership_id}/meetings", tag="outreach", body=MeetingIn,
          response=MeetingOut, status=201,
          summary="Create a meeting; a launch lays out the workbook's tasks around it")
def create_meeting(partnership_id: int):
    """Create a meeting (staff of the partnership)."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    data = parse(MeetingIn)
    try:
        if visible_people(current_user, data.chair_ids) is None:
            raise services.OutreachError(services.NO_SUCH_CHAIR, "chair_ids")
        host = data.host_organization_id
        if host is not None and visible_organisation(current_user, host) is None:
            raise services.OutreachError(services.NO_SUCH_HOST, "host_organisation_id")
        meeting = services.create_meeting(partnership, **service_values(data.model_dump()))
    except services.OutreachError as error:
        _refuse(error)
    db.session.commit()
    return ok(meeting_json(meeting), 201)


@bp.get("/partnerships/<int:partnership_id>/meetings")
@document("get", "/partnerships/{partnership_id}/meetings", tag="outreach", response=MeetingOut,
          response_list=True, summary="A partnership's meetings")
def list_meetings(partnership_id: int):
    """A partnership's meetings, by start."""
    get_partnership_or_404(partnership_id)
    return ok([meeting_json(m) for m in services.meetings_of(partnership_id)])


@bp.patch("/meetings/<int:meeting_id>")
@document("patch", "/meetings/{meeting_id}", tag="outreach", body=MeetingPatch, response=MeetingOut,
          summary="Move a meeting: open tasks move with it, done ones stay, nothing duplicates")
def move_meeting(meeting_id: int):
    """Move a meeting to a new start."""
    meeting = get_meeting_or_404(meeting_id, edit=True)
    data = parse(MeetingPatch)
    services.move_meeting(meeting, data.starts_at)
    db.session.commit()
    return ok(meeting_json(meeting))


@bp.get("/partnerships/<int:partnership_id>/tasks")
@document("get", "/partnerships/{partnership_id}/tasks", tag="outreach", response=TaskOut,
          paginated=True, summary="A partnership's tasks, a page at a time (view=today|week|overdue|all, "
                                  "status=all or one status, priority_area_id; page, per_page up to 200)",
          params=[{"name": "view", "in": "query", "schema": {"type": "string",
                                                             "enum": ["all", "today", "week", "overdue"]}},
                  {"name": "status", "in": "query", "schema": {
                      "type": "string", "enum": ["all", *vocab.values(vocab.TASK_STATUSES)]}},
                  {"name": "priority_area_id", "in": "query", "required": False, "schema": ID_SCHEMA},
                  *PAGE_PARAMS])
def list_tasks(partnership_id: int):
    """A partnership's tasks in due order."""
    partnership = get_partnership_or_404(partnership_id)
    view = request.args.get("view", "all")
    status = request.args.get("status", "all")
    if view not in ("all", "today", "week", "overdue"):
        raise ApiError(400, "invalid", "view is all, today, week or overdue.", {"view": ["unknown view"]})
    if status != "all" and status not in vocab.values(vocab.TASK_STATUSES):
        raise ApiError(400, "invalid", "Unknown status.", {"status": ["unknown status"]})
    area_id = None
    if request.args.get("priority_area_id") is not None:
        area = visible_priority_area(current_user, request.args.get("priority_area_id"))
        if area is None or area.partnership_id != partnership.id:
            raise ApiError(400, "invalid", "No such priority area in this partnership.",
                           {"priority_area_id": ["not found"]})
        area_id = area.id
    today = services.today_for(partnership)
    stmt = services.tasks_query([partnership.id], view=view, today=today,
                                status=None if status == "all" else status, priority_area_id=area_id)
    # a page at a time, like every other list: a partnership holds thousands of tasks over two years
    return ok(page_of(stmt, lambda rows: tasks_json(rows, today), per_page_default=100, whole_page=True))


@bp.post("/partnerships/<int:partnership_id>/tasks")
@document("post", "/partnerships/{partnership_id}/tasks", tag="outreach", body=TaskIn, response=TaskOut,
          status=201, summary="Add a task of one's own (what, for whom, owner, due)")
def create_task(partnership_id: int):
    """Add a custom task (staff of the partnership, and its chairs)."""
    partnership = get_partnership_or_404(partnership_id)
    if not can_act_on_tasks(current_user, partnership.id):
        raise ApiError(403, "forbidden", "Viewers do not add tasks.")
    data = parse(TaskIn)
    try:
        task = services.add_own_task(partnership, current_user, data.title, data.due, data.owner_id,
                                     data.person_id, data.notes, data.asker_reason)
    except services.OutreachError as error:
        _refuse(error)
    db.session.commit()
    return ok(task_json(task), 201)


@bp.patch("/tasks/<int:task_id>")
@document("patch", "/tasks/{task_id}", tag="outreach", body=TaskPatch,
          response=TaskOut, summary="Complete a task with an outcome, reassign it, add notes")
def update_task(task_id: int):
    """Complete, reopen or reassign a task (staff, and the partnership's chairs)."""
    task = get_task_or_404(task_id)
    if not can_act_on_tasks(current_user, task.partnership_id):
        raise ApiError(403, "forbidden", "Viewers do not change tasks.")
    data = parse(TaskPatch)
    sent = data.model_fields_set
    try:
        if "owner_id" in sent:
            if data.owner_id is not None and visible_person(current_user, data.owner_id) is None:
                raise services.OutreachError(services.NO_SUCH_OWNER, "owner_id")
            services.assign_owner(task, data.owner_id, data.asker_reason, current_user.id)
        organization_id = data.referred.organization_id if data.referred else None
        if organization_id is not None and visible_organisation(current_user, organization_id) is None:
            raise services.OutreachError(services.NO_SUCH_ORGANISATION, "referred.organization_id")
        if "status" in sent or "outcome" in sent:
            services.complete_task(task, data.status or task.status, data.outcome, data.notes,
                                   service_values(data.referred.model_dump()) if data.referred else None,
                                   current_user.id)
        if "notes" in sent:
            # PATCH: notes sent are the notes, with or without a status (null or blank clears them)
            task.notes = clean(data.notes)
    except services.OutreachError as error:
        _refuse(error)
    db.session.commit()
    return ok(task_json(task))
