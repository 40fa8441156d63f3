"""Configuration loading, in order: built-in defaults, the config file, the environment,
then the dict a test passes to `create_app`. Nothing here runs at import time.

Each setting has one home: its default in DEFAULTS below, its environment variable in
ENVIRONMENT; `config/default.py` and a deployment's file hold only what differs. Code reads a
setting from `app.config` (or through a helper here, e.g. `default_timezone()`), never from a
literal of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

DEFAULTS = {
    "ENV_NAME": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_DURATION": timedelta(days=14),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # the token is tied to the session, which itself expires
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_LIMIT_PER_ADDRESS": "30 per 10 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "8 per 10 minutes",
    #: reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
    #: Behind one proxy set 1, or every sign-in shares the proxy's address and its throttle.
    #: Applied once, by crm/security.py (werkzeug's ProxyFix); the only proxy trust there is.
    "TRUSTED_PROXIES": 0,
    #: the zone of a new partnership, and of digests and dates shown outside any partnership
    "PARTNERSHIP_DEFAULT_TIMEZONE": "America/Denver",
    "PAGE_SIZE": 50,
    "MAIL_FROM": "convene@localhost",
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": True,
    #: names this installation in the identifiers it hands to other programs (calendar event
    #: UIDs, vCard UIDs), so two installations never collide and one item keeps its identity.
    #: None: derived from SECRET_KEY (stable while the key is; set it, e.g. to the host name,
    #: to keep the identities through a key rotation).
    "INSTALLATION_ID": None,
    #: a partnership's letter template renders (crm/sandbox.py) within this many seconds and
    #: to at most this many characters per text (the workbook's sample letter: 2,100), or
    #: is refused with a message saying which bound it passed
    "LETTER_RENDER_SECONDS": 2.0,
    "LETTER_MAX_CHARS": 100_000,
}

#: environment variable -> config key (and how to parse it)
ENVIRONMENT = {
    "CRM_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "CRM_SECRET_KEY": ("SECRET_KEY", str),
    "CRM_SMTP_HOST": ("SMTP_HOST", str),
    "CRM_SMTP_PORT": ("SMTP_PORT", int),
    "CRM_SMTP_USERNAME": ("SMTP_USERNAME", str),
    "CRM_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "CRM_SMTP_STARTTLS": ("SMTP_STARTTLS", lambda v: v.lower() in {"1", "true", "yes"}),
    "CRM_MAIL_FROM": ("MAIL_FROM", str),
    "CRM_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "CRM_TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "CRM_DEFAULT_TIMEZONE": ("PARTNERSHIP_DEFAULT_TIMEZONE", str),
    "CRM_INSTALLATION_ID": ("INSTALLATION_ID", str),
}

#: old environment variable -> the one that replaced it (still read, with a warning)
DEPRECATED_ENVIRONMENT = {
    "CRM_PROXY_HOPS": "CRM_TRUSTED_PROXIES",
}


def load(app: Flask, overrides: dict | None = None) -> None:
    """Fill `app.config` from defaults, file, environment and `overrides`."""
    app.config.from_mapping(DEFAULTS)
    config_file = os.environ.get("CRM_CONFIG") or str(CONFIG_DIR / "default.py")
    app.config.from_pyfile(config_file)
    for var, value in _environment(app).items():
        key, parse = ENVIRONMENT[var]
        try:
            app.config[key] = parse(value)
        except ValueError:
            raise RuntimeError(f"{var}={value!r} is not a valid value for {key}.") from None
    if overrides:
        app.config.update(overrides)
    _database(app)
    _secret_key(app)


def _environment(app: Flask) -> dict[str, str]:
    """The CRM_* variables that are set, deprecated names read as their replacement (both set
    to different values is refused: which one was meant?)."""
    found = {var: os.environ[var] for var in ENVIRONMENT if os.environ.get(var)}
    for old, new in DEPRECATED_ENVIRONMENT.items():
        value = os.environ.get(old)
        if not value:
            continue
        if found.get(new, value) != value:
            raise RuntimeError(f"{old}={value} and {new}={found[new]} disagree: set {new} only ({old} is "
                               "its deprecated name).")
        app.logger.warning("%s is deprecated: set %s=%s instead.", old, new, value)
        found[new] = value
    return found


def default_timezone() -> str:
    """PARTNERSHIP_DEFAULT_TIMEZONE of the running app (the built-in default outside one)."""
    if has_app_context():
        return current_app.config["PARTNERSHIP_DEFAULT_TIMEZONE"]
    return DEFAULTS["PARTNERSHIP_DEFAULT_TIMEZONE"]


def installation_id() -> str:
    """INSTALLATION_ID of the running app, else one derived from its SECRET_KEY: the same on
    every app server of one installation, different between installations. It ends calendar
    UIDs (`meeting-5@...`) and seeds vCard UIDs."""
    configured = current_app.config.get("INSTALLATION_ID")
    if configured:
        return str(configured)
    key = str(current_app.config["SECRET_KEY"]).encode()
    return "convene-" + hmac.new(key, b"installation id", hashlib.sha256).hexdigest()[:16]


def _database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{Path(app.instance_path) / 'convene.db'}"
    if uri.startswith("postgres://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgres://")
    elif uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # SQLite: no pool_pre_ping needed; a generous timeout instead of "database is locked".
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}


def _secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] != "development" and not app.config.get("TESTING"):
        raise RuntimeError(
            "CRM_SECRET_KEY is not set. Outside development Convene refuses to start without "
            "a secret key (generate one: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    # Development: one random key per install, kept in the instance folder.
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        app.config["SECRET_KEY"] = path.read_text().strip()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    app.config["SECRET_KEY"] = key
