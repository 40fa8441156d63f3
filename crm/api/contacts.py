"""API endpoints for organisations, people and relationships (ties); partnership members are in
crm/api/partnerships.py.

Same rules as the pages: staff see and change the whole contact base; chairs and viewers see
people only through their partnerships and change nothing here. Deleting a person or an
organisation archives it (history kept); deleting a relationship removes the tie (the audit
log keeps it). PATCH takes an optional `version`: a stale one answers 409 with the fields
someone else changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from flask import request
from flask_login import current_user
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm import vocab
from crm.accounts.access import (
    get_person_or_404,
    limit_people,
    visible_organisation,
    visible_partnership,
    visible_person,
    visible_tie,
)
from crm.api import bp
from crm.api.spec import ID_SCHEMA, document
from crm.api.util import PAGE_PARAMS, ApiError, Body, id_arg, ok, page_of, parse
from crm.contacts import queries, services
from crm.contacts.forms import SearchArgs
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.ids import MAX_ID, Id

OrgKind = Literal[vocab.values(vocab.ORG_KINDS)]  # type: ignore[valid-type]
Side = Literal[vocab.values(vocab.SIDES)]  # type: ignore[valid-type]
Size = Literal[vocab.values(vocab.SIZES)]  # type: ignore[valid-type]
TieKind = Literal[vocab.values(vocab.TIE_KINDS)]  # type: ignore[valid-type]
Text = Field(default=None, max_length=20000)


def _require_staff() -> None:
    if not current_user.is_staff:
        raise ApiError(403, "forbidden", "Only conveners and administrators change contacts.")


def _conflict(error: services.Conflict) -> ApiError:
    fields = {name: [f"changed by someone else; now {theirs!r}"] for name, theirs, _ in error.changes}
    return ApiError(409, "conflict", str(error), fields)


# --- organisations --------------------------------------------------------------------------

class OrganizationOut(BaseModel):
    id: int
    name: str
    side: Side
    kind: OrgKind
    sector: str | None
    naics: str | None
    county: str | None
    city: str | None
    size: str | None
    website: str | None
    notes: str | None
    archived_at: datetime | None
    version: int


class OrganizationPatch(Body):
    """Changes to an organization; only the fields sent change (empty or null text clears it;
    `name` may not be blank or null). `side` and `kind` must agree: an employer has kind
    `employer`, a community partner any other kind (else 400); sending only `side` sets the
    kind to match. A stale `version` answers 409."""

    name: str = Field(default=None, min_length=1, max_length=200)
    side: Side | None = None
    kind: OrgKind | None = None
    sector: str | None = Field(default=None, max_length=120)
    naics: str | None = Field(default=None, pattern=r"^\d{2,6}$")
    county: str | None = Field(default=None, max_length=120)
    city: str | None = Field(default=None, max_length=120)
    size: Size | None = None
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://")
    notes: str | None = Text
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class OrganizationIn(OrganizationPatch):
    """A new organization. `side` and `kind` must agree (employer: kind `employer`; community
    partner: another kind), else 400; empty optional text reads back as null."""

    name: str = Field(min_length=1, max_length=200)


def _when(value: datetime | None) -> str | None:
    """RFC 3339 with an offset (SQLite hands back naive UTC datetimes)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def organisation_json(org: Organisation) -> dict:
    data = {f: getattr(org, f) for f in OrganizationOut.model_fields}
    data["archived_at"] = _when(org.archived_at)
    return data


def _organisation_values(data: OrganizationPatch, org: Organisation | None) -> dict:
    values = data.model_dump(exclude_unset=True, exclude={"version", "side"})
    if "name" in values and not (values["name"] or "").strip():
        raise ApiError(400, "invalid", "Some fields are not valid.", {"name": ["may not be blank"]})
    side = data.side if "side" in data.model_fields_set else None
    kind = values.get("kind") or (org.kind if org and "kind" not in values else None)
    if side and "kind" not in values:
        if side == "employer":
            values["kind"] = "employer"
        elif kind in (None, "employer"):
            values["kind"] = "other"
    elif side and kind and (side == "employer") != (kind == "employer"):
        raise ApiError(400, "invalid", "Side and kind disagree.",
                       {"side": ["employers have kind 'employer'; community partners another kind"]})
    return values


def _get_organisation(org_id: int) -> Organisation:
    org = visible_organisation(current_user, org_id)
    if org is None:
        raise ApiError(404, "not_found", "No such organisation (or not visible to you).")
    return org


Q_PARAM = {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}


