"""A program that knows only /api/v1/openapi.json walks a convener's short journey (issue 17
item 7): organizations and people in, a partnership with members, a launch meeting and its
tasks, an ask closed, the meeting moved, the network and suggestions read, and a few refusals.
Every request body is checked against the live document before it is sent, and every answer
(status code and JSON body, errors included) against it after, so the document and the server
cannot drift apart: an undocumented status, field or type fails here."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.web.world import build_world


class DocumentedClient:
    """The test client, holding every exchange to the OpenAPI document."""

    def __init__(self, client, headers: dict):
        self.client, self.headers = client, headers
        self.document = client.get("/api/v1/openapi.json").get_json()
        self.base = self.document["servers"][0]["url"]
        self.routes = [(re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", path) + "$"), path)
                       for path in self.document["paths"]]
        self.called: set[tuple[str, str]] = set()

    def _operation(self, method: str, path: str) -> tuple[str, dict]:
        matches = [template for pattern, template in self.routes if pattern.match(path.split("?")[0])]
        # a literal segment wins over a parameter (/people/x beats /people/{person_id})
        template = min(matches, key=lambda t: t.count("{"))
        return template, self.document["paths"][template][method]

    def _check(self, schema: dict, value, what: str) -> None:
        validator = Draft202012Validator({**schema, "components": self.document["components"]},
                                         format_checker=FormatChecker())
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]
        assert errors == [], f"{what} does not match the document: {errors[:5]}"

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        template, operation = self._operation(method.lower(), path)
        self.called.add((method.upper(), template))
        if body is not None:
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            self._check(request_schema, body, f"the body of {method} {template}")
        response = self.client.open(self.base + path, method=method, json=body,
                                    headers=self.headers if headers is None else headers)
        documented = operation["responses"].get(str(response.status_code))
        assert documented, f"{method} {template} answered {response.status_code}, not documented"
        content = documented.get("content", {}).get("application/json")
        if content:
            assert response.mimetype == "application/json"
            self._check(content["schema"], response.get_json(), f"the {response.status_code} of {method} {template}")
        else:
            assert response.data == b"", f"{method} {template}: a body where the document says none"
        return response


@pytest.fixture
def api(client, bearer):
    world = build_world()
    return world, DocumentedClient(client, bearer(world.users["admin"]))


def test_a_convener_journey_through_the_documented_api(api):
    world, api = api
    org = api.call("POST", "/organizations", {"name": "Gamma Forge", "side": "employer",
                                              "sector": "Manufacturing", "county": "Gamma"}).json
    partner = api.call("POST", "/organizations", {"name": "Gamma College", "side": "community",
                                                  "kind": "community_college"}).json
    assert partner["kind"] == "community_college"
    api.call("PATCH", f"/organizations/{org['id']}", {"city": "Gamma City", "version": org["version"]})
    assert api.call("GET", "/organizations?side=employer&q=gamma").json["items"][0]["id"] == org["id"]
    chair = api.call("POST", "/people", {"name": "Gia Chair", "organization_id": org["id"],
                                         "title": "CEO", "email": "gia@gamma.example", "tags": ["board"]}).json
    peer = api.call("POST", "/people", {"name": "Pat Peer", "organization_id": org["id"]}).json
    api.call("GET", f"/people/{chair['id']}")
    api.call("PATCH", f"/people/{peer['id']}", {"phone": "+1 555 0100", "notes": ""})
    api.call("POST", "/relationships", {"kind": "knows", "source_id": chair["id"], "target_id": peer["id"],
                                        "strength": 3})
    api.call("GET", f"/relationships?person_id={chair['id']}&kind=knows")

    partnership = api.call("POST", "/partnerships", {"name": "Gamma Manufacturing", "sector": "Manufacturing",
                                                     "timezone": "America/Denver"}).json
    pid = partnership["id"]
    api.call("GET", "/partnerships")
    api.call("GET", f"/partnerships/{pid}")
    api.call("POST", f"/partnerships/{pid}/members", {"person_id": chair["id"], "role": "chair",
                                                      "stage": "champion"})
    api.call("POST", f"/partnerships/{pid}/members", {"person_id": peer["id"], "stage": "approved"})
    api.call("GET", f"/partnerships/{pid}/members")
    api.call("GET", f"/people?partnership={pid}&stage=approved&sort=-organization")

    meeting = api.call("POST", f"/partnerships/{pid}/meetings", {
        "starts_at": "2031-03-04T16:00:00Z", "ends_at": "2031-03-04T18:00:00Z", "kind": "launch",
        "host_organization_id": org["id"], "chair_ids": [chair["id"]], "title": "Launch"}).json
    assert meeting["open_tasks"] > 0
    tasks = api.call("GET", f"/partnerships/{pid}/tasks?status=open&per_page=200").json["items"]
    ask = next(t for t in tasks if t["kind"] == "ask" and t["person_id"] == peer["id"])
    done = api.call("PATCH", f"/tasks/{ask['id']}", {"status": "done", "outcome": "accepted",
                                                     "notes": "Yes, with pleasure"}).json
    assert done["status"] == "done"
    moved = api.call("PATCH", f"/meetings/{meeting['id']}", {"starts_at": "2031-03-11T16:00:00-07:00"}).json
    assert moved["starts_at"].startswith("2031-03-11T23:00:00")
    api.call("GET", f"/partnerships/{pid}/meetings")

    api.call("POST", f"/people/{peer['id']}/assessments", {"trait": "industry", "rating": 2,
                                                            "partnership_id": pid, "evidence": "Chairs the guild"})
    api.call("GET", f"/partnerships/{pid}/suggestions?limit=5")
    api.call("GET", f"/people/{peer['id']}/intro-paths?partnership={pid}&limit=3")
    api.call("GET", f"/partnerships/{pid}/keystones")

    # refusals are answers too: documented, and in the error shape
    assert api.call("GET", "/people/2147483647").status_code == 404
    assert api.call("GET", "/people?stage=bogus").status_code == 400
    assert api.call("POST", "/people", {"name": "No Org", "organization_id": 2147483647}).status_code == 400
    assert api.call("GET", "/people", headers={}).status_code == 401
    api.call("DELETE", f"/people/{peer['id']}")
    api.call("DELETE", f"/organizations/{partner['id']}")
    assert len(api.called) >= 25


def test_the_client_notices_an_answer_the_document_does_not_describe(api):
    world, api = api
    schemas = api.document["components"]["schemas"]
    schemas["PersonOut"]["properties"]["name"] = {"type": "integer"}
    with pytest.raises(AssertionError, match="does not match the document"):
        api.call("GET", f"/people/{world.person_a.id}")
    del api.document["paths"]["/people/{person_id}"]["get"]["responses"]["404"]
    with pytest.raises(AssertionError, match="not documented"):
        api.call("GET", "/people/2147483647")
    with pytest.raises(AssertionError, match="the body of POST"):
        api.call("POST", "/people", {"name": "X", "organization_id": "1"})
