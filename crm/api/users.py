"""API endpoints for user administration (administrators only): the same operations as the
Users pages (crm/accounts/administration.py): list and read accounts, change role, partnerships
and linked person, disable and enable, start a password-reset link."""

from __future__ import annotations

from typing import Literal

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from crm.accounts import administration
from crm.accounts.models import User
from crm.accounts.services import AccountError
from crm.api import bp
from crm.api.spec import document
from crm.api.util import ApiError, get_or_404, ok, page_of, parse
from crm.extensions import db
from crm.ids import Id
from crm.vocab import USER_ROLES, values

Role = Literal[tuple(values(USER_ROLES))]  # type: ignore[valid-type]


class UserOut(BaseModel):
    id: int
    email: str
    name: str | None
    role: Role
    active: bool
    partnership_ids: list[int]
    person_id: int | None
    last_login_at: str | None = Field(description="RFC 3339, or null if never")


class UserPatch(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
    partnership_ids: list[Id] | None = Field(default=None, max_length=1000)
    person_id: Id | None = None


class ResetLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    send: bool = Field(default=False, description="also email the link to the user through the outbox")


class ResetLinkOut(BaseModel):
    url: str = Field(description="the one-time link (shown once; only its SHA-256 is stored)")
    expires_at: str
    emailed: bool


def _admin_user(user_id: int) -> User:
    if not current_user.is_admin:
        raise ApiError(403, "forbidden", "Only administrators manage users.")
    return get_or_404(User, user_id)


def _refused(error: AccountError) -> ApiError:
    if error.field:
        return ApiError(400, "invalid", str(error), {error.field: [str(error)]})
    return ApiError(409, "conflict", str(error))


def _apply(user_id: int, operation):
    """Run an administration operation on one account, commit, answer the account."""
    user = _admin_user(user_id)
    try:
        operation(user)
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    return ok(administration.user_summary(user))


@bp.get("/users")
@document("get", "/users", summary="User accounts (admins)", response=UserOut, paginated=True)
def list_users():
    """Every account, by email."""
    if not current_user.is_admin:
        raise ApiError(403, "forbidden", "Only administrators manage users.")
    return ok(page_of(select(User).order_by(User.email), administration.user_summary))


@bp.get("/users/<int:user_id>")
@document("get", "/users/{user_id}", summary="One user account (admins)", response=UserOut)
def get_user(user_id: int):
    """One account."""
    return ok(administration.user_summary(_admin_user(user_id)))


@bp.patch("/users/<int:user_id>")
@document("patch", "/users/{user_id}", summary="Change a user's name, role, partnerships or linked "
          "person (admins; the last active admin cannot be demoted)", body=UserPatch, response=UserOut)
def update_user(user_id: int):
    """Change what is sent; a change that would leave no active admin answers 409."""
    user = _admin_user(user_id)
    data = parse(UserPatch)
    given = data.model_fields_set
    changes = {k: getattr(data, k) for k in ("name", "person_id") if k in given}
    try:
        administration.update_user(user, role=data.role if "role" in given else None,
                                   partnership_ids=data.partnership_ids if "partnership_ids" in given else None,
                                   **changes)
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    return ok(administration.user_summary(user))


@bp.post("/users/<int:user_id>/disable")
@document("post", "/users/{user_id}/disable", summary="Disable an account: its sessions and API "
          "tokens end at once (admins)", response=UserOut)
def disable_user(user_id: int):
    """Disable; 409 if already disabled or the last active admin."""
    return _apply(user_id, administration.disable_user)


@bp.post("/users/<int:user_id>/enable")
@document("post", "/users/{user_id}/enable", summary="Enable a disabled account (admins)", response=UserOut)
def enable_user(user_id: int):
    """Enable; 409 if already active."""
    return _apply(user_id, administration.enable_user)


def _reset_url(token: str) -> str:
    return url_for("accounts.reset_password", reset_token=token, _external=True)


@bp.post("/users/<int:user_id>/reset-link")
@document("post", "/users/{user_id}/reset-link", summary="Start a one-time password-reset link "
          "(admins); the user chooses a new password on its page", body=ResetLinkIn,
          response=ResetLinkOut, status=201)
def start_reset(user_id: int):
    """A new reset link (older ones stop working); 409 if the account is disabled."""
    user = _admin_user(user_id)
    data = parse(ResetLinkIn)
    try:
        link = administration.start_password_reset(user, started_by=current_user, link_for=_reset_url,
                                                   send=data.send)
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    return ok({"url": _reset_url(link.token), "expires_at": link.expires_at.isoformat(),
               "emailed": link.emailed}, 201)
