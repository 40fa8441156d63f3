"""The OpenAPI document of the API."""

from __future__ import annotations

from flask import jsonify

from crm.api import bp
from crm.api.spec import openapi_document


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of every endpoint (public: it holds no data)."""
    return jsonify(openapi_document())
