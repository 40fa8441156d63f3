"""Every id a client sends is checked like the id in its URL (issue 12 item 3): the access
matrix, extended from URLs to fields.

Nothing here lists forms or fields by hand. The id fields are found:
- in forms: every POST form of every page the URL map offers, as rendered for an administrator
  and for each role of partnership A, plus every key the form's route reads when it is posted
  (so a field an htmx fragment adds, like the tie form's person picker, counts too);
- in query strings: every key each GET route reads (recorded while it answers);
- in API bodies and query parameters: every property of every request schema of the OpenAPI
  document whose schema is an id (`crm.ids.Id`: an integer from 1 to MAX_ID, alone, optional or
  in a list, nested objects included).
A key is an id field when its name says what it names (KIND_OF) or when its schema or rendered
value is an id; one that looks like an id but is not in KIND_OF fails the test, so a new id
field must say what it holds, and is then tried.

Each id field is tried, as each role of partnership A, with an id the role may not see (an
object of partnership B; for conveners, who see the whole contact base, only partnership
objects) and with an id that names nothing: the database must not change, and both answers must
be the same (status, redirect, flashed messages, body with the id masked), so nothing tells which
ids exist.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from crm.accounts import services as accounts
from crm.api.spec import openapi_document
from crm.contacts import services as contacts
from crm.extensions import db
from crm.ids import MAX_ID
from crm.launch import plans
from crm.outreach import services as outreach
from crm.partnerships import services as partnerships
from crm.timeutil import utcnow
from tests.conftest import app_context_then_empty
from tests.security.figures import put
from tests.security.forms import forms_of
from tests.security.helpers import fetch, keys_read, route_urls
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, dump, restore, sign_in, snapshot, url_values

ROLES_A = ("viewer_a", "chair_a", "convener_a")
#: an id that names nothing (and never will in this module's world)
MISSING = MAX_ID - 12345
#: what each id field names, by the name a form, a query string or an API body gives it
KIND_OF = {
    "person_id": "person", "other_id": "person", "owner_id": "person", "asker_id": "person",
    "knower": "person", "known": "person", "keep": "person", "drop": "person", "exclude": "person",
    "source_id": "person", "target_id": "person", "chair_ids": "person", "path": "person",
    "organisation_id": "organisation", "organisation": "organisation", "org": "organisation",
    "host_organisation_id": "organisation", "referred.organisation_id": "organisation",
    "organization_id": "organisation", "host_organization_id": "organisation",
    "referred.organization_id": "organisation",
    "partnership_id": "partnership", "partnership": "partnership", "partnership_ids": "partnership",
    "partnerships": "partnership", "contacts_of": "person",
    "joined_id": "person", "present_ids": "person", "priority_area_id": "priority_area",
    "referrer_id": "person", "meeting_id": "meeting", "commitment_id": "commitment",
}
#: keys that look like ids but are not (a row version, a page, a count)
NOT_IDS = {"version", "page", "per_page", "limit", "strength", "rating", "start"}
#: routes whose forms end the session or are not about ids
SKIP = {"static", "accounts.logout", "transfer.start", "accounts.setup", "accounts.setup_demo"}
LOOKS_LIKE_ID = re.compile(r"(^|_)ids?$")
#: what differs between two equal requests: times, and the graph change log's random tokens
TIMES = re.compile(r"datetime\.(datetime|date)\([^)]*\)|\d{4}-\d\d-\d\d[ T][0-9:.]+(\+00:00)?|\b\d{12,}\b")
CSRF = re.compile(r'name=\\"csrf_token\\" value=\\"[^\\"]*\\"')


@dataclass
class Case:
    channel: str  # form, query, api
    method: str
    url: str
    base: dict
    name: str  # the id field (api: a dotted path into the body)
    kind: str
    many: bool = False  # a list of ids (api)

    def __str__(self):
        return f"{self.channel} {self.method} {self.url} [{self.name}]"


@dataclass
class Fields:
    app: object
    world: object
    invisible: dict  # (kind, role) -> id, or None when the role may see every object of that kind
    cookies: dict
    tokens: dict
    rows: dict
    pristine: dict
    values: dict = field(default_factory=dict)  # URL parameter -> an id of partnership A
    cases: list = field(default_factory=list)


def _b_side(world) -> dict:
    """Objects of partnership B the roles of A may not see: a community partner of B (never a
    suggestion of A's review), its organisation, a meeting and a task of B, a tie among B."""
    board = contacts.save_organisation(None, {"name": "Beta Board", "kind": "workforce_board", "county": "Beta"})
    partner = contacts.save_person(None, {"name": "Partner Beta", "organisation_id": board.id,
                                          "email": "partner@beta.example"})
    partnerships.add_member(world.b, partner.id, "community_partner", "accepted")
    contacts.add_tie("knows", world.person_b.id, partner.id, 2, "Beta board")
    meeting = outreach.create_meeting(world.b, utcnow() + timedelta(days=50), "launch",
                                      chair_ids=[world.person_b.id])
    outreach.create_task(world.b, "ask", (utcnow() + timedelta(days=12)).date(), person_id=partner.id,
                         owner_id=world.person_b.id)
    area = partnerships.add_priority_area(world.b, "Beta area")
    db.session.commit()
    commitment, _ = plans.add_commitment(area, world.person_b, "Beta promise", (utcnow() + timedelta(days=20)).date())
    db.session.commit()
    return {"person": partner.id, "organisation": board.id, "partnership": world.b.id, "meeting": meeting.id,
            "priority_area": area.id, "commitment": commitment.id}


@pytest.fixture(scope="module")
def fields(database_url, _schema):
    with app_context_then_empty(database_url) as app:
        world = build_world()
        b = _b_side(world)
        invisible = {}
        for role in ROLES_A:
            staff = world.users[role].is_staff
            for kind in ("person", "organisation"):
                invisible[kind, role] = None if staff else b[kind]  # conveners see the contact base
            invisible["partnership", role] = b["partnership"]
            invisible["meeting", role] = b["meeting"]
            invisible["priority_area", role] = b["priority_area"]
            invisible["commitment", role] = b["commitment"]
        cookies, tokens = {}, {}
        for role in ("admin", *ROLES_A):
            client = app.test_client()
            sign_in(client, world.users[role])
            cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
            tokens[role] = accounts.create_api_token(world.users[role], "fields")
        db.session.commit()
        for role in ROLES_A:  # a token's first use records it: done before the world is kept
            app.test_client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {tokens[role]}"})
        data = Fields(app, world, invisible, cookies, tokens, dump(), {}, url_values(world))
        db.session.rollback()
        data.pristine = snapshot()
        db.session.rollback()
        data.cases = _form_cases(data) + _query_cases(data) + _api_cases(data)
        restore(data.rows)
        yield data


def _client(data: Fields, role: str):
    client = data.app.test_client()
    client.set_cookie(data.app.config["SESSION_COOKIE_NAME"], data.cookies[role])
    return client


def _kind(name: str, value) -> str | None:
    """What the key names, None when it holds no id; a key that looks like an id but says
    nothing of what it names fails here."""
    if name in KIND_OF:
        return KIND_OF[name]
    looks = LOOKS_LIKE_ID.search(name) or (isinstance(value, str) and value.isdigit())
    assert not (looks and name not in NOT_IDS), f"{name!r} seems to hold an id: add what it names to KIND_OF"
    return None


def _page_urls(data: Fields):
    return [(e, u) for e, _m, u in route_urls(data.app, data.values, skip=tuple(SKIP))
            if ACCESS.get(e) != "api" and e not in SKIP]


def _form_cases(data: Fields) -> list[Case]:
    """Every POST form of every page, for the administrator and each role of A, and every key
    its route reads when it is posted as rendered."""
    found: dict[tuple[str, str], Case] = {}
    seen_forms: set[tuple] = set()
    for role in ("admin", *ROLES_A):
        client = _client(data, role)
        for _endpoint, url in _page_urls(data):
            response = fetch(client, url)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            for form in forms_of(response.get_data(as_text=True), url):
                base, picked = {}, {}  # picked: values chosen, not typed (hidden, select, box)
                for f in form.fields:
                    if f.kind in ("file", "password", "button") or f.name == "csrf_token":
                        continue
                    if f.kind == "select":
                        base[f.name] = next((o for o in reversed(f.options) if o), "")
                    elif f.kind in ("text", "textarea"):
                        base[f.name] = f.value or "Sample text"
                    else:
                        base.setdefault(f.name, f.value)
                    if f.kind in ("hidden", "select", "checkbox", "radio"):
                        picked[f.name] = base[f.name]
                # one variant per submit button (each takes its own path: approve, assign...)
                buttons = [f for f in form.fields if f.kind == "button" and f.name]
                for variant in [{**base, b.name: b.value} for b in buttons] or [base]:
                    key = (form.action, tuple(sorted(variant.items())))
                    if key in seen_forms:
                        continue
                    seen_forms.add(key)
                    names = set(variant) | keys_read(data.app, _client(data, "admin"), "POST", form.action, variant)
                    restore(data.rows)
                    for name in sorted(names):
                        kind = _kind(name, picked.get(name))
                        if kind is not None:
                            found.setdefault((form.action, name, tuple(sorted(variant.items()))),
                                             Case("form", "POST", form.action, variant, name, kind))
    return list(found.values())


def _query_cases(data: Fields) -> list[Case]:
    """Every key each page's GET route reads from its query string."""
    cases = []
    for _endpoint, url in _page_urls(data):
        names = keys_read(data.app, _client(data, "admin"), "GET", url, {})
        for name in sorted(names):
            kind = _kind(name, None)
            if kind is not None:
                cases.append(Case("query", "GET", url, {}, name, kind))
    restore(data.rows)
    return cases


def _is_id(schema: dict) -> bool:
    return schema.get("type") == "integer" and schema.get("minimum") == 1 and schema.get("maximum") == MAX_ID


def _resolve(schema: dict, schemas: dict) -> dict:
    if "$ref" in schema:
        return schemas[schema["$ref"].rsplit("/", 1)[1]]
    options = [o for o in schema.get("anyOf", ()) if o.get("type") != "null"]
    return _resolve(options[0], schemas) if len(options) == 1 else schema


def _sample(schema: dict, schemas: dict):
    """A valid value for a schema that is not an id (required fields only, for objects)."""
    schema = _resolve(schema, schemas)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: _sample(v, schemas) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", ())}
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "array":
        return []
    if schema.get("format") == "date-time":
        return (utcnow() + timedelta(days=70)).isoformat()
    if schema.get("format") == "date":
        return (utcnow() + timedelta(days=70)).date().isoformat()
    return "Sample"


def _id_paths(schema: dict, schemas: dict, prefix: str = "") -> list[tuple[str, bool]]:
    """(dotted path, is a list) of every id in a body schema."""
    found = []
    for name, prop in schema.get("properties", {}).items():
        if name in NOT_IDS:
            continue
        resolved = _resolve(prop, schemas)
        if _is_id(resolved):
            found.append((prefix + name, False))
        elif resolved.get("type") == "array" and _is_id(_resolve(resolved.get("items", {}), schemas)):
            found.append((prefix + name, True))
        elif resolved.get("type") == "object":
            found += _id_paths(resolved, schemas, prefix + name + ".")
        else:
            _kind(prefix + name, None)
    return found


def _api_url(path: str, values: dict) -> str:
    return "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _api_cases(data: Fields) -> list[Case]:
    """Every id in every request body and query string of the OpenAPI document."""
    with data.app.test_request_context():
        document = openapi_document()
    schemas, values, cases = document["components"]["schemas"], data.values, []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            url = _api_url(path, values)
            for param in op["parameters"]:
                if param["in"] == "query" and _is_id(param["schema"]):
                    kind = _kind(param["name"], None)
                    assert kind, f"{method} {path}: the id {param['name']!r} says nothing of what it names"
                    cases.append(Case("api-query", method.upper(), url, {}, param["name"], kind))
            if "requestBody" not in op:
                continue
            form = op["requestBody"]["content"].get("multipart/form-data")
            if form is not None:  # an upload: each id among its form fields
                for name, prop in form["schema"]["properties"].items():
                    if _is_id(prop):
                        kind = _kind(name, None)
                        assert kind, f"{method} {path}: the id {name!r} says nothing of what it names"
                        cases.append(Case("api-form", method.upper(), url, {"dry_run": "true"}, name, kind))
                continue
            schema = _resolve(op["requestBody"]["content"]["application/json"]["schema"], schemas)
            base = _sample(schema, schemas)
            # one variant per value of each choice (an outcome "referred" reads the referral's ids)
            variants = [base] + [{**base, name: value} for name, prop in schema.get("properties", {}).items()
                                 for value in _resolve(prop, schemas).get("enum", ())]
            for dotted, many in _id_paths(schema, schemas):
                kind = _kind(dotted, None) or _kind(dotted.rsplit(".", 1)[-1], None)
                assert kind, f"{method} {path}: the id {dotted!r} says nothing of what it names: add it to KIND_OF"
                for variant in variants:
                    cases.append(Case("api", method.upper(), url, variant, dotted, kind, many))
    return cases


def _body_with(case: Case, value: int, data: Fields) -> dict:
    body = json.loads(json.dumps(case.base))
    parts = case.name.split(".")
    target = body
    schemas_needed = parts[:-1]
    for part in schemas_needed:  # a nested object: its required fields, then the id
        target = target.setdefault(part, {"name": "Sample"})
    target[parts[-1]] = [value] if case.many else value
    return body


def _send(data: Fields, case: Case, role: str, value: int):
    """The request with `value` in the field; returns (status, what the answer says)."""
    if case.channel.startswith("api"):
        client = data.app.test_client()
        headers = {"Authorization": f"Bearer {data.tokens[role]}"}
        if case.channel == "api-query":
            response = fetch(client, case.url, method=case.method, query_string={case.name: str(value)},
                             headers=headers)
        elif case.channel == "api-form":
            response = fetch(client, case.url, method=case.method, headers=headers,
                             content_type="multipart/form-data",
                             data={**case.base, case.name: str(value),
                                   "file": (io.BytesIO(b"Name\nAnn Lee\n"), "people.csv")})
        else:
            response = fetch(client, case.url, method=case.method, json=_body_with(case, value, data),
                             headers=headers)
        text = response.get_data(as_text=True)
        flashes = []
    else:
        client = _client(data, role)
        params = {**case.base, case.name: str(value)}
        if case.method == "GET":
            response = fetch(client, case.url, query_string=params)
        else:
            response = fetch(client, case.url, method="POST", data=params)
        with client.session_transaction() as session:
            flashes = list(session.get("_flashes", []))
        text = response.get_data(as_text=True)
    return response.status_code, json.dumps((response.headers.get("Location", ""), flashes, text))


def _masked(answer, ids) -> tuple:
    """The answer with the ids tried masked wherever they stand alone as numbers."""
    pattern = re.compile(r"(?<![0-9])(" + "|".join(str(i) for i in ids) + r")(?![0-9])")
    text = CSRF.sub("csrf", answer[1])  # a fresh token per page
    return answer[0], pattern.sub("<ID>", text)


def _settle(data: Fields) -> dict | None:
    """What the request changed in the database (None: nothing), times masked; the world is
    put back if it changed."""
    now = snapshot()
    if now == data.pristine:
        return None
    restore(data.rows)
    assert snapshot() == data.pristine
    return {table: [TIMES.sub("<time>", row) for row in rows] for table, rows in now.items()}


def test_every_id_field_is_found(fields):
    """The enumeration reaches the fields the issue names (a guard against finding nothing)."""
    names = {(c.channel, c.name) for c in fields.cases}
    for expected in [("form", "person_id"), ("form", "owner_id"), ("form", "asker_id"), ("form", "other_id"),
                     ("query", "partnership"), ("api", "owner_id"), ("api", "referred.organisation_id"),
                     ("api", "chair_ids"), ("api", "person_id"), ("form", "priority_area_id"),
                     ("form", "referrer_id"), ("api", "referrer_id"), ("api", "meeting_id")]:
        assert expected in names, f"{expected} not found among {sorted(names)}"
    put("id_fields", "id fields found", len({(c.channel, c.method, c.url, c.name) for c in fields.cases}))
    put("id_fields", "id field cases (x form or body variant)", len(fields.cases))


def test_an_invisible_id_in_any_field_changes_nothing_and_answers_as_a_missing_one(fields):
    tried = skipped = ignored = 0
    failures = []
    for case in fields.cases:
        for role in ROLES_A:
            invisible = fields.invisible.get((case.kind, role))
            if invisible is None:
                skipped += 1  # the role may see every object of this kind (conveners: people)
                continue
            missing_answer = _send(fields, case, role, MISSING)
            missing_changed = _settle(fields)
            invisible_answer = _send(fields, case, role, invisible)
            changed = _settle(fields)
            tried += 1
            if missing_changed is not None:
                # the path this form variant takes ignores the field (e.g. "approve" and the
                # asker): an invisible id must then change exactly what a missing one does
                ignored += 1
                if changed != missing_changed:
                    diff = sorted(t for t in changed if changed[t] != missing_changed[t])
                    failures.append(f"{case} as {role}: the invisible id changed the database otherwise ({diff})")
                changed = None
            missing_answer, invisible_answer = (_masked(a, (MISSING, invisible))
                                                for a in (missing_answer, invisible_answer))
            if changed is not None:
                failures.append(f"{case} as {role}: the invisible id changed the database")
            if invisible_answer != missing_answer:
                at = next((i for i, (x, y) in enumerate(zip(missing_answer[1], invisible_answer[1], strict=False))
                           if x != y), 0)
                failures.append(f"{case} as {role}: answers differ\n  missing:   {missing_answer[0]} "
                                f"...{missing_answer[1][max(0, at - 150):at + 150]}\n  invisible: "
                                f"{invisible_answer[0]} ...{invisible_answer[1][max(0, at - 150):at + 150]}")
    put("id_fields", "id fields tried x roles", tried)
    put("id_fields", "fields x roles where the role sees every such object", skipped)
    put("id_fields", "tries on a path that ignores the field (changed only what a missing id did)", ignored)
    assert not failures, "\n".join(failures)
