"""The application factory: `create_app` is a list of register_* steps and has no side effects
beyond building the app: no migrations, no scheduler, no network. Callers reach it as
`crm.create_app` (see crm/__init__.py)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from crm import (
    cli,
    config,
    errors,
    ids,
    models,  # noqa: F401  (every table known to Alembic and create_all)
    security,
    templating,
)
from crm import logging as request_logging
from crm.accounts import auth
from crm.accounts.views import bp as accounts_bp
from crm.api.routes import bp as api_bp
from crm.contacts.duplicate_views import bp as duplicates_bp
from crm.contacts.transfer_views import bp as transfer_bp
from crm.contacts.views import bp as contacts_bp
from crm.extensions import csrf, db, limiter, login_manager, migrate
from crm.health.views import bp as health_bp
from crm.launch.plan_views import bp as plans_bp
from crm.launch.summary_views import bp as summary_bp
from crm.launch.views import bp as launch_bp
from crm.launch.wall_views import bp as wall_bp
from crm.main import bp as main_bp
from crm.network import services as network_services
from crm.network.views import bp as network_bp
from crm.onepager.views import bp as onepager_bp
from crm.outreach.views import bp as outreach_bp
from crm.partnerships.views import bp as partnerships_bp
from crm.privacy.views import bp as privacy_bp
from crm.scoring import services as scoring_services
from crm.scoring.views import bp as scoring_bp
from crm.sqlite import use_immediate_writes

BLUEPRINTS = (main_bp, accounts_bp, contacts_bp, partnerships_bp, api_bp, privacy_bp, transfer_bp,
              duplicates_bp, scoring_bp, network_bp, outreach_bp, launch_bp, summary_bp,
              onepager_bp, health_bp, plans_bp, wall_bp)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: defaults, config/ file, environment, then `test_config`."""
    app = Flask(
        "crm",
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    config.load(app, test_config)
    register_extensions(app)
    register_security(app)
    register_url_converters(app)
    register_blueprints(app)
    register_feature_links(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    register_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.CONFIG_DIR.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    auth.configure_login(app, login_manager)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _sqlite_pragmas(db.engine)


def _sqlite_pragmas(engine) -> None:
    """WAL with full sync (no acknowledged write lost on a crash), foreign keys on; writers
    take the lock up front (crm/sqlite.py)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    use_immediate_writes(engine)


def register_security(app: Flask) -> None:
    app.session_interface = security.PagesOnlySessionInterface()
    security.init_app(app)


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in every route is an id (crm/ids.py): 20 digits answer 404, never 500."""
    ids.install(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_feature_links(app: Flask) -> None:
    """What one feature lends another without importing it: the map (crm.network, which never
    imports crm.scoring) shows the overall scores crm.scoring computes."""
    app.extensions[network_services.SCORES_EXTENSION] = scoring_services.overall_scores


def register_errorhandlers(app: Flask) -> None:
    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:
    templating.init_app(app)


def register_logging(app: Flask) -> None:
    request_logging.init_app(app)


def register_cli(app: Flask) -> None:
    cli.init_app(app)
