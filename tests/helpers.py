"""Helpers the test files share that are not fixtures: the test password, reading a page as a
person reads it, and reading what other sessions committed.

Fixtures live in `tests/conftest.py` (and the browser's in `tests/browser_fixtures.py`); the
two-partnership world of the web tests in `tests/web/world.py`."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.partnerships.models import Invitation

#: every account the tests create signs in with this
PASSWORD = "correct horse battery"


def text_of(response) -> str:
    """A response body with tags removed and spaces collapsed, for asserting what a person
    reads. Entities stay escaped (`&lt;script&gt;`): hostile-text assertions rely on it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def shown_text(response) -> str:
    """`text_of` with entities decoded (`O'Brien`, `&`), exactly as the browser shows it."""
    return html.unescape(text_of(response))


# --- reading what a request committed -----------------------------------------------------------
#
# The test's own `db.session` is not the session a request uses: every request (the test client,
# the live server, a scheduler job) has its own and commits it. The test's session keeps what it
# loaded (its identity map) and, on SQLite in WAL mode, a read snapshot from its first read of the
# transaction, so a later read in the same transaction does not see the request's commit. Ending
# the test's transaction (a rollback, which expires every loaded object) makes the next read
# fresh. The test client does it before every request (`tests.conftest.IsolatedClient`); for
# writers outside the client, call `read_committed()` (the `committed` fixture) before reading.

_FLUSHED = "tests.flushed_uncommitted"


@event.listens_for(Session, "after_flush")
def _note_flush(session, _flush_context):
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_FLUSHED, None)


def uncommitted_writes(session) -> bool:
    """Whether the session holds changes it has not committed (flushed or not)."""
    return bool(session.info.get(_FLUSHED) or session.new or session.deleted
                or any(session.is_modified(obj) for obj in session.dirty))


def read_committed(before: str = "reading what other sessions committed"):
    """End the test session's transaction and return the session: what it reads next is what
    every other session has committed. Refuses (fails the test) if the test itself holds
    uncommitted changes: the rollback would drop them silently, and no other session can see
    them, so a test relying on them would pass or fail for the wrong reason."""
    session = db.session
    if uncommitted_writes(session):
        pytest.fail(f"the test's session holds uncommitted changes before {before}: commit them "
                    "(other sessions cannot see them) or roll them back", pytrace=False)
    session.rollback()
    return session


def invite(meeting, *answers):
    """Invite people with their answers (the plan may have invited those who accepted already)."""
    invited = {i.person_id: i for i in meeting.invitations}
    for person, response in answers:
        if person.id in invited:
            invited[person.id].response = response
        else:
            meeting.invitations.append(Invitation(person_id=person.id, response=response))
