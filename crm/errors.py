"""Error pages for people and JSON errors for the API; a 500 rolls the session back."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from crm.extensions import db
from crm.security import safe_next

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do that.",
    404: "Nothing here, or nothing you have access to.",
    405: "That action is not allowed here.",
    409: "Someone else changed this in the meantime.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a few minutes and try again.",
    500: "Something went wrong on our side. Nothing was saved.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, fields: dict | None = None,
              headers: dict | None = None):
    """The API's error shape: {"error": {"code", "message", "fields"}}."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    response = jsonify(body)
    response.headers.update(headers or {})
    return response, status


#: submitted fields never shown back: the form's old CSRF token (a fresh one is issued) and passwords
_NOT_SHOWN = re.compile(r"csrf_token|password|^pw-")


def _label(name: str) -> str:
    name = name.rsplit("-", 1)[-1].removesuffix("_id")
    return name.replace("_", " ").strip().capitalize() or "Value"


def conflict_page(message: str, current_version: int | None = None):
    """A save that lost a race (the versioned UPDATE matched no row): nothing was written, and
    nothing the person typed is lost either. Every submitted value comes back in a form that
    posts to the same address, ready to save again over the other person's version (or to copy
    from); `version` stays hidden, so a form that checks it shows what the other person changed."""
    fields = []
    for name, value in request.form.items(multi=True):
        if _NOT_SHOWN.search(name):
            continue
        # the version, and ids chosen from a menu, travel hidden: nobody typed them
        hidden = name == "version" or (name.endswith("_id") and value.isdigit())
        if name == "version" and current_version is not None:
            value = str(current_version)  # the version saved now: "Save again" applies it over theirs
        fields.append({"name": name, "label": _label(name), "value": value, "hidden": hidden,
                       "long": "\n" in value or len(value) > 80})
    back = None
    referrer = urlsplit(request.referrer or "")
    if referrer.path and (not referrer.netloc or referrer.netloc == request.host):
        back = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
    return render_template("errors/conflict.html", status=409, message=message, fields=fields,
                           action="/" + request.full_path.rstrip("?").lstrip("/\\"), back=back,
                           files=[f.filename for f in request.files.values() if f.filename])


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        message = "Your form expired or came from another site. Please reload and try again."
        if wants_json():
            return api_error(400, "csrf", message)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        # an exception that says more than its status (a write to a merged record) says it
        message = getattr(error, "message", None) or MESSAGES.get(status, error.description)
        if status == 413:
            limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            message = f"That upload is too large: the limit is {limit} MB. Split the file and try again."
        # the exception's own headers stay: Allow on a 405, Retry-After, WWW-Authenticate
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if wants_json():
            code = getattr(error, "api_code", None) or (error.name or "error").lower().replace(" ", "_")
            body, _ = api_error(status, code, error.description if status == 400 else message,
                                getattr(error, "fields", None))
            return body, status, headers
        if status == 409 and request.method == "POST":
            # what they typed comes back (with the version saved now, where the view knows it)
            return conflict_page(message, getattr(error, "current_version", None)), 409, headers
        return render_template("errors/error.html", status=status, message=message), status, headers

    @app.errorhandler(StaleDataError)
    def _stale(_error):
        # Two saves of one record at once: the versioned UPDATE of the later one matched no
        # row, so nothing was overwritten; say so instead of answering 500.
        db.session.rollback()
        message = ("Someone else saved this record at the same moment; your change was not saved. "
                   "Reload the page to see their version, then make your change again.")
        if wants_json():
            return api_error(409, "conflict", message)
        return conflict_page(message), 409

    @app.errorhandler(Exception)
    def _server(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return api_error(500, "server_error", MESSAGES[500])
        return render_template("errors/error.html", status=500, message=MESSAGES[500]), 500
