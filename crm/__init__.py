"""Convene: relationship and outreach tracker for sector partnerships.

`create_app` (the factory, in `crm/app.py`) is what servers and the CLI call:
`gunicorn 'crm:create_app()'`, `flask --app crm ...`. Importing `crm` or any of its modules
builds nothing; the pure cores (`crm.rules`, `crm.vocab`, `crm.network.graph`...) load without
Flask or SQLAlchemy, which is why the factory is imported on first call rather than here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: defaults, config/ file, environment, then `test_config`."""
    # import here: importing the package (every module's parent) must not load the whole app
    from crm.app import create_app as build

    return build(test_config)
