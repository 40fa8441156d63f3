"""Every route x method x role answers as tests/web/access_rules.py says, and a refused
request changes nothing in the database."""

from __future__ import annotations

import pytest

from crm import create_app
from tests.conftest import base_config
from tests.web.access_rules import ACCESS
from tests.web.world import ROLES, build_world, sign_in, snapshot, url_values

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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "rule", "method"), PAGE_ROUTES)
def test_route_answers_each_role_as_written(app, client, endpoint, rule, method, role):
    world = build_world()
    url = _url(app, endpoint, rule, url_values(world))
    if role != "anonymous":
        sign_in(client, world.users[role])
    expected = POLICY[ACCESS[endpoint]][role]
    before = snapshot() if expected != ALLOWED else None
    response = client.open(url, method=method, data={})
    status = response.status_code
    response.close()
    assert status < 500, f"{method} {url} as {role}: {status}"
    if expected == ALLOWED:
        assert status not in (401, 403, 404), f"{method} {url} as {role}: refused with {status}"
        if status == 302:
            assert "/login" not in response.headers["Location"] or endpoint.startswith("accounts.")
    elif expected == REDIRECT_LOGIN:
        assert status == 302 and "/login" in response.headers["Location"], (method, url, status)
    else:
        assert status == expected, f"{method} {url} as {role}: {status}, expected {expected}"
    if before is not None:
        assert snapshot() == before, f"{method} {url} as {role} changed the database"


def test_person_of_another_partnership_is_not_found_for_chairs_and_viewers(app, client):
    world = build_world()
    for role in ("viewer_a", "chair_a"):
        sign_in(client, world.users[role])
        assert client.get(f"/people/{world.person_b.id}").status_code == 404
        assert client.get(f"/organisations/{world.org_b.id}").status_code == 404
        assert client.get(f"/partnerships/{world.b.id}").status_code == 404
