"""User administration (offboarding): an administrator changes a user's role, partnerships and
linked person, disables and re-enables the account, and starts a password reset the user
completes on a page. The same operations serve the pages, the API and the CLI; they change data
and flush, the caller commits.

Rules, each in one place here:
- there is always an active administrator: no change may leave none (demoting or disabling the
  last one, oneself included, is refused with a message);
- disabling ends the account's sessions and API tokens at once (the session token rotates, every
  token is revoked, open reset links die; every request and token use also checks `active`);
- a reset link is one-time, expires after RESET_LINK_LIFETIME, only its SHA-256 is stored, and
  starting a new one kills the older ones; completing it sets the password, ends every session
  and revokes the API tokens;
- every change is in the audit log: the User and PartnershipAccess rows are audited on flush,
  and each operation adds an entry saying what it did (tokens revoked, link started or used).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from crm import vocab
from crm.accounts.models import PartnershipAccess, PasswordReset, User, new_secret, token_digest
from crm.accounts.services import AccountError, revoke_all_api_tokens
from crm.audit.models import record
from crm.contacts.models import Person
from crm.extensions import db
from crm.outreach.mail import enqueue
from crm.partnerships.models import Partnership
from crm.timeutil import as_utc, utcnow

#: how long a password-reset link stays valid after an administrator starts it
RESET_LINK_LIFETIME = timedelta(hours=48)

_UNSET = object()


def _would_leave_no_admin(user: User) -> bool:
    """Whether `user` is an active admin and no other active admin exists."""
    if not (user.active and user.role == "admin"):
        return False
    others = db.session.scalar(select(func.count(User.id)).where(
        User.role == "admin", User.active.is_(True), User.id != user.id))
    return not others


def _check_partnerships(partnership_ids) -> list[int]:
    ids = list(dict.fromkeys(partnership_ids))
    found = set(db.session.scalars(select(Partnership.id).where(Partnership.id.in_(ids or [-1]))))
    missing = [pid for pid in ids if pid not in found]
    if missing:
        raise AccountError(f"No partnership with id {missing[0]}.", field="partnership_ids")
    return ids


def _names(partnership_ids: set[int]) -> str:
    if not partnership_ids:
        return "none"
    return ", ".join(db.session.scalars(select(Partnership.name).where(Partnership.id.in_(partnership_ids))
                                        .order_by(Partnership.name)))


def update_user(user: User, *, role: str | None = None, partnership_ids=None, name=_UNSET,
                person_id=_UNSET) -> User:
    """Change what an administrator may change of an account (only what is given)."""
    if role is not None and role != user.role:
        if role not in vocab.values(vocab.USER_ROLES):
            raise AccountError(f"Unknown role {role!r}.", field="role")
        if _would_leave_no_admin(user):
            raise AccountError(f"{user.email} is the only active administrator: make another "
                               "account an administrator first.")
        user.role = role
    if partnership_ids is not None:
        wanted = _check_partnerships(partnership_ids)
        before = user.partnership_ids
        if set(wanted) != before:
            user.accesses = [a for a in user.accesses if a.partnership_id in wanted] + [
                PartnershipAccess(partnership_id=pid) for pid in wanted if pid not in before]
            db.session.flush()
            record(db.session, "partnerships", "users", user.id,
                   summary=f"partnerships of {user.email}: {_names(before)} -> {_names(set(wanted))}",
                   before={"partnership_ids": sorted(before)}, after={"partnership_ids": sorted(wanted)})
    if name is not _UNSET:
        user.name = (name or "").strip()[:200] or None
    if person_id is not _UNSET:
        if person_id is not None:
            person = db.session.get(Person, person_id)
            if person is None or person.archived_at is not None:
                raise AccountError(f"No person with id {person_id}.", field="person_id")
        user.person_id = person_id
    db.session.flush()
    return user


def _kill_reset_links(user: User, now: datetime) -> None:
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                   PasswordReset.used_at.is_(None))
                       .values(used_at=now).execution_options(synchronize_session=False))


def disable_user(user: User) -> int:
    """Disable an account: its sessions, API tokens and reset links end now. Returns how many
    API tokens were revoked."""
    if not user.active:
        raise AccountError(f"{user.email} is already disabled.")
    if _would_leave_no_admin(user):
        raise AccountError(f"{user.email} is the only active administrator: make another account "
                           "an administrator first.")
    now = utcnow()
    user.active = False
    user.rotate_session()
    revoked = revoke_all_api_tokens(user)
    _kill_reset_links(user, now)
    db.session.flush()
    record(db.session, "disable", "users", user.id,
           summary=f"{user.email} disabled; sessions ended, {revoked} API token(s) revoked")
    return revoked


def enable_user(user: User) -> None:
    """Re-enable a disabled account (its old sessions and API tokens stay ended)."""
    if user.active:
        raise AccountError(f"{user.email} is already active.")
    user.active = True
    db.session.flush()
    record(db.session, "enable", "users", user.id, summary=f"{user.email} enabled")


@dataclass(frozen=True)
class ResetLink:
    """A reset link just started: `token` is shown or sent once, never stored."""

    token: str
    expires_at: datetime
    emailed: bool


def start_password_reset(user: User, *, started_by: User | None, link_for, send: bool = False) -> ResetLink:
    """Start a one-time password reset for `user` (older links die). `link_for(token)` gives the
    page's absolute URL; with `send`, the link goes to the user's email through the outbox."""
    if not user.active:
        raise AccountError(f"{user.email} is disabled: enable the account first.")
    now = utcnow()
    _kill_reset_links(user, now)
    token = new_secret()
    reset = PasswordReset(user_id=user.id, digest=token_digest(token), created_at=now,
                          created_by_id=started_by.id if started_by else None,
                          expires_at=now + RESET_LINK_LIFETIME)
    db.session.add(reset)
    db.session.flush()
    if send:
        hours = int(RESET_LINK_LIFETIME.total_seconds() // 3600)
        enqueue(f"password-reset:{reset.id}", user.email, "Set your Convene password",
                f"Hello {user.name or user.email},\n\nAn administrator started a password reset "
                f"for your Convene account. Open this link within {hours} hours to choose a new "
                f"password (it works once):\n\n{link_for(token)}\n\nIf you did not expect this, "
                "tell your administrator.\n", to_user_id=user.id)
    record(db.session, "reset_link", "users", user.id,
           summary=f"password reset link for {user.email} started"
                   + (", emailed through the outbox" if send else ", handed over by the administrator")
                   + f"; valid until {reset.expires_at.isoformat(timespec='minutes')}")
    return ResetLink(token, reset.expires_at, send)


def reset_for_token(token: str) -> PasswordReset | None:
    """The open reset this token starts, or None (unknown, used, expired, account disabled)."""
    if not token or len(token) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.digest == token_digest(token)))
    if reset is None or reset.used_at is not None or as_utc(reset.expires_at) <= utcnow():
        return None
    if not reset.user.active:
        return None
    return reset


def complete_password_reset(token: str, password: str) -> User:
    """Set the password through a reset link: the link is used up, every session of the account
    ends and its API tokens are revoked."""
    reset = reset_for_token(token)
    if reset is None:
        raise AccountError("This reset link is not valid any more (used, expired or replaced). "
                           "Ask your administrator for a new one.")
    user = reset.user
    now = utcnow()
    user.set_password(password)
    _kill_reset_links(user, now)
    revoked = revoke_all_api_tokens(user)
    db.session.flush()
    record(db.session, "password_reset", "users", user.id,
           summary=f"password set through a reset link; sessions ended, {revoked} API token(s) revoked")
    return user


def user_summary(user: User) -> dict:
    """What the API and the CLI show of an account (never a hash or token)."""
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "active": user.active, "partnership_ids": sorted(user.partnership_ids),
            "person_id": user.person_id,
            "last_login_at": as_utc(user.last_login_at).isoformat() if user.last_login_at else None}
