"""The OpenAPI 3 document: each endpoint describes itself where it is defined.

    @bp.get("/people/<int:person_id>")
    @document("get", "/people/{person_id}", summary="One person", response=PersonOut)
    def get_person(person_id): ...

Request and response bodies are pydantic models, whose JSON Schemas become components.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from crm.ids import MAX_ID

PATHS: dict[str, dict[str, Any]] = {}
SCHEMAS: dict[str, Any] = {}

#: an id in a path or a query string (crm/ids.py)
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

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


def _errors(*codes: int) -> dict:
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    text = {400: "Invalid input", 401: "Missing or invalid token", 403: "Not allowed",
            404: "Not found (or not visible to you)", 409: "Conflict", 413: "Too large",
            415: "Not JSON", 429: "Too many requests"}
    return {str(c): {"description": text.get(c, "Error"), "content": content} for c in codes}


def document(method: str, path: str, *, summary: str, response: type[BaseModel] | None = None,
             response_list: bool = False, paginated: bool = False, body: type[BaseModel] | None = None,
             status: int = 200, params: list[dict] | None = None, tag: str | None = None):
    """Describe one endpoint in the OpenAPI document (a decorator that changes nothing)."""

    def decorate(view):
        parameters = [{"name": n.strip("{}"), "in": "path", "required": True, "schema": ID_SCHEMA}
                      for n in path.split("/") if n.startswith("{")]
        parameters += params or []
        op: dict[str, Any] = {"summary": summary, "operationId": view.__name__,
                              "parameters": parameters, "security": [{"bearer": []}],
                              "tags": [tag or path.strip("/").split("/")[0]]}
        if body is not None:
            op["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": _schema_ref(body, mode="validation")}}}
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
        codes = [401, 404] + ([400, 415] if body is not None or params else []) + (
            [403, 409] if method in ("post", "patch", "delete") else [])
        op["responses"] = {str(status): ok, **_errors(*codes)}
        PATHS.setdefault(path, {})[method] = op
        return view

    return decorate


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Convene API", "version": "1",
                 "description": "Sector partnership CRM. Authenticate with a personal token: "
                                "`Authorization: Bearer TOKEN` (create one on your account page "
                                "or with `crm token create --email E`)."},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": {"Error": ERROR_SCHEMA, **SCHEMAS},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
