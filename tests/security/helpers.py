"""Helpers the security suites share: fetching a page whole, naming every route's URL, and
recording which parameters a route reads."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.datastructures import ImmutableMultiDict

from tests.conftest import TEST_DB_URL

#: suites that do not depend on the database (pages, parsers, tools): run once, on SQLite
SQLITE_ONLY = pytest.mark.skipif(bool(TEST_DB_URL), reason="database-independent: runs on SQLite only; "
                                 "the PostgreSQL run covers the suites that depend on the database")


def fetch(client, url: str, method: str = "GET", **kwargs):
    """Open `url` and read its body whole (`buffered`) inside the request's own context, as a
    server would, so streamed responses (exports) run their generator where their request
    context lives; then close it (uploads' spooled files included). The client is the suite's
    `IsolatedClient`: afterwards the test reads what the request committed."""
    response = client.open(url, method=method, buffered=True, **kwargs)
    response.close()
    return response


def route_urls(app, values: dict, methods=("GET",), skip=("static",)) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the URL map whose parameters have values."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in skip or not rule.arguments <= set(values):
            continue
        for method in sorted(set(methods) & rule.methods):
            with app.test_request_context():
                url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            found.append((rule.endpoint, method, url))
    return found


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


def send(client, method, url, params: dict):
    """GET with `params` as the query string, or any other method with them as the form."""
    if method == "GET":
        return fetch(client, url, query_string=params)
    return fetch(client, url, method=method, data=params)


def keys_read(app, client, method, url, params: dict) -> set[str]:
    """The query-string and form keys the route looks up while it answers (csrf_token aside)."""
    RecordingMultiDict.seen = set()
    original = app.request_class.parameter_storage_class
    app.request_class.parameter_storage_class = RecordingMultiDict
    try:
        # the request's cached args/form are built from parameter_storage_class
        response = send(client, method, url, params)
    finally:
        app.request_class.parameter_storage_class = original
    assert response.status_code < 500, f"{method} {url} {params!r}: {response.status_code}"
    return set(RecordingMultiDict.seen) - {"csrf_token"}
