"""Error pages for people and JSON errors for the API; a 500 rolls the session back."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from crm.extensions import db

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


def api_error(status: int, code: str, message: str, fields: dict | None = None):
    """The API's error shape: {"error": {"code", "message", "fields"}}."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


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
        message = MESSAGES.get(status, error.description)
        if status == 413:
            limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            message = f"That upload is too large: the limit is {limit} MB. Split the file and try again."
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            return api_error(status, code, error.description if status == 400 else message)
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(StaleDataError)
    def _stale(_error):
        # Two saves of one record at once: the versioned UPDATE of the later one matched no
        # row, so nothing was overwritten; say so instead of answering 500.
        db.session.rollback()
        message = ("Someone else saved this record at the same moment; your change was not saved. "
                   "Reload the page to see their version, then make your change again.")
        if wants_json():
            return api_error(409, "conflict", message)
        return render_template("errors/error.html", status=409, message=message), 409

    @app.errorhandler(Exception)
    def _server(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return api_error(500, "server_error", MESSAGES[500])
        return render_template("errors/error.html", status=500, message=MESSAGES[500]), 500
