"""Flask-Login wiring: sessions keyed by each user's rotating session token, and bearer
tokens for the API."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, request
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from crm.accounts.models import ApiToken, User, token_digest
from crm.extensions import db
from crm.timeutil import as_utc, utcnow

LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_api_token(token: str) -> User | None:
    """The active user owning a valid, unrevoked API token."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.digest == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    now = utcnow()
    # At most one write a minute per token: a write on every API read would queue every API
    # client behind SQLite's single writer (and churn PostgreSQL's rows) for a coarse "last used".
    if row.last_used_at is None or as_utc(row.last_used_at) < now - LAST_USED_RESOLUTION:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            g.api_token_use = (row.id, now)  # written after a successful answer: note_token_use
        else:  # a writing request holds the write lock already: it commits this with its change
            row.last_used_at = now
    return row.user


def note_token_use() -> None:
    """After a successful read, record the token's use in a short transaction of its own, best
    effort: inside the request's read transaction the UPDATE would have to upgrade a read
    snapshot to a write, which SQLite refuses at once when another writer committed since (a
    500 on a plain GET under load)."""
    use = g.pop("api_token_use", None)
    if use is None:
        return
    token_id, now = use

    try:
        with db.engine.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    except OperationalError:  # the database is busy for longer than its timeout: skip this one
        pass


def configure_login(app: Flask, login_manager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(session_token: str) -> User | None:
        if not session_token:
            return None
        user = db.session.scalar(select(User).where(User.session_token == session_token))
        return user if user is not None and user.active else None

    @login_manager.request_loader
    def _load_from_header(req) -> User | None:
        # Bearer tokens count only on the API; pages never accept them.
        if not request.path.startswith("/api/"):
            return None
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return user_for_api_token(header.removeprefix("Bearer ").strip())
