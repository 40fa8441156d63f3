"""The OpenAPI document is what outside programs build clients from (issue 17 item 1): a valid
OpenAPI 3.1 document (openapi-spec-validator), every vocabulary a named schema, one spelling
(`organization`, with the old `organisation_id` accepted and marked deprecated), the limits and
cross-field rules stated, and the documented query parameters enforced."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from crm.api.spec import NAMED_ENUMS
from tests.web.world import build_world


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    errors = [str(e).splitlines()[0] for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_every_body_enum_is_a_named_schema(document):
    schemas = document["components"]["schemas"]
    for name, values in NAMED_ENUMS.items():
        assert schemas[name]["enum"] == list(values)
    inline = [path for path, node in _walk(document) if "enum" in node
              and not path.startswith("/components/schemas/" + str(node.get("title")))
              and "/parameters/" not in path]
    assert inline == [], "add the vocabulary to crm.api.spec.NAMED_ENUMS"
    refs = {node["$ref"] for _, node in _walk(document) if "$ref" in node}
    for field in ("kind", "status", "outcome", "pace"):
        assert schemas["TaskOut"]["properties"][field] != {"type": "string", "title": field.title()}
    assert schemas["MeetingOut"]["properties"]["kind"]["$ref"] == "#/components/schemas/MeetingKind"
    assert {"#/components/schemas/Side", "#/components/schemas/PipelineStage"} <= refs


def test_no_default_null_where_null_is_not_allowed(document):
    for path, node in _walk(document):
        if node.get("default", "absent") is None:
            assert any(s.get("type") == "null" for s in node.get("anyOf", [])) or node.get("type") == "null", path


def test_one_spelling_organization_and_the_old_one_deprecated(document):
    text = json.dumps({k: v for k, v in document.items() if k != "info"})
    schemas = document["components"]["schemas"]
    assert "OrganizationOut" in schemas and not any("Organisation" in name for name in schemas)
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert {"list_organizations", "create_organization", "get_organization"} <= operations
    assert not any("organisation" in o for o in operations)
    assert "organization_id" in schemas["PersonOut"]["properties"]
    for name in ("PersonIn", "PersonPatch", "ReferredIn"):
        old = schemas[name]["properties"]["organisation_id"]
        assert old["deprecated"] is True and "organization_id" in old["description"]
    assert schemas["MeetingIn"]["properties"]["host_organisation_id"]["deprecated"] is True
    # outside deprecated input names and their notes, nothing is spelled the old way
    for old_name in ('"organisation_id"', '"host_organisation_id"', "organisation_name"):
        text = text.replace(old_name, "")
    # (and the people list's sort values, whose old spellings its description marks deprecated)
    leftovers = [line for line in text.split('"') if "organisation" in line
                 and "Deprecated" not in line and "deprecated" not in line
                 and line not in ("organisation", "-organisation")]
    assert leftovers == []


def test_limits_and_cross_field_rules_are_stated(document):
    schemas = document["components"]["schemas"]
    for path, node in _walk(document["paths"]):
        if path.endswith("/schema") and node.get("type") == "integer":
            assert "maximum" in node and "minimum" in node, path
    starts_at = schemas["MeetingIn"]["properties"]["starts_at"]
    assert starts_at["format"] == "date-time" and starts_at["pattern"] == "^20[0-9]{2}-"
    assert "2000-01-01 and 2099-12-31" in starts_at["description"]
    for item in document["paths"].values():
        for operation in item.values():
            for param in operation["parameters"]:
                if param.get("required") and param["schema"].get("type") == "string":
                    assert param["schema"]["minLength"] >= 1, param
    assert "launch_target_low" in schemas["PartnershipIn"]["description"]
    assert "after `starts_at`" in schemas["MeetingIn"]["description"]
    assert "kind" in schemas["OrganizationIn"]["description"]
    assert "source_id" in schemas["RelationshipIn"]["description"]


def test_the_old_spelling_is_still_accepted_on_input(client, bearer):
    world = build_world()
    h = bearer(world.users["admin"])
    old = client.post("/api/v1/people", json={"name": "Old Spelling", "organisation_id": world.org_a.id}, headers=h)
    assert old.status_code == 201 and old.json["organization_id"] == world.org_a.id
    assert "organisation_id" not in old.json
    both = client.post("/api/v1/people", headers=h, json={
        "name": "Both", "organisation_id": world.org_a.id, "organization_id": world.org_b.id})
    assert both.status_code == 400 and "disagree" in json.dumps(both.json)
    meeting = client.post(f"/api/v1/partnerships/{world.a.id}/meetings", headers=h, json={
        "starts_at": "2030-05-01T15:00:00Z", "host_organisation_id": world.org_a.id, "kind": "other"})
    assert meeting.status_code == 201 and meeting.json["host_organization_id"] == world.org_a.id
    sorted_old = client.get("/api/v1/people?sort=-organisation", headers=h)
    sorted_new = client.get("/api/v1/people?sort=-organization", headers=h)
    assert sorted_old.status_code == sorted_new.status_code == 200
    assert sorted_old.json["items"] == sorted_new.json["items"]


@pytest.mark.parametrize("query, name", [
    ("/people?stage=bogus", "stage"), ("/people?side=bogus", "side"), ("/people?kind=bogus", "kind"),
    ("/organizations?side=bogus", "side"), ("/relationships?kind=bogus", "kind"),
    ("/people?sort=bogus", "sort"), ("/people?partnership=0", "partnership"),
    ("/people?per_page=201", "per_page"), ("/people?page=x", "page"),
])
def test_unknown_query_values_answer_400_naming_what_is_allowed(client, bearer, query, name):
    world = build_world()
    response = client.get("/api/v1" + query, headers=bearer(world.users["admin"]))
    assert response.status_code == 400
    assert name in response.json["error"]["fields"]
    if "bogus" in query:
        message = response.json["error"]["message"]
        assert "not one of" in message and ("employer" in message or "candidate" in message
                                            or "knows" in message or "name" in message)
