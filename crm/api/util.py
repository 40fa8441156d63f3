"""Request parsing and response helpers shared by the API modules."""

from __future__ import annotations

from typing import TypeVar

from flask import abort, jsonify, request
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlalchemy import Select

from crm.errors import api_error
from crm.extensions import db
from crm.ids import MAX_ID, parse_id

M = TypeVar("M", bound=BaseModel)
MAX_PER_PAGE = 200
#: The query parameters of every paginated list, for the OpenAPI document.
PAGE_PARAMS = [{"name": n, "in": "query", "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": m}}
               for n, m in (("page", 10**6), ("per_page", MAX_PER_PAGE))]


#: The API spells `organization` everywhere, as its paths do; the database and the services
#: keep `organisation`. Each old field name is still accepted on input (deprecated, and marked
#: so in the document); both names sent with different values is refused.
DEPRECATED_FIELDS = {"organisation_id": "organization_id", "host_organisation_id": "host_organization_id"}


def api_field(name: str) -> str:
    """The API's name for a field a service names (`host_organisation_id` ->
    `host_organization_id`), e.g. in an error's `fields`."""
    return DEPRECATED_FIELDS.get(name, name)


def service_values(values: dict) -> dict:
    """A body's values under the services' names (`organization_id` -> `organisation_id`)."""
    spelled = {new: old for old, new in DEPRECATED_FIELDS.items()}
    return {spelled.get(name, name): value for name, value in values.items()}


def _document_body(schema: dict, _model) -> None:
    """What the JSON Schema of a body cannot say by itself: an optional text sent empty clears
    the field (read back as null); the deprecated spellings of field names."""
    properties = schema.get("properties", {})
    for prop in properties.values():
        text = [s for s in prop.get("anyOf", []) if s.get("type") == "string"]
        kinds = sorted(str(s.get("type")) for s in prop.get("anyOf", []))
        if (kinds == ["null", "string"] and "description" not in prop and "pattern" not in text[0]
                and not text[0].get("minLength") and "format" not in text[0]):
            prop["description"] = "Empty or null clears it (read back as null)."
    for old, new in DEPRECATED_FIELDS.items():
        if new in properties:
            properties[old] = {**properties[new], "deprecated": True, "title": old,
                               "description": f"Deprecated spelling of `{new}`: still accepted, send `{new}`."}


class Body(BaseModel):
    """A request body: unknown fields refused, text trimmed, no NUL characters (PostgreSQL
    refuses them in text), deprecated field names read as their new ones."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra=_document_body)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data):
        if isinstance(data, dict):
            for value in data.values():
                texts = value if isinstance(value, list) else [value]
                if any(isinstance(t, str) and "\x00" in t for t in texts):
                    raise ValueError("text may not contain NUL characters")
        return data

    @model_validator(mode="before")
    @classmethod
    def _deprecated_names(cls, data):
        if not isinstance(data, dict):
            return data
        for old, new in DEPRECATED_FIELDS.items():
            if old in data and new in cls.model_fields:
                data = dict(data)
                value = data.pop(old)
                if new in data and data[new] != value:
                    raise ValueError(f"{old} (deprecated) and {new} disagree: send {new} only")
                data[new] = value
        return data


class ApiError(Exception):
    """Raise from a handler to answer with the API's error shape."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}

    def response(self):
        return api_error(self.status, self.code, self.message, self.fields)


def parse(model: type[M]) -> M:
    """The JSON body validated by `model`; 415/400 with per-field messages otherwise."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send a JSON body (Content-Type: application/json).")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    try:
        # strict: a JSON value of the wrong type is refused, at any depth ("2" is not 2, 2.0
        # is not an id, 0 is not a date-time), instead of being converted
        return model.model_validate(data, strict=True)
    except ValidationError as error:
        fields: dict[str, list[str]] = {}
        for item in error.errors(include_url=False, include_context=False, include_input=False):
            name = ".".join(str(p) for p in item["loc"]) or "body"
            fields.setdefault(name, []).append(item["msg"])
        raise ApiError(400, "invalid", "Some fields are not valid.", fields) from None


def int_arg(name: str, default: int | None = None, minimum: int = 1, maximum: int = 10**9) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid", f"{name} must be a whole number.", {name: ["not an integer"]}) from None
    if not minimum <= value <= maximum:
        raise ApiError(400, "invalid", f"{name} must be between {minimum} and {maximum}.",
                       {name: ["out of range"]})
    return value


def id_arg(name: str) -> int | None:
    """An id from the query string (crm/ids.py): None when absent, 400 when not an id."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    value = parse_id(raw)
    if value is None:
        raise ApiError(400, "invalid", f"{name} must be an id (a whole number from 1 to {MAX_ID}).",
                       {name: ["not an id"]})
    return value


def page_of(stmt: Select, serialise, per_page_default: int = 50, whole_page: bool = False) -> dict:
    """One page of a query as {"items", "page", "per_page", "has_next"}; `serialise` takes one
    row, or (`whole_page`) the page's rows at once (to load what they share in one query)."""
    page = int_arg("page", 1, maximum=10**6)
    per_page = int_arg("per_page", per_page_default, maximum=MAX_PER_PAGE)
    rows = db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page + 1)).all()
    items = serialise(rows[:per_page]) if whole_page else [serialise(r) for r in rows[:per_page]]
    return {"items": items, "page": page, "per_page": per_page, "has_next": len(rows) > per_page}


def ok(data, status: int = 200):
    return jsonify(data), status


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj
