"""No 500 from input (issue 12 item 7): every number a client can send, in a URL, a query
string or a form field, is tried with the values that used to overflow or crash (20 digits,
negative, `1e3`, a superscript digit...), as an administrator (who reaches every code path).

Nothing here lists parameters by hand. The routes come from the URL map; the parameters each
route reads are *recorded* while it answers: the test swaps the request's MultiDict for one
that notes every key a view (or a WTForms form) looks up, first with an empty request, then
with the keys found so far filled with the world's real ids (so a view that reads `known`
only once `knower` is valid shows `known` too), plus every field of the forms the app's own
pages render for that address. So a new route, a new `request.args.get(...)` or a new form
field is covered the day it lands.
"""

from __future__ import annotations

import io
import re

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, DateTimeField, DateTimeLocalField
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import UnboundField

from crm import create_app
from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.extensions import db
from crm.ids import MAX_ID, IdField, coerce_id
from crm.timeutil import date_in_range
from tests.conftest import IsolatedClient, app_context_then_empty, base_config
from tests.security.figures import add
from tests.security.forms import forms_of
from tests.security.helpers import fetch, keys_read, route_urls, send
from tests.web.world import build_world, dump, restore, sign_in, url_values

#: what a client may send where a number is expected
HOSTILE = ("99999999999999999999", "-99999999999999999999", "-1", "0", "1e3", "1.5", "²", "١٢",
           "0x1F", "007", " 7 ", "NaN", "", "1\r\nX-Injected: 1")
#: dates and date-times at the ends of the calendar, with and without an offset
DATES = ("0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00:00+14:00",
         "9999-12-31T23:59:59-12:00", "2026-02-30", "2026-13-01T25:61")
#: parameter names that hold a date or a time
DATE_LIKE = re.compile(r"date|due|_at$|^starts|^ends|revisit|when", re.IGNORECASE)
#: hostile values in a URL's id segment: each answers 404 (or 405), never 500
HOSTILE_PATH = ("99999999999999999999", "2147483648", "-1", "0", "1e3", "007")
#: routes never replayed: they end the session used by the test, or need a file upload
SKIP = {"static", "accounts.logout", "transfer.start"}


def _rules():
    app = create_app(base_config("sqlite://"))
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, rule.rule, method))
    return found


RULES = _rules()
INT_PATH_RULES = sorted({(e, r, m) for e, r, m in RULES if "<int:" in r})


@pytest.fixture(scope="module")
def world_app(database_url, _schema):
    with app_context_then_empty(database_url) as app:
        app.test_client_class = IsolatedClient
        world = build_world()
        db.session.commit()
        values = url_values(world)
        rows = dump()
        db.session.rollback()
        forms = _forms_by_action(app, world, values)
        restore(rows)
        yield app, world, values, rows, forms


def _client(app, world):
    client = app.test_client()
    sign_in(client, world.users["admin"])
    return client


def _known_values(world, values) -> dict:
    """A real value for a parameter name, so the code path behind it is taken."""
    ids = {"person_id": world.person_a.id, "other_id": world.person_b.id, "owner_id": world.chair_person.id,
           "asker_id": world.chair_person.id, "knower": world.person_a.id, "known": world.person_b.id,
           "keep": world.person_a.id, "drop": world.person_b.id, "organisation": world.org_a.id,
           "organisation_id": world.org_a.id, "organization_id": world.org_a.id, "host_organization_id": world.org_a.id,
           "exclude": world.person_a.id, "partnership": world.a.id,
           "partnership_id": world.a.id, "page": 1, "strength": 2, "start": 0}
    ids.update({k: v for k, v in values.items() if isinstance(v, int)})
    return {k: str(v) for k, v in ids.items()}


