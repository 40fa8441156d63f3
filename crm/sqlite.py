"""SQLite under several worker processes: take the write lock when a request starts, if it
is one that writes.

In WAL mode readers never block, but a transaction that has read and then writes must
upgrade its read snapshot to the write lock; if another process committed meanwhile, SQLite
answers "database is locked" at once (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout. Under
the load test that failed a few requests a minute. The cure SQLite documents is BEGIN
IMMEDIATE: the transaction takes the write lock at its start, waiting up to the busy timeout
for another writer, and never has to upgrade.

So: requests with an unsafe method (POST, PUT, PATCH, DELETE) begin IMMEDIATE; GET and HEAD
requests, and work outside requests (CLI, the single scheduler, tests' own sessions, which may
hold a transaction open across requests), begin DEFERRED as before and keep reading
concurrently. This is SQLAlchemy's documented pysqlite recipe (the driver's own
implicit BEGIN is switched off and we emit ours), which also makes SAVEPOINTs behave.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from crm.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: Set while a session of its own reads (committed_session, below), e.g. a cache filling itself:
#: that session only reads, whatever the request's method, and must never wait for the write lock
#: the request's own session may be holding.
reading_only: ContextVar[bool] = ContextVar("sqlite_reading_only", default=False)


def begin_statement() -> str:
    """BEGIN IMMEDIATE for a request that will write, a plain (deferred) BEGIN otherwise."""
    if has_request_context() and request.method not in SAFE_METHODS and not reading_only.get():
        return "BEGIN IMMEDIATE"
    return "BEGIN"


@contextmanager
def committed_session():
    """A short session of its own that only reads: for filling caches (which must only ever hold
    committed rows, never what the current request has flushed and may still roll back) and for
    reads that must not wait for, or take, the write lock the request's own session holds (the
    stored password hash at sign-in). On SQLite it begins DEFERRED whatever the request's method;
    on other databases it is simply a separate session."""
    session = Session(db.engine)
    reset = reading_only.set(True)
    try:
        yield session
    finally:
        session.close()
        reading_only.reset(reset)


def use_immediate_writes(engine: Engine) -> None:
    """Install the begin hook on a SQLite engine (called from create_app)."""

    @event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql(begin_statement())
