"""Schemathesis against /api/v1/openapi.json with a bearer token: whatever it generates for
every documented operation, the API never answers 5xx. Path ids are pointed at real objects
of partnership A (tests/web/world.py), so bodies reach the handlers, not just a 404.
Bounded by SCHEMATHESIS_EXAMPLES per operation."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from crm.accounts import services as accounts
from tests.security.figures import add
from tests.web.world import build_world, url_values

pytestmark = pytest.mark.slow  # schemathesis over every API operation

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def world_token(app, db):
    world = build_world()
    token = accounts.create_api_token(world.users["admin"], "schemathesis")
    db.session.commit()
    return world, token


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_api_never_answers_5xx(app, db, world_token, committed):
    world, token = world_token
    values = url_values(world)
    operations = _operations(app)
    assert operations, "openapi.json documents no operation"
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case):
            if case.path_parameters:
                case.path_parameters = {k: values.get(k, v) for k, v in case.path_parameters.items()}
            response = case.call(headers={"Authorization": f"Bearer {token}"})  # not the test client
            committed()
            add("schemathesis", "API calls")
            assert response.status_code < 500, (case.method, case.formatted_path, case.body,
                                                response.text[:500])
            if response.status_code >= 400:
                assert set(response.json()["error"]) >= {"code", "message", "fields"}

        call()
        add("schemathesis", "operations")
