"""API endpoints for partnerships and their members."""

from __future__ import annotations

from datetime import date
from typing import Literal

from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import rules
from crm.accounts.access import get_partnership_or_404, limit_partnerships, visible_person
from crm.api import bp
from crm.api.spec import document
from crm.api.util import PAGE_PARAMS, ApiError, Body, ok, page_of, parse
from crm.config import default_timezone
from crm.contacts.services import clean
from crm.extensions import db
from crm.ids import Id
from crm.partnerships import services
from crm.partnerships.models import Membership, Partnership
from crm.timeutil import Date, zone
from crm.vocab import PARTNERSHIP_STAGES, ROLES, STAGES, values

Role = Literal[values(ROLES)]  # type: ignore[valid-type]
Stage = Literal[values(STAGES)]  # type: ignore[valid-type]
PartnershipStage = Literal[values(PARTNERSHIP_STAGES)]  # type: ignore[valid-type]


class PartnershipOut(BaseModel):
    id: int
    name: str
    sector: str
    region: str | None
    timezone: str
    stage: PartnershipStage
    launch_target_low: int
    launch_target_high: int
    launch_minimum: int


class PartnershipIn(Body):
    """A new partnership (administrators). `launch_target_high` may not be below
    `launch_target_low` (else 400); `timezone` must be an IANA zone name; the name must be
    unused (else 409)."""

    name: str = Field(min_length=1, max_length=200)
    sector: str = Field(min_length=1, max_length=120)
    region: str | None = Field(default=None, max_length=500)
    timezone: str = Field(default_factory=default_timezone, max_length=64,
                          description="IANA zone name; default: the install's PARTNERSHIP_DEFAULT_TIMEZONE")
    stage: PartnershipStage = "scoping"
    launch_target_low: int = Field(default=rules.LAUNCH_TARGET_LOW, ge=1, le=1000)
    launch_target_high: int = Field(default=rules.LAUNCH_TARGET_HIGH, ge=1, le=1000,
                                    description="not below launch_target_low")
    launch_minimum: int = Field(default=rules.LAUNCH_MINIMUM, ge=1, le=1000)


def partnership_json(p: Partnership) -> dict:
    return PartnershipOut.model_validate(p, from_attributes=True).model_dump()


@bp.get("/partnerships")
@document("get", "/partnerships", summary="Partnerships you may see", response=PartnershipOut,
          paginated=True)
def list_partnerships():
    """Partnerships visible to the token's user."""
    stmt = limit_partnerships(select(Partnership).order_by(Partnership.id), Partnership.id, current_user)
    return ok(page_of(stmt, partnership_json))


@bp.post("/partnerships")
@document("post", "/partnerships", summary="Create a partnership (admins and conveners)", body=PartnershipIn,
          response=PartnershipOut, status=201)
def create_partnership():
    """Create a partnership."""
    if not current_user.is_staff:
        raise ApiError(403, "forbidden", "Only administrators and conveners create partnerships.")
    data = parse(PartnershipIn)
    fields = {}
    if data.stage not in values(PARTNERSHIP_STAGES):
        fields["stage"] = [f"one of {', '.join(values(PARTNERSHIP_STAGES))}"]
    if zone(data.timezone).key != data.timezone:
        fields["timezone"] = [f"an IANA time zone name such as {default_timezone()}"]
    if data.launch_target_high < data.launch_target_low:
        fields["launch_target_high"] = ["must not be below launch_target_low"]
    if fields:
        raise ApiError(400, "invalid", "Some fields are not valid.", fields)
    try:
        # an optional text left blank reads back as null, like every other API text field
        partnership = services.create_partnership(**{**data.model_dump(), "region": clean(data.region)},
                                                  creator=current_user)
    except services.PartnershipError as error:
        raise ApiError(409, "conflict", str(error), {"name": [str(error)]}) from None
    db.session.commit()
    return ok(partnership_json(partnership), 201)