def _forms_by_action(app, world, values) -> dict[str, list[dict]]:
    """Every POST form the app's pages render for an administrator, by the address it posts
    to: {action: [{field: value}, ...]} (a task's page has several forms posting to one address,
    told apart by a hidden `action`)."""
    found: dict[str, list[dict]] = {}
    client = _client(app, world)
    for _, _, url in route_urls(app, values, skip=SKIP | {"accounts.logout"}):
        response = fetch(client, url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_of(response.get_data(as_text=True), url):
            fields = {f.name: f.value or (f.options[0] if f.options else "")
                      for f in form.fields if f.kind not in ("file", "password") and f.name != "csrf_token"}
            variants = found.setdefault(form.action.split("?")[0], [])
            if fields not in variants:
                variants.append(fields)
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES)
def test_no_parameter_value_makes_a_route_answer_500(world_app, endpoint, rule, method):
    app, world, values, rows, forms = world_app
    urls = [u for e, m, u in route_urls(app, values, methods=(method,), skip=SKIP)
            if e == endpoint and m == method]
    if not urls:
        pytest.skip(f"no url_values for {rule}")
    url = urls[0]
    known = _known_values(world, values)
    client = _client(app, world)
    try:
        for base in forms.get(url, [{}]) if method == "POST" else [{}]:
            keys = keys_read(app, client, method, url, base)
            restore(rows)
            filled = {**base, **{k: known[k] for k in keys if k in known}}
            keys |= keys_read(app, client, method, url, filled) | set(base)
            restore(rows)
            filled = {**base, **{k: known[k] for k in keys if k in known}}
            for key in sorted(keys):
                for value in HOSTILE + (DATES if DATE_LIKE.search(key) else ()):
                    client = _client(app, world)
                    response = send(client, method, url, {**filled, key: value})
                    add("input", "route x parameter x value requests")
                    assert response.status_code < 500, (
                        f"{method} {url} with {key}={value!r}: {response.status_code}")
                restore(rows)
    finally:
        restore(rows)


@pytest.mark.parametrize(("endpoint", "rule", "method"), INT_PATH_RULES)
def test_an_id_no_column_can_hold_is_not_found_in_every_url(world_app, endpoint, rule, method):
    app, world, values, rows, _ = world_app
    client = _client(app, world)
    for hostile in HOSTILE_PATH:
        path = rule
        for name in ("<int:" + part.split(">", 1)[0] for part in rule.split("<int:")[1:]):
            path = path.replace(name + ">", hostile)
        path = path.replace("<path:filename>", "x").replace("<upload_id>", "x").replace("<token>", "x")
        response = client.open(path, method=method, data={})
        add("input", "URL ids tried")
        assert response.status_code in (404, 405), f"{method} {path}: {response.status_code}"
    restore(rows)


# --- the API: every integer and date in every documented body and query string -----------------

#: JSON values where the API expects an id or a count
HOSTILE_JSON = (99999999999999999999, -99999999999999999999, -1, 0, 1e3, 1.5, "1e3", "99999999999999999999",
                True, None, [], {})


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        schema = {**_resolve(options[0], components), "nullable": True} if options else schema
    return schema


def _example(schema: dict, components: dict, name: str, known: dict):
    """A valid value for `schema` (only required properties of objects), ids from the world."""
    schema = _resolve(schema, components)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(v, components, k, known) for k, v in props.items() if k in schema.get("required", ())}
    if kind == "integer":
        return int(known.get(name, max(schema.get("minimum", 1), 1)))
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2031-05-06T09:30:00+02:00"
        if schema.get("format") == "date":
            return "2031-05-06"
        return "Probe " + name
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    return None


def _fields(schema: dict, components: dict, prefix: str = ""):
    """(dotted name, resolved schema) of every property, nested objects included."""
    schema = _resolve(schema, components)
    for name, sub in schema.get("properties", {}).items():
        sub = _resolve(sub, components)
        yield prefix + name, sub
        if sub.get("type") == "object":
            yield from _fields(sub, components, prefix + name + ".")


def _set(body: dict, dotted: str, value, example: dict) -> dict:
    body = dict(body)
    head, _, rest = dotted.partition(".")
    if rest:
        body[head] = _set(body.get(head) or example.get(head) or {}, rest, value, example.get(head) or {})
    else:
        body[head] = value
    return body


def _api_operations(app, values):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    for path, operations in sorted(document["paths"].items()):
        url = "/api/v1" + path.format(**{k: values.get(k, 1) for k in values})
        for method, op in sorted(operations.items()):
            yield method.upper(), url, op, components


