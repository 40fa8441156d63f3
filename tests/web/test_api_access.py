"""The API answers only to bearer tokens: no token, a revoked token or a session cookie alone
get 401 on every API endpoint; partnership objects follow the same rules as the pages."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.accounts import services as accounts
from tests.conftest import base_config
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, url_values


def _api_routes():
    app = create_app(base_config("sqlite://"))
    return sorted(
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules() if ACCESS.get(rule.endpoint) == "api"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


API_ROUTES = _api_routes()


def _url(app, endpoint, values):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{a: values[a] for a in rule.arguments})


@pytest.mark.parametrize(("endpoint", "rule", "method"), API_ROUTES)
def test_api_endpoint_refuses_requests_without_a_valid_token(app, client, db, endpoint, rule, method):
    world = build_world()
    url = _url(app, endpoint, url_values(world))
    response = client.open(url, method=method, json={})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    sign_in(client, world.users["admin"])  # a session cookie is not enough
    response = client.open(url, method=method, json={})
    assert response.status_code == 401
    token = accounts.create_api_token(world.users["admin"], "x")
    db.session.commit()
    accounts.revoke_api_token(world.users["admin"], _last_token_id(db))
    db.session.commit()
    response = client.open(url, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def _last_token_id(db):
    from sqlalchemy import func, select

    from crm.accounts.models import ApiToken

    return db.session.scalar(select(func.max(ApiToken.id)))


def test_openapi_document_is_public_and_lists_every_api_route(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for _endpoint, rule, method in API_ROUTES:
        path = rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        assert (path, method.lower()) in documented, f"{method} {rule} is not in openapi.json"


def test_partnerships_api_lists_only_visible_ones_and_hides_others(client, bearer):
    world = build_world()
    headers = bearer(world.users["convener_b"])
    listed = client.get("/api/v1/partnerships", headers=headers).json
    assert [p["name"] for p in listed["items"]] == ["Partnership B"]
    assert client.get(f"/api/v1/partnerships/{world.a.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/partnerships/{world.b.id}", headers=headers).json["id"] == world.b.id


def test_partnership_create_validates_and_returns_the_id(client, bearer):
    world = build_world()
    admin = bearer(world.users["admin"])
    bad = client.post("/api/v1/partnerships", json={"name": "", "sector": "Tech", "stage": "nope",
                                                    "extra": 1}, headers=admin)
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) >= {"name", "extra"}
    created = client.post("/api/v1/partnerships", json={"name": "Lane County Tech", "sector": "Tech"},
                          headers=admin)
    assert created.status_code == 201 and created.json["id"] > 0
    assert created.json["launch_target_low"] == 25 and created.json["launch_minimum"] == 10
    again = client.post("/api/v1/partnerships", json={"name": "Lane County Tech", "sector": "Tech"},
                        headers=admin)
    assert again.status_code == 409
    forbidden = client.post("/api/v1/partnerships", json={"name": "X", "sector": "Tech"},
                            headers=bearer(world.users["chair_a"]))  # conveners may (they run them)
    assert forbidden.status_code == 403
    not_json = client.post("/api/v1/partnerships", data="name=x", headers=admin)
    assert not_json.status_code == 415
