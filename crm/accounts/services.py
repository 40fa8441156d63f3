"""Account operations. They change data and flush; the caller commits."""

from __future__ import annotations

from sqlalchemy import func, select

from crm import vocab
from crm.accounts.models import ApiToken, PartnershipAccess, User, new_secret, token_digest
from crm.extensions import db
from crm.timeutil import utcnow


class AccountError(ValueError):
    """A request that cannot be carried out, with a message for the person."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str, role: str, name: str | None = None,
                partnership_ids: list[int] | tuple = (), person_id: int | None = None) -> User:
    """A new user with the given role and partnerships."""
    if role not in vocab.values(vocab.USER_ROLES):
        raise AccountError(f"Unknown role {role!r}.")
    email = normalise_email(email)
    if find_user(email):
        raise AccountError(f"An account for {email} already exists.")
    user = User(email=email, name=name, role=role, person_id=person_id)
    user.set_password(password)
    user.accesses = [PartnershipAccess(partnership_id=pid) for pid in dict.fromkeys(partnership_ids)]
    db.session.add(user)
    db.session.flush()
    return user


def set_partnerships(user: User, partnership_ids) -> None:
    wanted = set(partnership_ids)
    user.accesses = [a for a in user.accesses if a.partnership_id in wanted] + [
        PartnershipAccess(partnership_id=pid) for pid in wanted - user.partnership_ids
    ]
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; every other session and remember-me cookie stops working."""
    if not user.check_password(current):
        raise AccountError("The current password is not right.")
    user.set_password(new)
    db.session.flush()


def create_api_token(user: User, name: str) -> str:
    """A new API token for `user`; the token itself is returned once and never stored."""
    token = "cvn_" + new_secret()
    db.session.add(ApiToken(user_id=user.id, name=name or "API token", digest=token_digest(token),
                            prefix=token[:10]))
    db.session.flush()
    return token


def revoke_api_token(user: User, token_id: int) -> bool:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    return True
