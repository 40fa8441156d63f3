"""No N+1 queries: the number of SQL statements a page runs does not grow with its rows."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from crm.accounts import services as accounts
from crm.contacts import services
from crm.outreach.models import Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Meeting
from crm.scoring.models import TraitAssessment
from crm.timeutil import utcnow
from tests.web.world import sign_in


@contextmanager
def counting(db):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _seed(db, n: int):
    """n people at n organisations with tags and memberships; the hub knows, referred and was
    invited with all of them."""
    partnership = partnerships.create_partnership("P", "Manufacturing")
    hub = services.save_person(None, {"name": "Hub", "tags": "a, b"})
    partnerships.add_member(partnership, hub.id, "chair", "champion")
    meeting = Meeting(partnership_id=partnership.id, kind="launch", starts_at=utcnow() + timedelta(days=30))
    db.session.add(meeting)
    db.session.flush()
    for i in range(n):
        org = services.save_organisation(None, {"name": f"Org {i}", "kind": "employer"})
        person = services.save_person(None, {"name": f"Person {i}", "organisation_id": org.id,
                                             "tags": f"t{i}, common"})
        partnerships.add_member(partnership, person.id, "member", "candidate")
        services.add_tie("knows", hub.id, person.id, 2)
        services.add_tie("referred", hub.id, person.id)
        db.session.add(Task(partnership_id=partnership.id, kind="ask", person_id=person.id,
                            owner_id=hub.id, due=utcnow().date()))
        db.session.add(TraitAssessment(person_id=hub.id, partnership_id=partnership.id,
                                       trait="company", rating=i % 4))
    db.session.add(Invitation(meeting_id=meeting.id, person_id=hub.id))
    admin = accounts.create_user(f"admin{n}@example.org", "correct horse battery", "admin")
    token = accounts.create_api_token(admin, "count")
    db.session.commit()
    return hub, admin, token


def _counts(app, db, n: int) -> dict[str, int]:
    hub, admin, token = _seed(db, n)
    client = app.test_client()
    sign_in(client, admin)
    pages = {"people list": "/people", "person page": f"/people/{hub.id}",
             "organisations list": "/organisations", "people search": "/people?q=person&sort=organisation"}
    counts = {}
    for name, url in pages.items():
        with counting(db) as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    with counting(db) as statements:
        response = client.get("/api/v1/people?per_page=200", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200 and len(response.json["items"]) == n + 1
    counts["api people list"] = len(statements)
    return counts


@pytest.fixture
def app_config():
    return {"PAGE_SIZE": 200}


@pytest.mark.slow  # seeds and counts every page twice
def test_query_count_does_not_grow_with_rows(app, db):
    from tests.conftest import _empty_all_tables

    small = _counts(app, db, 5)
    _empty_all_tables()
    large = _counts(app, db, 50)
    assert large == small, f"queries grew with rows: 5 rows {small}, 50 rows {large}"
