"""The OpenAPI 3 document: each endpoint describes itself where it is defined.

    @bp.get("/people/<int:person_id>")
    @document("get", "/people/{person_id}", summary="One person", response=PersonOut)
    def get_person(person_id): ...

Request and response bodies are pydantic models, whose JSON Schemas (2020-12, as OpenAPI 3.1
uses) become components. The document is then made regular in one pass, so every endpoint
added anywhere gets the same treatment without doing anything:

- an enum whose values are one of the domain's vocabularies (crm/vocab.py) becomes a `$ref`
  to one named schema (`Side`, `PipelineStage`...): a generated client has one enum class per
  vocabulary, not `PersonOutSideType0`;
- `default: null` is dropped where null is not allowed (a PATCH field left out is not null);
- a model's docstring becomes its schema's description (state cross-field rules there).

The query parameters documented here are also enforced by `check_query` (crm/api/__init__.py
runs it before every endpoint): an unknown enum value, a number out of range or a missing
required parameter answers 400 naming what is allowed.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from pydantic import BaseModel

from crm import vocab
from crm.contacts import import_runs
from crm.health import lights, signals, snapshot
from crm.ids import MAX_ID, parse_id
from crm.launch import action_plans
from crm.outreach import guardrails
from crm.outreach.timeline import PACE_LABELS

PATHS: dict[str, dict[str, Any]] = {}
SCHEMAS: dict[str, Any] = {}

#: an id in a path or a query string (crm/ids.py)
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

#: Each vocabulary the API speaks, by the name of its schema in the document.
NAMED_ENUMS: dict[str, tuple] = {
    "Side": vocab.values(vocab.SIDES),
    "OrganizationKind": vocab.values(vocab.ORG_KINDS),
    "OrganizationSize": vocab.values(vocab.SIZES),
    "PartnershipStage": vocab.values(vocab.PARTNERSHIP_STAGES),
    "MemberRole": vocab.values(vocab.ROLES),
    "PipelineStage": vocab.values(vocab.STAGES),
    "TieKind": vocab.values(vocab.TIE_KINDS),
    "NoteKind": vocab.values(vocab.NOTE_KINDS),
    "Trait": vocab.values(vocab.TRAITS),
    "ScoreLabel": vocab.values(vocab.SCORE_LABELS),
    "MeetingKind": vocab.values(vocab.MEETING_KINDS),
    "TaskKind": vocab.values(vocab.TASK_KINDS),
    "TaskStatus": vocab.values(vocab.TASK_STATUSES),
    "TaskOutcome": vocab.values(vocab.TASK_OUTCOMES),
    "Pace": tuple(PACE_LABELS),
    "UserRole": vocab.values(vocab.USER_ROLES),
    "WarningCode": tuple(guardrails.LABELS),
    "JudgementCall": vocab.values(vocab.JUDGEMENT_CALLS),
    "HealthCode": signals.RED_FLAGS + lights.CODES,
    "HealthState": snapshot.STATES,
    "HealthItemType": snapshot.ITEM_TYPES,
    "CommitmentStatus": vocab.values(vocab.COMMITMENT_STATUSES),
    "EarlyWinKind": vocab.values(vocab.EARLY_WIN_KINDS),
    "PlanWarningCode": tuple(action_plans.LABELS),
    "ImportKind": tuple(k.replace("organisations", "organizations") for k in import_runs.KINDS),
}
_ENUM_NAMES = {frozenset(v): name for name, v in NAMED_ENUMS.items()}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "fields"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                            "fields": {"type": "object"}}}},
}


def _schema_ref(model: type[BaseModel], mode: str = "serialization") -> dict:
    name = model.__name__
    if name not in SCHEMAS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        for def_name, definition in schema.pop("$defs", {}).items():
            SCHEMAS.setdefault(def_name, definition)
        SCHEMAS[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def _allows_null(schema: dict) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_allows_null(s) for s in schema.get("anyOf", []) + schema.get("oneOf", []))


def regular(node: Any) -> Any:
    """A copy of a schema (or of the whole document) with named enums and no impossible
    `default: null` (see the module docstring)."""
    if isinstance(node, list):
        return [regular(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: regular(value) for key, value in node.items()}
    name = _ENUM_NAMES.get(frozenset(node.get("enum", ()))) if isinstance(node.get("enum"), list) else None
    if name:
        kept = {k: v for k, v in node.items() if k in ("default", "description", "deprecated")}
        node = {"$ref": f"#/components/schemas/{name}", **kept}
    if "default" in node and node["default"] is None and "$ref" not in node and not _allows_null(node):
        del node["default"]
    return node


def _errors(*codes: int) -> dict:
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    text = {400: "Invalid input", 401: "Missing or invalid token", 403: "Not allowed",
            404: "Not found (or not visible to you)", 409: "Conflict", 413: "Too large",
            415: "Not JSON", 429: "Too many requests"}
    return {str(c): {"description": text.get(c, "Error"), "content": content} for c in codes}


def document(method: str, path: str, *, summary: str, response: type[BaseModel] | None = None,
             response_list: bool = False, paginated: bool = False, body: type[BaseModel] | None = None,
             status: int = 200, params: list[dict] | None = None, tag: str | None = None,
             form: dict | None = None, also: tuple[int, ...] = ()):
    """Describe one endpoint in the OpenAPI document (a decorator that changes nothing); `also`:
    other success statuses answering the same body (201 made, 200 already there)."""

    def decorate(view):
        parameters = [{"name": n.strip("{}"), "in": "path", "required": True, "schema": ID_SCHEMA}
                      for n in path.split("/") if n.startswith("{")]
        parameters += params or []
        for param in parameters:  # a required text parameter sent empty counts as missing: say so
            if param.get("required") and param.get("schema", {}).get("type") == "string":
                param["schema"] = {"minLength": 1, **param["schema"]}
        view.query_parameters = [p for p in parameters if p["in"] == "query"]
        op: dict[str, Any] = {"summary": summary, "operationId": view.__name__,
                              "parameters": parameters, "security": [{"bearer": []}],
                              "tags": [tag or path.strip("/").split("/")[0]]}
        if body is not None:
            op["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema_ref(body, mode="validation")}}}
        if form is not None:  # a multipart upload (a file and form fields)
            op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form}}}
        if response is not None:
            schema = _schema_ref(response)
            if paginated:
                schema = {"type": "object", "required": ["items", "page", "per_page", "has_next"],
                          "properties": {"items": {"type": "array", "items": schema},
                                         "page": {"type": "integer"}, "per_page": {"type": "integer"},
                                         "has_next": {"type": "boolean"}}}
            elif response_list:
                schema = {"type": "array", "items": schema}
            ok = {"description": "OK", "content": {"application/json": {"schema": schema}}}
        else:
            ok = {"description": "No content"}
        codes = [401, 404] + ([400, 415] if body is not None or form is not None or params else []) + (
            [403, 409] if method in ("post", "put", "patch", "delete") else [])
        op["responses"] = {str(status): ok, **{str(s): ok for s in also}, **_errors(*codes)}
        PATHS.setdefault(path, {})[method] = op
        return view

    return decorate


def openapi_document() -> dict:
    enums = {name: {"type": "string", "enum": list(values), "title": name}
             for name, values in NAMED_ENUMS.items()}
    document = regular({
        "openapi": "3.1.0",
        "info": {"title": "Convene API", "version": "1",
                 "description": "Sector partnership CRM. Authenticate with a personal token: "
                                "`Authorization: Bearer TOKEN` (create one on your account page "
                                "or with `crm token create --email E`). One spelling: "
                                "`organization` (as in the paths); `organisation_id` and "
                                "`host_organisation_id` are still accepted on input, deprecated."},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": {"Error": ERROR_SCHEMA, **SCHEMAS},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    })
    document["components"]["schemas"].update(enums)  # after: they are what the refs point at
    return document


def _allowed(schema: dict) -> tuple | None:
    if "$ref" in schema:
        return NAMED_ENUMS.get(schema["$ref"].rsplit("/", 1)[-1])
    return tuple(schema["enum"]) if "enum" in schema else None


def query_problems(parameters: list[dict], args) -> dict[str, list[str]]:
    """What is wrong with the query string `args` against documented `parameters`: each
    message names what is allowed. Empty when all is well."""
    problems: dict[str, list[str]] = {}
    for param in parameters:
        name, schema = param["name"], regular(param.get("schema", {}))
        raw = args.get(name)
        if raw in (None, ""):
            if param.get("required"):
                problems[name] = ["required"]
            continue
        allowed = _allowed(schema)
        if allowed is not None and raw not in allowed:
            problems[name] = [f"{raw!r} is not one of: {', '.join(allowed)}"]
        elif schema.get("type") == "integer":
            value = parse_id(raw) if schema.get("minimum", 0) >= 1 else None
            if value is None:
                try:
                    value = int(raw.strip())
                except ValueError:
                    problems[name] = ["not a whole number"]
                    continue
            low, high = schema.get("minimum"), schema.get("maximum")
            if (low is not None and value < low) or (high is not None and value > high):
                problems[name] = [f"between {low} and {high}"]
    return problems


def check_query() -> dict[str, list[str]]:
    """`query_problems` for the endpoint of this request (none when it documents no query)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return query_problems(getattr(view, "query_parameters", []), request.args)
