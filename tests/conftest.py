"""Shared fixtures: `app`, `client`, `runner`, `auth`, `db`, small factories (`make_user`,
`make_org`, `make_person`, `make_partnership`, `add_member`), the two-partnership `world`,
`bearer` API headers, a real `smtp` server and `committed` (read what other sessions committed).

The database is SQLite (a file per test session) unless CRM_TEST_DATABASE_URL points at
PostgreSQL; the schema is created once per session and every table is emptied after each test.
How the pieces fit, and what goes where: `tests/README.md`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os

import pytest
from argon2 import PasswordHasher
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crm import create_app
from crm.accounts import models as account_models
from crm.accounts import services as accounts
from crm.contacts import services as contacts
from crm.extensions import db as _db
from crm.partnerships import services as partnerships
from tests import secrets_guard
from tests.helpers import PASSWORD, read_committed, text_of  # noqa: F401 - text_of: older imports
from tests.web.smtp_fixture import TestSmtpServer
from tests.web.world import build_world

#: browser fixtures (`browser`, `live_server`, `page`) for every directory: one Chromium per session
pytest_plugins = ["tests.browser_fixtures"]

IN_CI = bool(os.environ.get("CI"))
TEST_DB_URL = os.environ.get("CRM_TEST_DATABASE_URL")


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(items):
    """Every browser test is slow: Chromium and a live server take seconds per journey."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


def fresh_postgres_database(url: str, name: str) -> str:
    """The URL of an empty database `name` on the server of `url` (dropped first if it exists)."""
    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)
                      if url.startswith("postgresql://") else url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _prepare_postgres(url: str) -> str:
    """A fresh database next to the one named (so the developer's own data is never touched)."""
    return fresh_postgres_database(url, f"{make_url(url).database or 'convene'}_pytest_{os.getpid()}")


def _drop_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Argon2 at its cheapest: the tests check behaviour, not the cost of guessing."""
    original = account_models._hasher
    account_models._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    account_models._hasher = original


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DB_URL:
        url = _prepare_postgres(TEST_DB_URL)
        yield url
        _drop_postgres(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def base_config(database_url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(base_config(database_url))
    with app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return True


def _empty_all_tables():
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    if _db.engine.dialect.name == "postgresql":
        _db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                 + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(text(f'DELETE FROM "{table}"'))
    _db.session.commit()


@pytest.fixture
def app_config():
    """Extra settings a test module may override."""
    return {}


@contextlib.contextmanager
def app_context_then_empty(database_url: str, **config):
    """An app for tests, inside its app context, its test client an `IsolatedClient`; every
    table is emptied when it closes."""
    app = create_app(base_config(database_url, **config))
    app.test_client_class = IsolatedClient
    secrets_guard.install(app)
    with app.app_context():
        yield app
        _db.session.rollback()
        _empty_all_tables()
        _db.session.remove()
        for engine in _db.engines.values():
            engine.dispose()


@pytest.fixture(autouse=True)
def _no_secret_in_any_response():
    """Every test: no page, export or API answer carried a password hash, session token or
    token digest (`tests/secrets_guard.py` searches each response of the test's app)."""
    secrets_guard.reset()
    yield
    leaks = sorted(set(secrets_guard.LEAKS))
    secrets_guard.reset()
    assert not leaks, f"responses carried secrets (path, column): {leaks}"


@pytest.fixture
def app(database_url, _schema, app_config):
    with app_context_then_empty(database_url, **app_config) as app:
        yield app


@pytest.fixture
def db(app):
    return _db


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would: a fresh
    `g`, a fresh database session and no leftover signed-in user between requests.

    And the test reads what the request committed: before each request the test's transaction
    ends (`tests.helpers.read_committed`: objects it loaded are expired, SQLite's read snapshot
    is let go), so whatever the test reads after the request begins a new transaction, which
    sees the request's commit. The test's session must hold no uncommitted changes then (the
    request could not see them, and they would be dropped): the test fails saying so."""

    def open(self, *args, **kwargs):
        if has_app_context():  # the test's; not so inside a request (a redirect being followed)
            read_committed(before="a request")
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs):
        return self._client.post("/login", data={"email": email, "password": password, **kwargs})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def committed(db):
    """`committed()` ends the test's transaction and returns its session, to read what another
    writer committed: the live server of a browser test, a scheduler job, a thread or a process.
    (After a request of the test client this is already done.)"""
    return read_committed


@pytest.fixture
def make_user(db):
    def make(email="user@example.org", role="convener", partnerships=(), person=None,
             password=PASSWORD):
        user = accounts.create_user(email, password, role, name=email.split("@")[0],
                                    partnership_ids=[p.id for p in partnerships],
                                    person_id=person.id if person else None)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_org(db):
    counter = iter(range(1, 10**6))

    def make(name=None, kind="employer", **fields):
        org = contacts.save_organisation(None, {"name": name or f"Org {next(counter)}", "kind": kind,
                                                **fields})
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_person(db):
    counter = iter(range(1, 10**6))

    def make(name=None, org=None, **fields):
        person = contacts.save_person(None, {"name": name or f"Person {next(counter)}",
                                             "organisation_id": org.id if org else None, **fields})
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_partnership(db):
    counter = iter(range(1, 10**6))

    def make(name=None, sector="Advanced Manufacturing", **fields):
        partnership = partnerships.create_partnership(name or f"Partnership {next(counter)}", sector,
                                                  **fields)
        db.session.commit()
        return partnership

    return make


@pytest.fixture
def add_member(db):
    def add(partnership, person, role="member", stage="candidate"):
        membership = partnerships.add_member(partnership, person.id, role, stage)
        db.session.commit()
        return membership

    return add


@pytest.fixture
def world(db):
    """Partnerships A and B, their people and one user of each role (`tests/web/world.py`)."""
    return build_world()


@pytest.fixture
def bearer(db):
    """`bearer(user)`: the headers of an API request with a new token of that user."""

    def headers(user) -> dict:
        token = accounts.create_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free port, which a test may stop and start again."""
    server = TestSmtpServer()
    server.start()
    yield server
    server.stop()
