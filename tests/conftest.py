"""Shared fixtures: `app`, `client`, `runner`, `auth`, `db` and small factories.

The database is SQLite (a file per test session) unless CRM_TEST_DATABASE_URL points at
PostgreSQL; the schema is created once per session and every table is emptied after each test.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crm import create_app
from crm.extensions import db as _db

#: browser fixtures (`browser`, `live_server`, `page`) for every directory: one Chromium per session
pytest_plugins = ["tests.browser_fixtures"]

IN_CI = bool(os.environ.get("CI"))
TEST_DB_URL = os.environ.get("CRM_TEST_DATABASE_URL")


def _prepare_postgres(url: str) -> str:
    """A fresh database next to the one named (so the developer's own data is never touched)."""
    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)
                      if url.startswith("postgresql://") else url)
    name = f"{parsed.database or 'convene'}_pytest_{os.getpid()}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Argon2 at its cheapest: the tests check behaviour, not the cost of guessing."""
    from argon2 import PasswordHasher

    from crm.accounts import models

    original = models._hasher
    models._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    models._hasher = original


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
    """An app for tests, inside its app context; every table is emptied when it closes."""
    app = create_app(base_config(database_url, **config))
    with app.app_context():
        yield app
        _db.session.rollback()
        _empty_all_tables()
        _db.session.remove()
        for engine in _db.engines.values():
            engine.dispose()


@pytest.fixture
def app(database_url, _schema, app_config):
    with app_context_then_empty(database_url, **app_config) as app:
        yield app


@pytest.fixture
def db(app):
    return _db


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would: a fresh
    `g`, a fresh database session and no leftover signed-in user between requests."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "correct horse battery"


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
def make_user(db):
    from crm.accounts import services

    def make(email="user@example.org", role="convener", partnerships=(), person=None,
             password=PASSWORD):
        user = services.create_user(email, password, role, name=email.split("@")[0],
                                    partnership_ids=[p.id for p in partnerships],
                                    person_id=person.id if person else None)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_org(db):
    from crm.contacts import services

    counter = iter(range(1, 10**6))

    def make(name=None, kind="employer", **fields):
        org = services.save_organisation(None, {"name": name or f"Org {next(counter)}", "kind": kind,
                                                **fields})
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_person(db, make_org):
    from crm.contacts import services

    counter = iter(range(1, 10**6))

    def make(name=None, org=None, **fields):
        person = services.save_person(None, {"name": name or f"Person {next(counter)}",
                                             "organisation_id": org.id if org else None, **fields})
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_partnership(db):
    from crm.partnerships import services

    counter = iter(range(1, 10**6))

    def make(name=None, sector="Advanced Manufacturing", **fields):
        partnership = services.create_partnership(name or f"Partnership {next(counter)}", sector,
                                                  **fields)
        db.session.commit()
        return partnership

    return make


@pytest.fixture
def add_member(db):
    from crm.partnerships import services

    def add(partnership, person, role="member", stage="candidate"):
        membership = services.add_member(partnership, person.id, role, stage)
        db.session.commit()
        return membership

    return add


def text_of(response) -> str:
    """A response body with tags removed, for asserting what a person reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