@bp.get("/organizations")
@document("get", "/organizations", summary="Organizations you may see", response=OrganizationOut,
          paginated=True, params=[Q_PARAM, {"name": "side", "in": "query", "required": False,
                                            "schema": {"type": "string",
                                                       "enum": list(vocab.values(vocab.SIDES))}},
                                  *PAGE_PARAMS], tag="organizations")
def list_organizations():
    """Organizations, by name; optional `q` (name) and `side`."""
    stmt = select(Organisation).where(Organisation.archived_at.is_(None))
    if not current_user.is_staff:
        stmt = stmt.where(Organisation.id.in_(
            limit_people(select(Person.organisation_id), Person.id, current_user)))
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        stmt = stmt.where(Organisation.name_key.like(queries._like(services.name_key(q)), escape="\\"))
    side = request.args.get("side")
    if side:
        if side not in vocab.values(vocab.SIDES):
            raise ApiError(400, "invalid", "side is employer or community.", {"side": ["unknown side"]})
        stmt = stmt.where(Organisation.side == side)
    return ok(page_of(stmt.order_by(Organisation.name_key, Organisation.id), organisation_json))


@bp.post("/organizations")
@document("post", "/organizations", summary="Create an organization", body=OrganizationIn,
          response=OrganizationOut, status=201, tag="organizations")
def create_organization():
    """Create an employer or community partner organisation."""
    _require_staff()
    data = parse(OrganizationIn)
    try:
        org = services.save_organisation(None, _organisation_values(data, None))
    except services.ContactError as error:
        raise ApiError(400, "invalid", str(error), {"name": [str(error)]}) from None
    db.session.commit()
    return ok(organisation_json(org), 201)


@bp.get("/organizations/<int:org_id>")
@document("get", "/organizations/{org_id}", summary="One organization", response=OrganizationOut,
          tag="organizations")
def get_organization(org_id: int):
    """One organisation, if visible."""
    return ok(organisation_json(_get_organisation(org_id)))


@bp.patch("/organizations/<int:org_id>")
@document("patch", "/organizations/{org_id}", summary="Change an organization",
          body=OrganizationPatch, response=OrganizationOut, tag="organizations")
def update_organization(org_id: int):
    """Change some fields; a stale `version` answers 409."""
    org = _get_organisation(org_id)
    _require_staff()
    data = parse(OrganizationPatch)
    try:
        services.save_organisation(org, _organisation_values(data, org), expected_version=data.version)
    except services.Conflict as error:
        raise _conflict(error) from None
    db.session.commit()
    return ok(organisation_json(org))


@bp.delete("/organizations/<int:org_id>")
@document("delete", "/organizations/{org_id}", summary="Archive an organization", status=204,
          tag="organizations")
def delete_organization(org_id: int):
    """Archive (never delete): its people and history stay."""
    org = _get_organisation(org_id)
    _require_staff()
    services.archive_organisation(org)
    db.session.commit()
    return "", 204


# --- people ---------------------------------------------------------------------------------

class PersonOut(BaseModel):
    id: int
    name: str
    title: str | None
    organization_id: int | None
    organization_name: str | None
    side: Side | None
    email: str | None
    phone: str | None
    notes: str | None
    tags: list[str]
    archived_at: datetime | None
    version: int


