"""The contacts API against its own OpenAPI document, with generated input (schemathesis):
no 500s, responses match the documented schemas and status codes, errors keep their shape."""

from __future__ import annotations

import contextvars
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from crm.accounts import services as accounts
from tests.web.world import build_world

pytestmark = pytest.mark.slow  # schemathesis against the OpenAPI document

#: Some schema-valid bodies are refused on purpose for reasons a JSON Schema cannot express
#: (side disagreeing with kind, an organisation_id that does not exist): 400 is right there.
SEMANTIC = [schemathesis.checks.positive_data_acceptance]
CONTACT_PATHS = re.compile(r"^/(people|organizations|relationships|partnerships/\{partnership_id\}/members)")


def test_contacts_api_conforms_to_its_openapi_document(app, db):
    world = build_world()
    token = accounts.create_api_token(world.users["admin"], "schemathesis")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if CONTACT_PATHS.match(op.path)]
    assert len(operations) >= 15
    seen: dict[int, int] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.headers = {**(case.headers or {}), **headers}  # our token, not a generated one
            # outside the test's app context, as a real server would (see tests/conftest.py)
            response = contextvars.Context().run(case.call_and_validate, excluded_checks=SEMANTIC)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1

        check()
    assert 401 not in seen and seen.get(200) and seen.get(400), seen
