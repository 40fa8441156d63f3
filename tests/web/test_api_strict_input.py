"""Strict input (issue 17 item 2): date-times only as RFC 3339 text within the typed-date range,
a JSON value of the wrong type refused at any depth (nothing converted, nothing changed), and an
empty optional text documented as clearing the field, which it does."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from tests.web.world import build_world


@pytest.fixture
def admin(client, bearer):
    world = build_world()
    return world, bearer(world.users["admin"])


def _counts(db):
    return db.session.scalar(select(func.count(Meeting.id))), db.session.scalar(select(func.count(Task.id)))


@pytest.mark.parametrize("starts_at", [0, 1700000000, "0", "2030-05-01", "2030-05-01T15:00Z",
                                       "2030-05-01 15:00:00Z", "2030-05-01T15:00:00", "1970-01-01T00:00:00Z",
                                       "9999-12-31T23:59:59+14:00", "2030-13-01T15:00:00Z", True, None])
def test_a_date_time_is_rfc_3339_text_in_range(client, admin, db, starts_at):
    world, h = admin
    before = _counts(db)
    response = client.post(f"/api/v1/partnerships/{world.a.id}/meetings", headers=h,
                           json={"starts_at": starts_at})
    assert response.status_code == 400 and "starts_at" in response.json["error"]["fields"]
    assert _counts(db) == before  # no 1970 launch with its 17 tasks


def test_rfc_3339_with_any_offset_is_taken(client, admin):
    world, h = admin
    response = client.post(f"/api/v1/partnerships/{world.a.id}/meetings", headers=h,
                           json={"starts_at": "2030-05-01t15:00:00.5+02:00", "kind": "other"})
    assert response.status_code == 201 and response.json["starts_at"].startswith("2030-05-01T13:00:00.5")


@pytest.mark.parametrize("path, body, field", [
    ("/relationships", {"kind": "knows", "source_id": "P", "target_id": "P", "strength": "2"}, "strength"),
    ("/relationships", {"kind": "knows", "source_id": "P", "target_id": "Q", "strength": 2.0}, "strength"),
    ("/people", {"name": "N", "tags": ["ok", 5]}, "tags.1"),
    ("/people", {"name": 5}, "name"),
    ("/people/P/assessments", {"trait": "company", "rating": "2"}, "rating"),
    ("/tasks/T", {"status": "done", "outcome": "referred", "referred": {"name": "R", "organization_id": "1"}},
     "referred.organization_id"),
    ("/tasks/T", {"status": "done", "outcome": "referred", "referred": {"name": ["R"]}}, "referred.name"),
    ("/tasks/T", {"referred": "R"}, "referred"),
    ("/partnerships", {"name": "P", "sector": "S", "launch_target_low": "10"}, "launch_target_low"),
])
def test_a_wrong_type_at_any_depth_is_refused(client, admin, db, path, body, field):
    world, h = admin
    ids = {"P": world.person_a.id, "Q": world.person_b.id, "T": world.extra["task_id"]}
    path = "/".join(str(ids.get(part, part)) for part in path.split("/"))
    body = {k: ids.get(v, v) if isinstance(v, str) and k.endswith("_id") else v for k, v in body.items()}
    method = client.patch if path.startswith("/tasks") else client.post
    response = method("/api/v1" + path, headers=h, json=body)
    assert response.status_code == 400, response.json
    assert field in response.json["error"]["fields"], response.json


def test_every_optional_text_said_to_clear_does_clear(client, admin):
    world, h = admin
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    clears = [name for name, prop in schemas["PersonIn"]["properties"].items()
              if "clears" in prop.get("description", "")]
    assert {"title", "notes", "email"} <= set(clears)
    made = client.post("/api/v1/people", headers=h,
                       json={"name": "Empty Fields", **{name: "x@y.example" if name == "email" else "kept"
                                                        for name in clears}})
    assert made.status_code == 201, made.json
    cleared = client.patch(f"/api/v1/people/{made.json['id']}", headers=h, json={name: "" for name in clears})
    assert cleared.status_code == 200
    assert all(cleared.json[name] is None for name in clears)
    for name in ("name",):  # a required text is refused empty, as its minLength says
        assert schemas["PersonIn"]["properties"][name]["minLength"] == 1
        assert client.patch(f"/api/v1/people/{made.json['id']}", headers=h, json={name: ""}).status_code == 400