class PersonPatch(Body):
    """Changes to a person; only the fields sent change (empty or null text clears it; `name`
    and `tags` may not be null). `organization_id` must name an existing organization. A stale
    `version` answers 409 with the fields someone else changed."""

    name: str = Field(default=None, min_length=1, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    organization_id: Id | None = None
    email: str | None = Field(default=None, max_length=320, json_schema_extra={"format": "email"},
                              description="Empty or null clears it (read back as null).")
    phone: str | None = Field(default=None, max_length=60, pattern=r"^[0-9+().\-\s/xext]*$")
    notes: str | None = Text
    tags: list[str] = Field(default=None, max_length=50)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        """A valid address, kept as typed (the service lower-cases it), as the web form does:
        email_validator's own normal form would turn an `xn--` domain into Unicode, so what
        was sent would not read back."""
        if value is None or not value.strip():
            return None
        try:
            validate_email(value.strip(), check_deliverability=False)
        except EmailNotValidError as error:
            raise ValueError(f"not a valid email address: {error}") from None
        return value.strip()


class PersonIn(PersonPatch):
    """A new person; `organization_id` must name an existing organization; empty optional text
    reads back as null."""

    name: str = Field(min_length=1, max_length=200)


def person_json(p: Person) -> dict:
    return {"id": p.id, "name": p.name, "title": p.title, "organization_id": p.organisation_id,
            "organization_name": p.organisation.name if p.organisation else None, "side": p.side,
            "email": p.email, "phone": p.phone, "notes": p.notes,
            # one order whatever the database's collation, and the same in a POST's answer as in a GET's
            "tags": sorted(p.tag_names),
            "archived_at": _when(p.archived_at),
            "version": p.version}


def _person_values(data: PersonPatch) -> dict:
    values = data.model_dump(exclude_unset=True, exclude={"version"})
    fields = {}
    for name in ("name", "tags"):
        if name in values and values[name] is None:
            fields[name] = ["may not be null"]
    if values.get("name") is not None and not values["name"].strip():
        fields["name"] = ["may not be blank"]
    if "organization_id" in values:  # the service's (and the database's) name
        values["organisation_id"] = values.pop("organization_id")
    if values.get("organisation_id") and visible_organisation(current_user, values["organisation_id"]) is None:
        fields["organization_id"] = ["no such organization"]
    if values.get("tags"):
        values["tags"] = services.parse_tags(",".join(t.replace(",", " ") for t in values["tags"]))
    if fields:
        raise ApiError(400, "invalid", "Some fields are not valid.", fields)
    return values


#: the list page's sorts in the API's spelling (its own spelling still accepted, deprecated)
API_SORTS = {value.replace("organisation", "organization"): value for value in SearchArgs.SORTS}
API_SORTS.update({value: value for value in SearchArgs.SORTS})

PEOPLE_PARAMS = [Q_PARAM] + [
    {"name": n, "in": "query", "required": False, "schema": s} for n, s in (
        ("side", {"type": "string", "enum": list(vocab.values(vocab.SIDES))}),
        ("kind", {"type": "string", "enum": list(vocab.values(vocab.ORG_KINDS))}),
        ("sector", {"type": "string"}), ("county", {"type": "string"}), ("tag", {"type": "string"}),
        ("partnership", ID_SCHEMA),
        ("stage", {"type": "string", "enum": list(vocab.values(vocab.STAGES))}),
        ("sort", {"type": "string", "enum": sorted(API_SORTS),
                  "description": "`organisation` and `-organisation` are the deprecated spellings of "
                                 "`organization` and `-organization`, still accepted"}),
        ("archived", {"type": "string", "enum": ["0", "1"]}))
] + PAGE_PARAMS


@bp.get("/people")
@document("get", "/people", summary="People you may see, with the list page's filters",
          response=PersonOut, paginated=True, params=PEOPLE_PARAMS)
def list_people():
    """People matching q, side, kind, sector, county, tag, partnership, stage; sorted; paged."""
    query = request.args.copy()
    if "sort" in query:
        query["sort"] = API_SORTS.get(query["sort"], query["sort"])
    args = SearchArgs(query)
    if args.partnership and visible_partnership(current_user, args.partnership) is None:
        raise ApiError(404, "not_found", "No such partnership (or not visible to you).")
    stmt = queries.people_query(args, current_user).options(
        selectinload(Person.organisation), selectinload(Person.tags))
    return ok(page_of(stmt, person_json))


class PossibleDuplicateOut(BaseModel):
    person: PersonOut
    reason: str


DUPLICATE_PARAMS = [
    {"name": "name", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200}},
    {"name": "email", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 320}},
    {"name": "organization_id", "in": "query", "required": False, "schema": ID_SCHEMA},
]


@bp.get("/people/possible-duplicates")
@document("get", "/people/possible-duplicates", summary="Who a person about to be added may already be",
          response=PossibleDuplicateOut, response_list=True, params=DUPLICATE_PARAMS)
def possible_duplicates():
    """The people already recorded with this email, or a like name at this organisation (the
    check the new-person page makes before saving)."""
    _require_staff()
    name = (request.args.get("name") or "").strip()[:200]
    email = (request.args.get("email") or "").strip()[:320]
    org = visible_organisation(current_user, request.args.get("organization_id")) \
        if request.args.get("organization_id") else None
    if request.args.get("organization_id") and org is None:
        raise ApiError(404, "not_found", "No such organization (or not visible to you).")
    found = services.possible_duplicates(name, email, org.id if org else None)
    return ok([{"person": person_json(p), "reason": why} for p, why in found])


@bp.post("/people")
@document("post", "/people", summary="Create a person", body=PersonIn, response=PersonOut,
          status=201)
def create_person():
    """Create a person (tags as a list of names)."""
    _require_staff()
    try:
        person = services.save_person(None, _person_values(parse(PersonIn)))
    except services.ContactError as error:
        raise ApiError(400, "invalid", str(error), {"name": [str(error)]}) from None
    db.session.commit()
    return ok(person_json(person), 201)


