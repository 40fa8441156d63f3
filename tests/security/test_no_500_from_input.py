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

import re

import pytest
from werkzeug.datastructures import ImmutableMultiDict

from crm import create_app
from crm.extensions import db
from tests.conftest import IsolatedClient, app_context_then_empty, base_config
from tests.security.figures import add
from tests.security.forms import forms_of
from tests.security.helpers import fetch, route_urls
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


class RecordingMultiDict(ImmutableMultiDict):
    """An ImmutableMultiDict that notes every key looked up (get, [], getlist, in)."""

    seen: set[str] = set()

    def _note(self, key):
        if isinstance(key, str):
            RecordingMultiDict.seen.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


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
           "organisation_id": world.org_a.id, "exclude": world.person_a.id, "partnership": world.a.id,
           "partnership_id": world.a.id, "page": 1, "strength": 2, "start": 0}
    ids.update({k: v for k, v in values.items() if isinstance(v, int)})
    return {k: str(v) for k, v in ids.items()}


def _send(client, method, url, params: dict):
    if method == "GET":
        return fetch(client, url, query_string=params)
    return fetch(client, url, method=method, data=params)


def _keys_read(app, client, method, url, params: dict) -> set[str]:
    RecordingMultiDict.seen = set()
    original = app.request_class.parameter_storage_class
    app.request_class.parameter_storage_class = RecordingMultiDict
    try:
        # the request's cached args/form are built from parameter_storage_class
        response = _send(client, method, url, params)
    finally:
        app.request_class.parameter_storage_class = original
    assert response.status_code < 500, f"{method} {url} {params!r}: {response.status_code}"
    return set(RecordingMultiDict.seen) - {"csrf_token"}


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
            keys = _keys_read(app, client, method, url, base)
            restore(rows)
            filled = {**base, **{k: known[k] for k in keys if k in known}}
            keys |= _keys_read(app, client, method, url, filled) | set(base)
            restore(rows)
            filled = {**base, **{k: known[k] for k in keys if k in known}}
            for key in sorted(keys):
                for value in HOSTILE + (DATES if DATE_LIKE.search(key) else ()):
                    client = _client(app, world)
                    response = _send(client, method, url, {**filled, key: value})
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
