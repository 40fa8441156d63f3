"""API endpoints for action plans (issue 14 items 5 and 6): a priority area's commitments
(listed, added: an early win due more than 60 days after the launch is saved with its warning),
a commitment changed (status, text, due, owner, early win: a stale `version` answers 409), the
area's progress notes (its own and its commitments'), and the area's action plan read and
written whole. The same services as the pages (crm/launch/plans.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from crm import vocab
from crm.accounts.access import visible_commitment, visible_person, visible_priority_area
from crm.api import bp
from crm.api.spec import document
from crm.api.util import ApiError, Body, ok, parse
from crm.extensions import db
from crm.ids import MAX_ID, Id
from crm.launch import action_plans as rules
from crm.launch import areas as area_rules
from crm.launch import plans
from crm.launch.access import get_area_or_404, get_commitment_or_404
from crm.launch.models import ActionPlan, Commitment, ProgressNote
from crm.outreach.services import today_for
from crm.partnerships.models import PriorityArea
from crm.rules import PLAN_LINES, PLAN_TEXT_CHARS
from crm.timeutil import Date

CommitmentStatus = Literal[vocab.values(vocab.COMMITMENT_STATUSES)]  # type: ignore[valid-type]
EarlyWinKind = Literal[vocab.values(vocab.EARLY_WIN_KINDS)]  # type: ignore[valid-type]
Side = Literal[vocab.values(vocab.SIDES)]  # type: ignore[valid-type]
PlanLine = Field(min_length=1, max_length=PLAN_TEXT_CHARS)


class PlanWarningOut(BaseModel):
    code: Literal[tuple(rules.LABELS)]  # type: ignore[valid-type]
    message: str


class CommitmentOut(BaseModel):
    id: int
    priority_area_id: int
    owner_id: int
    owner_side: Side | None = Field(description="the owner's side: their organization's, else a community-partner "
                                                 "role in the partnership; null when neither")
    text: str
    due: date
    early_win: bool
    early_win_kind: EarlyWinKind | None = Field(description="an early win's: prototype (the default) or activity; "
                                                             "null when not an early win")
    status: CommitmentStatus
    late: bool = Field(description="open and past its due day (in the partnership's time zone)")
    done_at: datetime | None
    created_at: datetime
    version: int = Field(description="send it back with a PATCH: a stale one answers 409")
    warnings: list[PlanWarningOut] = Field(description="an early win due more than 60 days after the launch "
                                                       "(early_win_late), an early win that is an activity")


class CommitmentIn(Body):
    """A commitment to the area: who delivers (`owner_id`, a person visible to you), what, by
    when. `early_win_kind` (prototype or activity) only with `early_win: true` (else 400); an
    early win without a kind is saved a prototype (as on the page: the workbook's preference). An
    early win due more than 60 days after the launch is saved, with a warning. `text` is saved
    on one line: runs of whitespace become one space, control characters are dropped."""

    owner_id: Id
    text: str = Field(min_length=1, max_length=PLAN_TEXT_CHARS)
    due: Date
    early_win: bool = False
    early_win_kind: EarlyWinKind | None = None


class CommitmentPatch(Body):
    """Change a commitment: any of `status` (open, done, dropped), `text`, `due`, `owner_id` (a
    person visible to you), `early_win`, `early_win_kind`; fields left out keep their value.
    `version` is the one you read (a stale one answers 409 and changes nothing). Checked as when
    it was added: an early win without a kind is a prototype, a kind without an early win is
    refused (400), turning `early_win` off clears the kind; the warnings are those of the result."""

    status: CommitmentStatus | None = None
    owner_id: Id | None = None
    text: str | None = Field(default=None, min_length=1, max_length=PLAN_TEXT_CHARS)
    due: Date | None = None
    early_win: bool | None = None
    early_win_kind: EarlyWinKind | None = None
    version: int = Field(ge=1, le=MAX_ID)


class ProgressNoteOut(BaseModel):
    id: int
    priority_area_id: int
    commitment_id: int | None = Field(description="null for a note on the area itself")
    text: str
    noted_on: date
    author_id: int | None = Field(description="the user who wrote it")
    created_at: datetime


class ProgressNoteIn(Body):
    """A dated progress note on the area, or on one of its commitments (`commitment_id`, one of
    this area's: else 400, as for a missing one). `noted_on` defaults to today in the
    partnership's time zone. `text` is saved on one line, like a commitment's."""

    text: str = Field(min_length=1, max_length=PLAN_TEXT_CHARS)
    noted_on: Date | None = None
    commitment_id: Id | None = None


class ActionPlanOut(BaseModel):
    priority_area_id: int
    goal_3_months: str | None
    goal_12_months: str | None
    goal_3_years: str | None
    outcomes: list[str] = Field(description="measurable outcomes, one a line")
    actions: list[str]
    version: int | None = Field(description="null until the plan is first saved; send it back with a PUT")
    early_win_deadline: date | None = Field(description="60 days after the launch; null without a launch meeting")
    warnings: list[PlanWarningOut] = Field(description="the area's: no early win or more than two, early wins "
                                                       "late or activities, commitments open past due; none "
                                                       "while nobody champions it (not a priority now)")


class ActionPlanIn(Body):
    """The area's plan, written whole: goals left out or empty are cleared; outcomes and actions
    one line each (blank ones dropped, each once; at most 50; like goals, runs of whitespace
    become one space, control characters are dropped). `version` is the one you read
    (a stale one answers 409); leave it out on the first save."""

    goal_3_months: str | None = Field(default=None, max_length=PLAN_TEXT_CHARS)
    goal_12_months: str | None = Field(default=None, max_length=PLAN_TEXT_CHARS)
    goal_3_years: str | None = Field(default=None, max_length=PLAN_TEXT_CHARS)
    outcomes: list[str] = Field(default_factory=list, max_length=PLAN_LINES)
    actions: list[str] = Field(default_factory=list, max_length=PLAN_LINES)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


def commitment_json(c: Commitment, promise: rules.Promise, today: date, launch: date | None) -> dict:
    return CommitmentOut(
        id=c.id, priority_area_id=c.priority_area_id, owner_id=c.owner_id, owner_side=promise.side, text=c.text,
        due=c.due, early_win=bool(c.early_win), early_win_kind=c.early_win_kind, status=c.status,
        late=rules.is_late(promise, today), done_at=c.done_at, created_at=c.created_at, version=c.version,
        warnings=[w.as_dict() for w in plans.warnings_of(c, launch)]).model_dump(mode="json")


def _commitments_json(area: PriorityArea, commitments: list[Commitment]) -> list[dict]:
    partnership = area.partnership
    promises = {p.id: p for p in plans.promises(commitments, partnership.id, partnership.timezone)}
    today, launch = today_for(partnership), plans.launch_of(partnership)
    return [commitment_json(c, promises[c.id], today, launch) for c in commitments]


def plan_json(area: PriorityArea, plan: ActionPlan | None) -> dict:
    partnership = area.partnership
    launch = plans.launch_of(partnership)
    promises = plans.promises(plans.commitments_of([area.id]), partnership.id, partnership.timezone)
    return ActionPlanOut(
        priority_area_id=area.id, **{g: getattr(plan, g) if plan else None for g in plans.GOALS},
        outcomes=list(plan.outcomes) if plan else [], actions=list(plan.actions) if plan else [],
        version=plan.version if plan else None, early_win_deadline=rules.early_win_deadline(launch),
        warnings=[w.as_dict() for w in rules.area_warnings(promises, launch, today_for(partnership))]
        if area_rules.is_priority(area.champions) else [],
    ).model_dump(mode="json")


def _refuse(error: plans.PlanError):
    raise ApiError(400, "invalid", str(error), {error.field: [str(error)]}) from None


def _stale(error: plans.StaleVersion):
    raise ApiError(409, "conflict", str(error), {"version": [f"now {error.current}"]}) from None


def _visible_area(area_id: int) -> PriorityArea:
    area = visible_priority_area(current_user, area_id)
    if area is None:
        raise ApiError(404, "not_found", "No such priority area.")
    return area


@bp.get("/priority-areas/<int:area_id>/commitments")
@document("get", "/priority-areas/{area_id}/commitments", tag="partnerships", response=CommitmentOut,
          response_list=True, summary="A priority area's commitments: who delivers, by when, early wins, status")
def list_commitments(area_id: int):
    """An area's commitments, by due day (anyone who sees the partnership)."""
    area = _visible_area(area_id)
    return ok(_commitments_json(area, plans.commitments_of([area.id])))


@bp.post("/priority-areas/<int:area_id>/commitments")
@document("post", "/priority-areas/{area_id}/commitments", tag="partnerships", body=CommitmentIn,
          response=CommitmentOut, status=201,
          summary="Add a commitment (an early win due past 60 days after the launch is saved with a warning)")
def create_commitment(area_id: int):
    """Add a commitment (staff of the partnership and its chairs)."""
    area = get_area_or_404(area_id)
    data = parse(CommitmentIn)
    owner = visible_person(current_user, data.owner_id)
    if owner is None:
        raise ApiError(400, "invalid", "No such person (or they are archived).", {"owner_id": ["not found"]})
    try:
        commitment, _said = plans.add_commitment(area, owner, data.text, data.due, data.early_win,
                                                 data.early_win_kind, current_user.id)
    except plans.PlanError as error:
        _refuse(error)
    db.session.commit()
    return ok(_commitments_json(area, [commitment])[0], 201)


def _edited(commitment: Commitment, data: CommitmentPatch) -> tuple | None:
    """The PATCH's owner, text, due, early win and kind over the commitment's own (None when
    the PATCH touches none of them); 400 for an owner that is missing or not visible."""
    sent = data.model_fields_set & {"owner_id", "text", "due", "early_win", "early_win_kind"}
    if not sent:
        return None
    for name in sent & {"owner_id", "text", "due", "early_win"}:
        if getattr(data, name) is None:
            raise ApiError(400, "invalid", f"{name} may not be null.", {name: ["may not be null"]})
    owner = commitment.owner
    if "owner_id" in sent:
        owner = visible_person(current_user, data.owner_id)
        if owner is None:
            raise ApiError(400, "invalid", "No such person (or they are archived).", {"owner_id": ["not found"]})
    early = data.early_win if "early_win" in sent else bool(commitment.early_win)
    kind = data.early_win_kind if "early_win_kind" in sent else (commitment.early_win_kind if early else None)
    return (owner, data.text if "text" in sent else commitment.text, data.due if "due" in sent else commitment.due,
            early, kind)


@bp.patch("/commitments/<int:commitment_id>")
@document("patch", "/commitments/{commitment_id}", tag="partnerships", body=CommitmentPatch,
          response=CommitmentOut, summary="Change a commitment: status, text, due, owner, early win "
                                          "(409 on a stale version; the warnings of the result)")
def update_commitment(commitment_id: int):
    """Change a commitment (staff of the partnership and its chairs)."""
    commitment = get_commitment_or_404(commitment_id)
    data = parse(CommitmentPatch)
    if not data.model_fields_set - {"version"}:
        raise ApiError(400, "invalid", "Send at least one field to change besides version.", {"body": ["empty"]})
    try:
        if "status" in data.model_fields_set and data.status is None:
            raise plans.PlanError("A commitment is open, done or dropped.", "status")
        edited = _edited(commitment, data)
        if edited is not None:  # the fields and the status in one save: one new version
            plans.edit_commitment(commitment, *edited, expected_version=data.version, status=data.status)
        else:
            plans.set_status(commitment, data.status, data.version)
    except plans.StaleVersion as error:
        _stale(error)
    except plans.PlanError as error:
        _refuse(error)
    db.session.commit()
    return ok(_commitments_json(commitment.priority_area, [commitment])[0])


def note_json(note: ProgressNote) -> dict:
    return ProgressNoteOut(id=note.id, priority_area_id=note.priority_area_id, commitment_id=note.commitment_id,
                           text=note.text, noted_on=note.noted_on, author_id=note.author_id,
                           created_at=note.created_at).model_dump(mode="json")


@bp.get("/priority-areas/<int:area_id>/progress")
@document("get", "/priority-areas/{area_id}/progress", tag="partnerships", response=ProgressNoteOut,
          response_list=True, summary="A priority area's progress notes (its commitments' included), newest first")
def list_progress(area_id: int):
    """An area's progress notes (anyone who sees the partnership)."""
    area = _visible_area(area_id)
    return ok([note_json(n) for n in plans.area_notes(area.id)])


@bp.post("/priority-areas/<int:area_id>/progress")
@document("post", "/priority-areas/{area_id}/progress", tag="partnerships", body=ProgressNoteIn,
          response=ProgressNoteOut, status=201,
          summary="Note progress on a priority area, or on one of its commitments (commitment_id)")
def add_progress(area_id: int):
    """Add a progress note (staff of the partnership and its chairs)."""
    area = get_area_or_404(area_id)
    data = parse(ProgressNoteIn)
    commitment = None
    if data.commitment_id is not None:
        commitment = visible_commitment(current_user, data.commitment_id)
        if commitment is None or commitment.priority_area_id != area.id:
            raise ApiError(400, "invalid", "No such commitment in this priority area.",
                           {"commitment_id": ["not found"]})
    try:
        note = plans.add_note(area, data.text, data.noted_on or today_for(area.partnership), commitment,
                              current_user.id)
    except plans.PlanError as error:
        _refuse(error)
    db.session.commit()
    return ok(note_json(note), 201)


@bp.get("/priority-areas/<int:area_id>/action-plan")
@document("get", "/priority-areas/{area_id}/action-plan", tag="partnerships", response=ActionPlanOut,
          summary="A priority area's action plan: goals, outcomes, actions, the early-win deadline, warnings")
def get_action_plan(area_id: int):
    """An area's action plan (empty until first saved; anyone who sees the partnership)."""
    area = _visible_area(area_id)
    return ok(plan_json(area, plans.plan_of(area)))


@bp.put("/priority-areas/<int:area_id>/action-plan")
@document("put", "/priority-areas/{area_id}/action-plan", tag="partnerships", body=ActionPlanIn,
          response=ActionPlanOut, summary="Write a priority area's action plan whole (409 on a stale version)")
def put_action_plan(area_id: int):
    """Write the area's plan (staff of the partnership and its chairs)."""
    area = get_area_or_404(area_id)
    data = parse(ActionPlanIn)
    try:
        plan = plans.save_plan(area, {g: getattr(data, g) for g in plans.GOALS}, data.outcomes, data.actions,
                               data.version)
    except plans.StaleVersion as error:
        _stale(error)
    except plans.PlanError as error:
        _refuse(error)
    db.session.commit()
    return ok(plan_json(area, plan))
