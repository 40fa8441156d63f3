"""Upgrading an empty database to head gives exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

from crm import create_app
from crm.extensions import db
from tests.conftest import TEST_DB_URL, _drop_postgres, _prepare_postgres, base_config


def _diff_after_upgrade(url: str) -> list:
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        engine = create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        engine.dispose()
        db.engine.dispose()
    return diff


def test_sqlite_migrations_match_models(tmp_path):
    assert _diff_after_upgrade(f"sqlite:///{tmp_path / 'migrated.db'}") == []


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DB_URL, reason="set CRM_TEST_DATABASE_URL to a PostgreSQL server to run this "
                    "(.ci/run does, in its PostgreSQL run)")
def test_postgres_migrations_match_models():
    url = _prepare_postgres(TEST_DB_URL.rsplit("/", 1)[0] + "/convene_migrations")
    try:
        assert _diff_after_upgrade(url) == []
    finally:
        _drop_postgres(url)