@bp.get("/partnerships/<int:partnership_id>")
@document("get", "/partnerships/{partnership_id}", summary="One partnership", response=PartnershipOut)
def get_partnership(partnership_id: int):
    """One partnership, if visible."""
    return ok(partnership_json(get_partnership_or_404(partnership_id)))


# --- partnership members --------------------------------------------------------------------

class MemberOut(BaseModel):
    id: int
    partnership_id: int
    person_id: int
    person_name: str
    role: Role
    stage: Stage
    revisit_on: date | None = None
    version: int


class MemberIn(Body):
    person_id: Id
    role: Role = "member"
    stage: Stage = "candidate"


class MemberPatch(Body):
    """A new role and/or pipeline stage. `version` is the membership's as last read: a stale
    one answers 409 and changes nothing. Stage `not_now` needs a `reason` (and may carry
    `revisit_on`)."""

    role: Role | None = None
    stage: Stage | None = None
    reason: str | None = Field(default=None, max_length=2000)
    revisit_on: Date | None = None
    version: int = Field(ge=1, le=2**31 - 1)


def member_json(m: Membership) -> dict:
    return {"id": m.id, "partnership_id": m.partnership_id, "person_id": m.person_id,
            "person_name": m.person.name, "role": m.role, "stage": m.stage,
            "revisit_on": m.revisit_on.isoformat() if m.revisit_on else None, "version": m.version}


@bp.get("/partnerships/<int:partnership_id>/members")
@document("get", "/partnerships/{partnership_id}/members", summary="Members of a partnership",
          response=MemberOut, paginated=True, params=PAGE_PARAMS, tag="partnerships")
def list_members(partnership_id: int):
    """Members with role and pipeline stage."""
    get_partnership_or_404(partnership_id)
    stmt = (select(Membership).where(Membership.partnership_id == partnership_id)
            .options(selectinload(Membership.person)).order_by(Membership.id))
    return ok(page_of(stmt, member_json))


@bp.post("/partnerships/<int:partnership_id>/members")
@document("post", "/partnerships/{partnership_id}/members", summary="Add a member",
          body=MemberIn, response=MemberOut, status=201, tag="partnerships")
def add_member(partnership_id: int):
    """Add a person in a role and stage (conveners of the partnership, admins)."""
    partnership = get_partnership_or_404(partnership_id)
    if not current_user.is_staff:
        raise ApiError(403, "forbidden", "Only conveners and administrators add members.")
    data = parse(MemberIn)
    if visible_person(current_user, data.person_id) is None:  # missing or not visible: one answer
        raise ApiError(400, "invalid", "No such person.", {"person_id": ["no such person"]})
    try:
        membership = services.add_member(partnership, data.person_id, data.role,
                                                     data.stage, user_id=current_user.id)
    except services.PartnershipError as error:
        raise ApiError(409, "conflict", str(error), {"person_id": [str(error)]}) from None
    db.session.commit()
    return ok(member_json(membership), 201)


@bp.patch("/partnerships/<int:partnership_id>/members/<int:person_id>")
@document("patch", "/partnerships/{partnership_id}/members/{person_id}", summary="Change a member's role or stage",
          body=MemberPatch, response=MemberOut, tag="partnerships")
def update_member(partnership_id: int, person_id: int):
    """Move a member along the pipeline or change their role (conveners of the partnership, admins)."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    membership = services.membership_of(partnership.id, person_id)
    if membership is None or visible_person(current_user, person_id) is None:
        raise ApiError(404, "not_found", "No such member.")
    data = parse(MemberPatch)
    if data.version != membership.version:
        raise ApiError(409, "conflict", "Someone changed this member since you read it: read it again.",
                       {"version": [f"now {membership.version}"]})
    try:
        services.move_stage(membership, data.stage or membership.stage, user_id=current_user.id,
                            reason=clean(data.reason), role=data.role, revisit_on=data.revisit_on)
    except services.PartnershipError as error:
        raise ApiError(400, "invalid", str(error), {"reason" if "not now" in str(error) else "stage": [str(error)]}) \
            from None
    db.session.commit()
    return ok(member_json(membership))
