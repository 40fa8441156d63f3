"""POST /api/v1/imports: the import page's preview and confirm in one request.

Multipart: `file` (CSV or vCard, the same encodings, limits and formats as the page), optional
`kind` (people, organizations or relationships; people by default), `mapping` (JSON: field ->
column index or header name; by default the guessed one, a known program's own columns; the
organisation field is spelled `organization`, as everywhere in the API),
`contacts_of` (a person id: each person of the file gets a `knows` tie from them), `sector` and
`county` (for new organisations) and `dry_run`. With `dry_run` nothing is written and the answer
is the preview; without it the same plan is applied and the answer carries the ids.
"""

from __future__ import annotations

import json
import secrets

from flask import request
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy import select

from crm.accounts.access import visible_person
from crm.api import bp
from crm.api.spec import ID_SCHEMA, document
from crm.api.util import ApiError, ok
from crm.contacts import import_parsing, import_runs
from crm.contacts.models import Organisation, name_key
from crm.extensions import db


class Problem(BaseModel):
    field: str
    message: str


class ImportRow(BaseModel):
    row: int
    action: str
    reason: str
    person: dict
    changes: dict
    warnings: list[Problem]
    errors: list[Problem]
    id: int | None = None


class ImportOrganization(BaseModel):
    name: str
    side: str
    kind: str
    action: str
    reason: str
    id: int | None = None


class ImportSummary(BaseModel):
    create: int
    update: int
    skip: int
    error: int
    ties: int


class ImportOut(BaseModel):
    dry_run: bool
    rows: list[ImportRow]
    organizations: list[ImportOrganization]
    summary: ImportSummary


#: the import kinds in the API's spelling (crm/api/util.py: DEPRECATED_FIELDS), to the importer's
API_KINDS = {kind.replace("organisations", "organizations"): kind for kind in import_runs.KINDS}

#: the API's spelling of a mapping field -> the importer's (crm/contacts/import_parsing.FIELDS)
API_FIELDS = {"organization": "organisation"}
OUR_FIELDS = {v: k for k, v in API_FIELDS.items()}

IMPORT_FORM = {
    "type": "object", "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV or vCard (.vcf) file"},
        "kind": {"type": "string", "enum": list(API_KINDS), "default": "people",
                 "description": "`organisations` is the deprecated spelling of `organizations`, still accepted"},
        "mapping": {"type": "string", "description": "JSON object: field -> column index or header name"},
        "contacts_of": {**ID_SCHEMA, "description": "whose contacts these are (a person id)"},
        "sector": {"type": "string", "maxLength": 120},
        "county": {"type": "string", "maxLength": 120},
        "dry_run": {"type": "boolean", "default": False},
    },
}

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def _flag(name: str) -> bool:
    raw = (request.form.get(name) or "").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ApiError(400, "invalid", f"{name} is true or false.", {name: ["true or false"]})
    return raw in _TRUE


def _mapping(kind: str, headers: list[str]) -> dict[str, int] | None:
    raw = request.form.get("mapping")
    if not raw:
        return None
    try:
        given = json.loads(raw)
    except ValueError:
        given = None
    if not isinstance(given, dict):
        raise ApiError(400, "invalid", "mapping is a JSON object.", {"mapping": ["a JSON object"]})
    fields = import_parsing.FIELDS[kind]
    mapping, problems = {}, {}
    for name, column in given.items():
        fld = API_FIELDS.get(name, name)
        if fld not in fields:
            problems[str(name)[:50]] = [f"not a field of this import: one of "
                                        f"{', '.join(OUR_FIELDS.get(f, f) for f in fields)}"]
        elif isinstance(column, int) and not isinstance(column, bool) and 0 <= column < len(headers):
            mapping[fld] = column
        elif isinstance(column, str) and column in headers:
            mapping[fld] = headers.index(column)
        else:
            problems[name] = ["a column index or a header name of the file"]
    if problems:
        raise ApiError(400, "invalid", "The mapping names unknown fields or columns.", problems)
    missing = import_parsing.missing_columns(kind, mapping)
    if missing and not missing[0].startswith("No column holds the email"):
        raise ApiError(400, "invalid", missing[0], {"mapping": missing})
    return mapping


