"""Convene: the application factory. `create_app` is a list of register_* steps and has no
side effects beyond building the app: no migrations, no scheduler, no network."""

from __future__ import annotations

from flask import Flask

from crm import config, ids


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: defaults, config/ file, environment, then `test_config`."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    config.load(app, test_config)
    register_extensions(app)
    register_security(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    register_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    from crm import models  # noqa: F401  (every table known to Alembic and create_all)
    from crm.accounts import auth
    from crm.extensions import csrf, db, limiter, login_manager, migrate

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
    """WAL with full sync (no acknowledged write lost on a crash), foreign keys on."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    from crm.sqlite import use_immediate_writes  # writers take the lock up front (crm/sqlite.py)

    use_immediate_writes(engine)


def register_security(app: Flask) -> None:
    from crm import security

    app.session_interface = security.PagesOnlySessionInterface()
    security.init_app(app)


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in every route is an id (crm/ids.py): 20 digits answer 404, never 500."""
    ids.install(app)


def register_blueprints(app: Flask) -> None:
    from crm.accounts.views import bp as accounts_bp
    from crm.api import bp as api_bp
    from crm.api import register_modules
    from crm.contacts.duplicate_views import bp as duplicates_bp
    from crm.contacts.transfer_views import bp as transfer_bp
    from crm.contacts.views import bp as contacts_bp
    from crm.main import bp as main_bp
    from crm.partnerships.views import bp as partnerships_bp
    from crm.privacy.views import bp as privacy_bp

    register_modules()
    for blueprint in (main_bp, accounts_bp, contacts_bp, partnerships_bp, api_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(duplicates_bp)
    from crm.scoring.views import bp as scoring_bp

    app.register_blueprint(scoring_bp)
    from crm.network.views import bp as network_bp

    app.register_blueprint(network_bp)
    from crm.outreach.views import bp as outreach_bp

    app.register_blueprint(outreach_bp)


def register_errorhandlers(app: Flask) -> None:
    from crm import errors

    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from crm import templating

    templating.init_app(app)


def register_logging(app: Flask) -> None:
    from crm import logging as request_logging

    request_logging.init_app(app)


def register_cli(app: Flask) -> None:
    from crm import cli

    cli.init_app(app)
