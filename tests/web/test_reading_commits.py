"""The test kit's way of reading what a request committed (tests/README.md): after each request of
the test client the test reads fresh rows, objects it loaded before included; without that it
would read stale ones (so these checks can fail); a test holding uncommitted changes is
stopped before a request; `committed()` reads what another session committed."""

from __future__ import annotations

import contextvars

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.contacts.models import Person


@pytest.fixture
def signed_in(auth, make_user):
    make_user("c@example.org", role="convener")
    auth.login("c@example.org")


def _retitle(person, title: str) -> dict:
    return {"name": person.name, "title": title, "organisation_id": 0, "version": person.version}


def test_after_a_request_the_test_reads_what_it_committed(client, db, signed_in, make_person):
    person = make_person("Lane Whitaker", title="GM")
    assert person.title == "GM"  # loaded: in the test's identity map and its read snapshot
    response = client.post(f"/people/{person.id}/edit", data=_retitle(person, "General Manager"))
    assert response.status_code == 302
    assert person.title == "General Manager"
    assert db.session.scalar(select(Person.title).where(Person.id == person.id)) == "General Manager"


def test_without_ending_the_transaction_the_test_would_read_stale_rows(client, db, signed_in, make_person):
    """What the client's fresh read guards against: the same request, sent around it."""
    person = make_person("Lane Whitaker", title="GM")
    assert person.title == "GM"
    response = contextvars.Context().run(FlaskClient.open, client, f"/people/{person.id}/edit",
                                         method="POST", data=_retitle(person, "General Manager"))
    assert response.status_code == 302
    assert person.title == "GM"  # stale: the identity map still holds what the test loaded
    assert db.session.get(Person, person.id).title == "GM"
    db.session.rollback()
    assert person.title == "General Manager"


def test_a_request_after_uncommitted_changes_fails_the_test(client, db, signed_in, make_person):
    person = make_person("Lane Whitaker", title="GM")
    person.title = "Owner"  # not committed: no request could see it
    with pytest.raises(pytest.fail.Exception, match="uncommitted changes before a request"):
        client.get(f"/people/{person.id}")
    db.session.rollback()
    db.session.add(Person(name="Flushed Only", name_key="flushed only"))
    db.session.flush()
    with pytest.raises(pytest.fail.Exception, match="uncommitted changes"):
        client.get("/people")
    db.session.rollback()
    assert client.get("/people").status_code == 200  # once rolled back, requests run again


def test_committed_reads_what_another_session_committed(db, committed, make_person):
    person = make_person("Lane Whitaker", title="GM")
    assert person.title == "GM"
    with Session(db.engine) as other:  # a live server, a job, a thread: any other session
        other.get(Person, person.id).title = "Owner"
        other.commit()
    assert db.session.get(Person, person.id).title == "GM"  # what the test's session loaded
    assert committed().scalar(select(Person.title).where(Person.id == person.id)) == "Owner"
    assert person.title == "Owner"