def _problems(pairs) -> list[dict]:
    return [{"field": OUR_FIELDS.get(f, f), "message": m} for f, m in pairs]


def _row_json(plan: import_runs.Planned) -> dict:
    changes = {OUR_FIELDS.get(f, f): ({"old": v[0], "new": v[1]} if isinstance(v, tuple)
                                       else {"old": None, "new": v})
               for f, v in plan.changes.items()}
    return {"row": plan.line, "action": plan.action, "reason": plan.reason,
            "person": {OUR_FIELDS.get(k, k): v for k, v in plan.data.items() if isinstance(v, str | int)},
            "changes": changes, "warnings": _problems(plan.warnings),
            "errors": _problems(plan.errors), "id": plan.target_id}


@bp.post("/imports")
@document("post", "/imports", summary="Import a contact file (preview with dry_run, else apply)",
          response=ImportOut, form=IMPORT_FORM, tag="imports")
def create_import():
    """Preview (dry_run) or run an import of a CSV or vCard file, answering per row."""
    if not current_user.is_staff:
        raise ApiError(403, "forbidden", "Only conveners and administrators import contacts.")
    if request.mimetype != "multipart/form-data":
        request.get_data()  # an oversized body answers 413 like every other API write
        raise ApiError(415, "unsupported_media_type", "Send multipart/form-data with the file in the field file.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, "invalid", "Send the file as multipart form data (field: file).",
                       {"file": ["required"]})
    kind = request.form.get("kind") or "people"
    kind = API_KINDS.get(kind, kind)  # the old spelling `organisations` is the importer's own
    if kind not in import_runs.KINDS:
        raise ApiError(400, "invalid", "kind is people, organizations or relationships.", {"kind": ["unknown"]})
    dry_run = _flag("dry_run")
    data = upload.read()
    vcard = import_runs.is_vcard(upload.filename)
    try:
        if vcard and kind != "people":
            raise import_parsing.FileError("vCard files hold people: kind must be people.")
        headers = [] if vcard else import_parsing.read_csv(data).headers
    except import_parsing.FileError as error:
        raise ApiError(400, "invalid_file", str(error), {"file": [str(error)]}) from None
    info = {"kind": kind, "format": "vcard" if vcard else "csv", "mapping": _mapping(kind, headers)}
    options = import_runs.Options(sector=(request.form.get("sector") or "").strip()[:120] or None,
                                  county=(request.form.get("county") or "").strip()[:120] or None)
    if request.form.get("contacts_of"):
        owner = visible_person(current_user, request.form.get("contacts_of"))
        if owner is None or kind != "people":
            raise ApiError(400, "invalid", "contacts_of names no person you can see (people files only).",
                           {"contacts_of": ["no such person"]})
        options.contacts_of, options.source = owner.id, f"import:api-{secrets.token_urlsafe(12)}"
    records = import_runs.records_of(info, data)
    plans = import_runs.plan(kind, records, options)
    new_orgs = import_runs.new_organisations(plans, options) if kind == "people" else []
    options.org_kinds = {o.key: o.kind for o in new_orgs}
    if dry_run:
        db.session.rollback()
    else:
        plans = import_runs.run_all(kind, records, options)
        db.session.commit()
    ids = {}
    if new_orgs and not dry_run:
        ids = dict(db.session.execute(select(Organisation.name_key, Organisation.id).where(
            Organisation.name_key.in_([o.key for o in new_orgs]))).all())
    organisations = [{"name": o.name, "side": o.side, "kind": o.kind, "action": "create",
                      "reason": o.guess.reason, "id": ids.get(name_key(o.name))} for o in new_orgs]
    return ok({"dry_run": dry_run, "rows": [_row_json(p) for p in plans],
               "organizations": organisations, "summary": import_runs.summary(plans)})