@bp.get("/people/<int:person_id>")
@document("get", "/people/{person_id}", summary="One person", response=PersonOut)
def get_person(person_id: int):
    """One person, if visible."""
    return ok(person_json(get_person_or_404(person_id)))


@bp.patch("/people/<int:person_id>")
@document("patch", "/people/{person_id}", summary="Change a person", body=PersonPatch,
          response=PersonOut)
def update_person(person_id: int):
    """Change some fields; a stale `version` answers 409 with what changed."""
    person = get_person_or_404(person_id)
    _require_staff()
    data = parse(PersonPatch)
    try:
        services.save_person(person, _person_values(data), expected_version=data.version)
    except services.Conflict as error:
        raise _conflict(error) from None
    db.session.commit()
    return ok(person_json(person))


@bp.delete("/people/<int:person_id>")
@document("delete", "/people/{person_id}", summary="Archive a person", status=204)
def delete_person(person_id: int):
    """Archive (never delete): ties, memberships and history stay."""
    person = get_person_or_404(person_id)
    _require_staff()
    services.archive_person(person)
    db.session.commit()
    return "", 204


# --- relationships --------------------------------------------------------------------------

class RelationshipOut(BaseModel):
    id: int
    kind: TieKind
    source_id: int
    target_id: int
    strength: int
    note: str | None


class RelationshipIn(Body):
    """A tie between two different existing people (`source_id` != `target_id`, else 400);
    `knows` is mutual, `referred` runs from the referrer; the same tie twice answers 409."""

    kind: TieKind
    source_id: Id
    target_id: Id
    strength: int = Field(default=1, ge=1, le=3)
    note: str | None = Field(default=None, max_length=2000)


def relationship_json(t: Tie) -> dict:
    return {"id": t.id, "kind": t.kind, "source_id": t.source_id, "target_id": t.target_id,
            "strength": t.strength, "note": t.context}


@bp.get("/relationships")
@document("get", "/relationships", summary="Ties: who knows whom, who referred whom (staff)",
          response=RelationshipOut, paginated=True,
          params=[{"name": "person_id", "in": "query", "required": False, "schema": ID_SCHEMA},
                  {"name": "kind", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": list(vocab.values(vocab.TIE_KINDS))}},
                  *PAGE_PARAMS])
def list_relationships():
    """Ties, optionally of one person and of one kind."""
    _require_staff()
    stmt = select(Tie).order_by(Tie.id)
    person_id = id_arg("person_id")
    if person_id:
        stmt = stmt.where(or_(Tie.source_id == person_id, Tie.target_id == person_id))
    kind = request.args.get("kind")
    if kind:
        if kind not in vocab.values(vocab.TIE_KINDS):
            raise ApiError(400, "invalid", "kind is knows or referred.", {"kind": ["unknown kind"]})
        stmt = stmt.where(Tie.kind == kind)
    return ok(page_of(stmt, relationship_json))


@bp.post("/relationships")
@document("post", "/relationships", summary="Record a tie (knows: mutual; referred: directed)",
          body=RelationshipIn, response=RelationshipOut, status=201)
def create_relationship():
    """Record who knows whom or who referred whom; a duplicate or self tie answers 409/400."""
    _require_staff()
    data = parse(RelationshipIn)
    if data.source_id == data.target_id:
        raise ApiError(400, "invalid", "A person cannot be tied to themselves.",
                       {"target_id": ["same as source_id"]})
    for name in ("source_id", "target_id"):
        if visible_person(current_user, getattr(data, name)) is None:
            raise ApiError(400, "invalid", "No such person.", {name: ["no such person"]})
    try:
        tie = services.add_tie(data.kind, data.source_id, data.target_id, data.strength, data.note,
                               source="api", created_by_id=current_user.id)
    except services.ContactError as error:
        raise ApiError(409, "conflict", str(error), {"target_id": [str(error)]}) from None
    db.session.commit()
    return ok(relationship_json(tie), 201)


@bp.delete("/relationships/<int:tie_id>")
@document("delete", "/relationships/{tie_id}", summary="Remove a tie (the audit log keeps it)",
          status=204)
def delete_relationship(tie_id: int):
    """Delete a tie."""
    _require_staff()
    tie = visible_tie(current_user, tie_id)
    if tie is None:
        raise ApiError(404, "not_found", "No such relationship.")
    db.session.delete(tie)
    db.session.commit()
    return "", 204
