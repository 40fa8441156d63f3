"""The JSON API, /api/v1: personal bearer tokens only (no cookies, so no CSRF), the same
access rules as the pages, errors as {"error": {"code", "message", "fields"}}.

Each feature adds its endpoints in its own module here (`contacts.py`, `network.py`, ...),
registering routes on `bp` and describing them with `crm.api.spec.document`, which is what
/api/v1/openapi.json is built from; `crm/api/routes.py` imports every module, once.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from flask_login import current_user

from crm.accounts.auth import note_token_use
from crm.api.spec import check_query
from crm.api.util import ApiError
from crm.errors import api_error
from crm.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    db.session.rollback()
    return error.response()

PUBLIC = {"api.openapi"}
REALM = "Convene API"


@bp.before_request
def _require_token():
    if request.endpoint in PUBLIC:
        return None
    # RFC 6750: a 401 names the scheme it wants, and says when the token sent was the problem
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return api_error(401, "unauthorized", "Send a personal API token: Authorization: Bearer TOKEN.",
                         headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})
    if not current_user.is_authenticated:
        return api_error(401, "unauthorized", "That API token is not valid (revoked or unknown).",
                         headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'})
    g.api_user = current_user._get_current_object()
    problems = check_query()
    if problems:
        return api_error(400, "invalid", "Some query parameters are not valid: "
                         + "; ".join(f"{name}: {', '.join(why)}" for name, why in problems.items()),
                         problems)
    return None


@bp.after_request
def _note_token_use(response):
    if response.status_code < 400:
        note_token_use()
    return response

