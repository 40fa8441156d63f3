"""Structured logs: one JSON line per request, and JSON for every other record of the app.

Each request line carries method, path, status, duration in milliseconds, the signed-in user's
id (or the API token's user), the client address and a request id (the `X-Request-ID` header a
proxy sent, else a fresh one, echoed back in the response). Lines go to stderr, where gunicorn,
systemd or a container runtime collect them; a log shipper can parse them without regexes.

Settings: LOG_REQUESTS (default on, off under TESTING) and LOG_LEVEL (default INFO).
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, request
from sqlalchemy import inspect

REQUEST_LOGGER = "crm.request"


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line (extra fields under `fields`)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, separators=(",", ":"))


def _handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._crm_json = True  # type: ignore[attr-defined] - marks ours, so init twice adds one
    return handler


def _install(logger: logging.Logger, level: str) -> None:
    logger.setLevel(level)
    if not any(getattr(h, "_crm_json", False) for h in logger.handlers):
        logger.addHandler(_handler())
    logger.propagate = False


def _user_id():
    """The signed-in (or token) user's id, if Flask-Login already loaded one. Read from the
    object's identity key, never its attributes: no query, and no error when the request
    committed and ended its session (an erasure does), which leaves the user detached and
    expired."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    state = inspect(user, raiseerr=False)
    if state is None:
        return getattr(user, "id", None)
    return state.identity[0] if state.identity else None


def init_app(app: Flask) -> None:
    """Install the JSON handler and the per-request line."""
    if app.config.get("TESTING") and "LOG_REQUESTS" not in app.config:
        app.config["LOG_REQUESTS"] = False
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    if not app.config.get("TESTING"):
        _install(app.logger, level)
    request_logger = logging.getLogger(REQUEST_LOGGER)
    _install(request_logger, level)
    if not app.config.get("LOG_REQUESTS", True):
        return

    def _start_clock():
        g.request_started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming[:64] if incoming.isprintable() and incoming else secrets.token_hex(8)

    # first of all before_request hooks, so requests the sign-in check redirects are timed too
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        if started is None:
            return response
        duration = (time.perf_counter() - started) * 1000
        response.headers.setdefault("X-Request-ID", g.request_id)
        request_logger.info("request", extra={"fields": {
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round(duration, 2),
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
            "request_id": g.request_id,
        }})
        return response
