"""Helpers the security suites share: fetching a page whole, and naming every route's URL."""

from __future__ import annotations

import pytest
from flask import url_for

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
