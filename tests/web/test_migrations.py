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


def test_not_now_rows_leave_declined_when_migrated(tmp_path):
    """A "not now" from the chairs' review used to be stored as `declined`: the migration moves
    exactly those rows (newest decision "not now") to their own stage, and asked-and-declined
    people stay declined; the new CHECK allows the stage and still refuses unknown ones."""
    url = f"sqlite:///{tmp_path / 'not_now.db'}"
    app = create_app(base_config(url))
    with app.app_context():
        upgrade(revision="b5d2c9e4f1a3")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO partnerships (id, name, sector, timezone, stage, launch_target_low,"
                                 " launch_target_high, launch_minimum, created_at, version)"
                                 " VALUES (1, 'P', 'Tech', 'UTC', 'scoping', 25, 30, 10, '2026-01-01', 1)")
            for pid in (1, 2, 3):
                conn.exec_driver_sql(f"INSERT INTO people (id, name, name_key, created_at, updated_at, version)"
                                     f" VALUES ({pid}, 'P{pid}', 'p{pid}', '2026-01-01', '2026-01-01', 1)")
                conn.exec_driver_sql(f"INSERT INTO memberships (partnership_id, person_id, role, stage,"
                                     f" stage_changed_at, created_at, version)"
                                     f" VALUES (1, {pid}, 'member', 'declined', '2026-01-01', '2026-01-01', 1)")
            # 1: not now; 2: asked and said no (no decision); 3: not now, later approved, then declined
            for pid, decision in ((1, "not_now"), (3, "not_now"), (3, "approve")):
                conn.exec_driver_sql(f"INSERT INTO review_decisions (partnership_id, person_id, decision, at)"
                                     f" VALUES (1, {pid}, '{decision}', '2026-01-01')")
        upgrade()
        with engine.begin() as conn:
            stages = dict(conn.exec_driver_sql("SELECT person_id, stage FROM memberships").all())
            assert stages == {1: "not_now", 2: "declined", 3: "declined"}
            with pytest.raises(Exception, match="CHECK"):
                conn.exec_driver_sql("UPDATE memberships SET stage = 'nonsense' WHERE person_id = 1")
        engine.dispose()
        db.engine.dispose()
