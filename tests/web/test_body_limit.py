"""A body over MAX_CONTENT_LENGTH is refused with 413 on every route, whether or not the
endpoint reads a body, and nothing is done: an API write that takes no body (disabling a user)
used to act on it and answer 200. The 50 MB sweep over every write is
tests/security/test_uploads.py (slow); here the limit is 1 MB."""

from __future__ import annotations

import io

import pytest

from crm.extensions import db
from tests.web.world import build_world, sign_in

LIMIT = 1024 * 1024


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": LIMIT}


def test_an_oversize_body_to_an_api_write_without_a_body_is_413_and_changes_nothing(client, bearer):
    world = build_world()
    viewer = world.users["viewer_a"]
    response = client.post(f"/api/v1/users/{viewer.id}/disable", data=b"{}" + b" " * LIMIT,
                           content_type="application/json", headers=bearer(world.users["admin"]))
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert "1 MB" in response.json["error"]["message"]
    db.session.refresh(viewer)
    assert viewer.active


def test_an_oversize_chunked_body_is_413(client, bearer):
    world = build_world()
    viewer = world.users["viewer_a"]
    # no Content-Length: a server that terminates chunked input (gunicorn) says so in the environ
    response = client.post(f"/api/v1/users/{viewer.id}/disable", input_stream=io.BytesIO(b" " * (LIMIT + 1)),
                           content_type="application/json",
                           headers={**bearer(world.users["admin"]), "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    db.session.refresh(viewer)
    assert viewer.active


def test_an_oversize_body_to_a_page_without_a_form_is_413_with_the_message(client):
    world = build_world()
    sign_in(client, world.users["admin"])
    response = client.post("/logout", data=b"a" * (LIMIT + 1), content_type="text/plain")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_of_exactly_the_limit_is_still_read(client, bearer, chunked):
    world = build_world()
    body = b'{"role": "chair"}'
    body += b" " * (LIMIT - len(body))
    chunking = {"headers": {"Transfer-Encoding": "chunked"},
                "environ_overrides": {"wsgi.input_terminated": True}} if chunked else {"headers": {}}
    chunking["headers"].update(bearer(world.users["admin"]))
    response = client.patch(f"/api/v1/users/{world.users['viewer_a'].id}", input_stream=io.BytesIO(body),
                            content_type="application/json", **chunking)
    assert response.status_code == 200, response.json
    assert response.json["role"] == "chair"