@pytest.mark.slow
def test_no_number_or_date_in_an_api_body_or_query_makes_it_answer_500(world_app):
    app, world, values, rows, _ = world_app
    known = _known_values(world, values)
    client = app.test_client()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    token = accounts.create_api_token(admin, "probe")
    db.session.commit()
    rows = dump()
    headers = {"Authorization": f"Bearer {token}"}
    bodies_accepted = 0
    try:
        for method, url, op, components in _api_operations(app, values):
            for param in op.get("parameters", []):
                if param["in"] == "query" and param["schema"].get("type") == "integer":
                    for value in HOSTILE:
                        response = client.open(url, method=method, headers=headers,
                                               query_string={param["name"]: value})
                        add("input", "API query parameter x value requests")
                        assert response.status_code < 500, (method, url, param["name"], value, response.text[:300])
            if "requestBody" not in op:
                continue
            form = op["requestBody"]["content"].get("multipart/form-data")
            if form is not None:  # an upload: each integer form field, with a small file
                for name, field in form["schema"]["properties"].items():
                    if field.get("type") != "integer":
                        continue
                    for value in HOSTILE:
                        response = client.open(url, method=method, headers=headers,
                                               content_type="multipart/form-data",
                                               data={name: str(value), "dry_run": "true",
                                                     "file": (io.BytesIO(b"Name\nAnn Lee\n"), "x.csv")})
                        add("input", "API query parameter x value requests")
                        assert response.status_code < 500, (method, url, name, value, response.text[:300])
                restore(rows)
                continue
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            example = _example(schema, components, "", known)
            response = client.open(url, method=method, headers=headers, json=example)
            assert response.status_code < 500, (method, url, example, response.text[:300])
            bodies_accepted += response.status_code < 400
            restore(rows)
            for name, field in _fields(schema, components):
                kind = field.get("type")
                if kind == "integer" or (kind == "array" and _resolve(field.get("items", {}), components)
                                         .get("type") == "integer"):
                    tried = HOSTILE_JSON if kind == "integer" else tuple([v] for v in HOSTILE_JSON)
                elif field.get("format") in ("date", "date-time"):
                    tried = DATES
                else:
                    continue
                for value in tried:
                    body = _set(example, name, value, example)
                    response = client.open(url, method=method, headers=headers, json=body)
                    add("input", "API body field x value requests")
                    assert response.status_code < 500, (method, url, name, value, response.text[:300])
                    if value in DATES[:6]:
                        assert response.status_code == 400, (method, url, name, value, response.status_code)
                    restore(rows)
    finally:
        restore(rows)
    add("input", "API bodies built from the OpenAPI document and accepted", bodies_accepted)
    assert bodies_accepted >= 8, "the bodies built from the schemas are refused: the probe reaches no handler"


# --- declared bounds: every form and every API schema, read from the code ---------------------

def _form_classes():
    app = create_app(base_config("sqlite://"))  # imports every feature's forms
    assert app
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("crm."):
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _unbound_fields(form_class):
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def test_every_date_field_of_every_form_is_bounded():
    checked = 0
    for form_class in _form_classes():
        for name, field in _unbound_fields(form_class):
            if issubclass(field.field_class, DateField | DateTimeLocalField | DateTimeField):
                validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
                assert date_in_range in validators, (
                    f"{form_class.__module__}.{form_class.__name__}.{name}: add crm.timeutil.date_in_range")
                checked += 1
    assert checked >= 3
    add("input", "form date fields bounded", checked)


def test_every_id_field_of_every_form_parses_ids_with_crm_ids():
    checked = 0
    for form_class in _form_classes():
        for name, field in _unbound_fields(form_class):
            if not (name.endswith("_id") or name.endswith("_ids")) or name == "csrf_token":
                continue
            checked += 1
            cls, coerce = field.field_class, field.kwargs.get("coerce")
            choices_checked = issubclass(cls, SelectFieldBase) and field.kwargs.get("validate_choice", True)
            assert issubclass(cls, IdField) or coerce is coerce_id or choices_checked, (
                f"{form_class.__module__}.{form_class.__name__}.{name}: use crm.ids.IdField (or coerce=coerce_id)")
    assert checked >= 5
    add("input", "form id fields checked", checked)


def test_every_integer_in_the_api_document_is_bounded_and_ids_fit_a_column():
    app = create_app(base_config("sqlite://"))
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    checked = 0

    def check(where, name, schema):
        nonlocal checked
        schema = _resolve(schema, components)
        if schema.get("type") == "array":
            check(where, name, schema.get("items", {}))
            return
        if schema.get("type") != "integer":
            return
        checked += 1
        assert "maximum" in schema, f"{where} {name}: an integer without a maximum"
        if name.endswith(("_id", "_ids")) or name in ("partnership", "person"):
            assert (schema.get("minimum"), schema["maximum"]) == (1, MAX_ID), f"{where} {name}: use crm.ids.Id"

    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                check(f"{method.upper()} {path}", param["name"], param["schema"])
            if "requestBody" in op:
                content = op["requestBody"]["content"]
                if "multipart/form-data" in content:
                    for name, field in content["multipart/form-data"]["schema"]["properties"].items():
                        check(f"{method.upper()} {path} form", name, field)
                    continue
                schema = content["application/json"]["schema"]
                for name, field in _fields(schema, components):
                    check(f"{method.upper()} {path} body", name, field)
    assert checked >= 10
    add("input", "API integers bounded", checked)
