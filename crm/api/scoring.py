"""API endpoints for trait assessments and a partnership's ranked suggested invitees."""

from __future__ import annotations

from typing import Literal

from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import select

from crm.accounts.access import get_partnership_or_404, get_person_or_404, visible_person
from crm.api import bp
from crm.api.spec import document
from crm.api.util import ApiError, Body, api_field, int_arg, ok, parse
from crm.extensions import db
from crm.ids import Id
from crm.partnerships.models import Membership
from crm.scoring import services
from crm.scoring.suggestions import as_seen_by, suggestions
from crm.scoring.suggestions import decide as decide_on
from crm.timeutil import Date
from crm.vocab import SCORE_LABELS, TRAITS, values

Trait = Literal[values(TRAITS)]  # type: ignore[valid-type]
ScoreLabel = Literal[values(SCORE_LABELS)]  # type: ignore[valid-type]


class AssessmentIn(Body):
    """One assessor's rating of one trait. A chair may rate only people of a partnership
    they chair (`partnership_id`, when given, must be one of theirs)."""

    trait: Trait
    rating: int = Field(ge=0, le=3)
    evidence: str | None = Field(default=None, max_length=4000)
    partnership_id: Id | None = None


class AssessmentOut(BaseModel):
    id: int
    person_id: int
    partnership_id: int | None
    trait: Trait
    rating: int
    evidence: str | None
    assessor_id: int | None


class Traits(BaseModel):
    company: int
    industry: int
    community: int


class AskerOut(BaseModel):
    person_id: int
    #: asker ... suggestion; null for a hop the reader may not see (never named)
    path: list[int | None]


class SuggestionOut(BaseModel):
    person_id: int
    score: float = Field(description="the ranking value: overall x fit x reach, 0-100")
    overall: float = Field(description="the overall civic-entrepreneur score, 0-100, as the person page shows it")
    label: ScoreLabel = Field(
        description="how the overall score reads; not_enough_known: too little evidence, not a low opinion")
    traits: Traits
    confidence: float
    reasons: list[str]
    asker: AskerOut | None


def _assessment_partnership(person_id: int, requested: int | None) -> int | None:
    """The partnership the assessment is made for; chairs only for people of theirs."""
    user = current_user
    if user.is_staff:
        if requested is not None:
            get_partnership_or_404(requested)
        return requested
    if user.role != "chair":
        raise ApiError(403, "forbidden", "Viewers cannot record assessments.")
    ids = set(user.partnership_ids)
    if requested is not None:
        ids &= {requested}
    shared = db.session.scalar(select(Membership.partnership_id).where(
        Membership.person_id == person_id, Membership.partnership_id.in_(ids or [-1]))
        .order_by(Membership.partnership_id).limit(1))
    if shared is None:
        raise ApiError(404, "not_found", "No such person in a partnership you chair.")
    return shared


@bp.post("/people/<int:person_id>/assessments")
@document("post", "/people/{person_id}/assessments", summary="Record a trait assessment (0-3)",
          body=AssessmentIn, response=AssessmentOut, status=201, tag="scoring")
def create_assessment(person_id: int):
    """Record one assessor's rating of one trait; earlier assessments stay."""
    person = get_person_or_404(person_id)
    if current_user.role == "viewer":
        raise ApiError(403, "forbidden", "Viewers cannot record assessments.")
    data = parse(AssessmentIn)
    partnership_id = _assessment_partnership(person.id, data.partnership_id)
    try:
        row = services.add_assessment(person, data.trait, data.rating, data.evidence,
                                      current_user.id, partnership_id)
    except services.ScoringError as error:
        raise ApiError(400, "invalid", str(error), {error.field or "body": [str(error)]}) from None
    db.session.commit()
    return ok(AssessmentOut.model_validate(row, from_attributes=True).model_dump(), 201)


@bp.get("/partnerships/<int:partnership_id>/suggestions")
@document("get", "/partnerships/{partnership_id}/suggestions",
          summary="Ranked suggested invitees, with trait scores, reasons and who should ask",
          response=SuggestionOut, response_list=True, tag="scoring",
          params=[{"name": "limit", "in": "query", "required": False,
                   "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}}])
def list_suggestions(partnership_id: int):
    """The partnership's suggested invitees, best first (conveners and its chairs)."""
    partnership = get_partnership_or_404(partnership_id)
    if not (current_user.is_staff or current_user.role == "chair"):
        raise ApiError(403, "forbidden", "Suggestions are for conveners and chairs.")
    limit = int_arg("limit", 50, maximum=1000)
    return ok([{
        "person_id": s.person_id,
        "score": s.score,
        "overall": s.overall,
        "label": s.label,
        "traits": dict(s.traits),
        "confidence": s.confidence,
        "reasons": list(s.reasons),
        "asker": {"person_id": s.asker.asker_id, "path": list(s.asker.path)} if s.asker else None,
    } for s in as_seen_by(suggestions(partnership, limit), current_user)])


# --- the chairs' decisions --------------------------------------------------------------------

#: The API's names of the review's decisions (the browser's buttons).
DECISION_NAMES = {"approve": "approve", "not_now": "not_now", "i_will_ask": "ill_ask", "assign": "someone_else"}


class DecisionIn(Body):
    """A chair's (or convener's) decision on a person, as the review records it: `assign` needs
    `asker_id` (someone on the partnership's team); `not_now` needs a `reason` (and may carry
    `revisit_on`); a non-employer asker of an employer needs a `reason` (the workbook's best
    ask is employer-to-employer). A later decision reassigns the open ask."""

    person_id: Id
    decision: Literal[tuple(DECISION_NAMES)]
    asker_id: Id | None = None
    reason: str | None = Field(default=None, max_length=2000)
    revisit_on: Date | None = None


class DecisionOut(BaseModel):
    id: int
    partnership_id: int
    person_id: int
    decision: str
    asker_id: int | None
    reason: str | None
    stage: str


@bp.post("/partnerships/<int:partnership_id>/decisions")
@document("post", "/partnerships/{partnership_id}/decisions", body=DecisionIn, response=DecisionOut, status=201,
          summary="Record a review decision (approve, not now, I'll ask, assign to someone)", tag="scoring")
def decide(partnership_id: int):
    """Record a decision (chairs of the partnership, conveners, admins)."""
    partnership = get_partnership_or_404(partnership_id)
    if not (current_user.is_staff or current_user.role == "chair"):
        raise ApiError(403, "forbidden", "Viewers do not decide.")
    data = parse(DecisionIn)
    if visible_person(current_user, data.person_id) is None:
        raise ApiError(400, "invalid", "No such person.", {"person_id": ["no such person"]})
    if data.asker_id is not None and visible_person(current_user, data.asker_id) is None:
        raise ApiError(400, "invalid", "No such person to ask.", {"asker_id": ["no such person"]})
    try:
        row = decide_on(partnership, data.person_id, DECISION_NAMES[data.decision], current_user, data.reason,
                        data.asker_id, revisit_on=data.revisit_on)
    except services.ScoringError as error:
        field = api_field(error.field or "body")
        raise ApiError(400, "invalid", str(error), {field: [str(error)]}) from None
    db.session.commit()
    stage = db.session.scalar(select(Membership.stage).where(Membership.partnership_id == partnership.id,
                                                             Membership.person_id == row.person_id))
    return ok(DecisionOut(id=row.id, partnership_id=row.partnership_id, person_id=row.person_id,
                          decision={v: k for k, v in DECISION_NAMES.items()}[row.decision], asker_id=row.asker_id,
                          reason=row.reason, stage=stage).model_dump(), 201)
