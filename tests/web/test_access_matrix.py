"""Every route x method x role answers as tests/web/access_rules.py says, and a refused
request changes nothing in the database.

Speed: the module builds one app and one world (tests/web/world.py) and signs each role in
once (its session cookie is kept); every case then starts from a fresh client holding only that
cookie, as a real browser of that user would. After each request the whole database is compared
with the world as it was built (every row of every table: `snapshot`); a refused request must
leave it equal, and whatever an allowed request changed is put back (`restore`, checked against
the same snapshot) before the next case. So each case still meets the untouched world, as when
each built its own, at the price of one snapshot instead of a new app and a new world.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crm import create_app
from crm.extensions import db
from tests.conftest import app_context_then_empty, base_config
from tests.web.access_rules import ACCESS
from tests.web.world import ROLES, build_world, dump, restore, sign_in, snapshot, url_values

ALLOWED, REDIRECT_LOGIN, FORBIDDEN, NOT_FOUND = "allowed", "login", 403, 404

POLICY = {
    "public": dict.fromkeys(ROLES, ALLOWED),
    "login": {**dict.fromkeys(ROLES, ALLOWED), "anonymous": REDIRECT_LOGIN},
    "own": {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": REDIRECT_LOGIN, "convener_a": ALLOWED},
    "staff": {"anonymous": REDIRECT_LOGIN, "viewer_a": FORBIDDEN, "chair_a": FORBIDDEN,
              "convener_a": ALLOWED, "convener_b": ALLOWED, "admin": ALLOWED},
    "admin": {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": REDIRECT_LOGIN, "admin": ALLOWED},
    "person": {**dict.fromkeys(ROLES, ALLOWED), "anonymous": REDIRECT_LOGIN},
    "partnership": {**dict.fromkeys(ROLES, ALLOWED), "anonymous": REDIRECT_LOGIN,
                    "convener_b": NOT_FOUND},
    "partnership_staff": {"anonymous": REDIRECT_LOGIN, "viewer_a": FORBIDDEN, "chair_a": FORBIDDEN,
                          "convener_a": ALLOWED, "convener_b": NOT_FOUND, "admin": ALLOWED},
    "partnership_chair": {"anonymous": REDIRECT_LOGIN, "viewer_a": FORBIDDEN, "chair_a": ALLOWED,
                          "convener_a": ALLOWED, "convener_b": NOT_FOUND, "admin": ALLOWED},
}


def _routes():
    app = create_app(base_config("sqlite://"))
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, rule.rule, method))
    return sorted(routes)


ROUTES = _routes()
PAGE_ROUTES = [r for r in ROUTES if ACCESS.get(r[0]) != "api"]


def test_every_route_has_an_access_rule():
    missing = sorted({endpoint for endpoint, _, _ in ROUTES if endpoint not in ACCESS})
    assert not missing, f"add these endpoints to tests/web/access_rules.py: {missing}"
    stale = sorted(set(ACCESS) - {endpoint for endpoint, _, _ in ROUTES})
    assert not stale, f"these access rules name no route any more: {stale}"
    unknown = sorted({p for p in ACCESS.values() if p not in POLICY and p != "api"})
    assert not unknown, f"unknown policies: {unknown}"


def _url(app, endpoint, rule_text, values):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text)
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"tests/web/world.py:url_values has no value for {missing} ({rule_text})"
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{a: values[a] for a in rule.arguments})


@dataclass
class Matrix:
    """The module's app and world, and how to get back to that world after a case."""

    app: object
    values: dict  # URL parameter -> an id of partnership A (url_values)
    ids: dict  # other ids the tests name
    cookies: dict  # role -> its signed-in session cookie
    rows: dict  # the world, row by row (dump)
    pristine: dict  # the world as snapshot() sees it
    settled: bool = True

    def client(self, role: str):
        """A fresh client (no cookie, no flashes left over), signed in as `role`."""
        client = self.app.test_client()
        if role != "anonymous":
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookies[role])
        self.settled = False
        return client

    def settle(self) -> bool:
        """Whether the requests since `client` changed the database; if they did, the world is
        put back (and checked to be back) before this returns."""
        self.settled = True
        if snapshot() == self.pristine:
            return False
        restore(self.rows)
        assert snapshot() == self.pristine, "restoring the world left it different"
        return True


@pytest.fixture(scope="module")
def _world(database_url, _schema):
    with app_context_then_empty(database_url) as app:
        world = build_world()
        cookies = {}
        for role in ROLES[1:]:
            client = app.test_client()
            sign_in(client, world.users[role])
            cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        ids = {"b": world.b.id, "person_b": world.person_b.id, "org_b": world.org_b.id}
        matrix = Matrix(app, url_values(world), ids, cookies, dump(), {})
        db.session.rollback()
        matrix.pristine = snapshot()
        db.session.rollback()
        yield matrix


@pytest.fixture
def matrix(_world):
    """The module's world, checked (and put back if need be) after the test, pass or fail."""
    yield _world
    if not _world.settled:
        _world.settle()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "rule", "method"), PAGE_ROUTES)
def test_route_answers_each_role_as_written(matrix, endpoint, rule, method, role):
    url = _url(matrix.app, endpoint, rule, matrix.values)
    client = matrix.client(role)
    expected = POLICY[ACCESS[endpoint]][role]
    response = client.open(url, method=method, data={})
    status = response.status_code
    response.close()
    changed = matrix.settle()
    assert status < 500, f"{method} {url} as {role}: {status}"
    if expected == ALLOWED:
        assert status not in (401, 403, 404), f"{method} {url} as {role}: refused with {status}"
        if status == 302:
            assert "/login" not in response.headers["Location"] or endpoint.startswith("accounts.")
    elif expected == REDIRECT_LOGIN:
        assert status == 302 and "/login" in response.headers["Location"], (method, url, status)
    else:
        assert status == expected, f"{method} {url} as {role}: {status}, expected {expected}"
    if expected != ALLOWED:
        assert not changed, f"{method} {url} as {role} changed the database"


def test_person_of_another_partnership_is_not_found_for_chairs_and_viewers(matrix):
    for role in ("viewer_a", "chair_a"):
        client = matrix.client(role)
        assert client.get(f"/people/{matrix.ids['person_b']}").status_code == 404
        assert client.get(f"/organisations/{matrix.ids['org_b']}").status_code == 404
        assert client.get(f"/partnerships/{matrix.ids['b']}").status_code == 404
