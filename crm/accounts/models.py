"""Users of Convene, the partnerships each may see, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import vocab
from crm.contacts.models import Person
from crm.extensions import db
from crm.timeutil import utcnow

_hasher = PasswordHasher()


def new_secret() -> str:
    """A fresh random token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """How API and feed tokens are stored: only their SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def password_matches(password_hash: str, password: str) -> bool:
    """Argon2id verification of `password` against a stored hash (the slow step of sign-in)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash of a random password with today's parameters, made once per process on first use
    (not at import: importing builds nothing)."""
    return _hasher.hash(new_secret())


def spend_a_verification(password: str) -> None:
    """Run the same Argon2id verification a real account costs, against a hash nobody's password
    matches: sign-in for an unknown email or a disabled account then takes as long as a wrong
    password, so timing does not tell who has an account."""
    password_matches(_dummy_hash(), password)


def rehashed(password_hash: str, password: str) -> str | None:
    """A new hash of a verified `password` when the stored one used weaker parameters than
    today's hasher, else None."""
    try:
        needs = _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return None
    return _hasher.hash(password) if needs else None


def secret_columns() -> set[tuple[str, str]]:
    """(table, column) of every secret the schema holds, as the models declare them with
    `__secret__`: password hashes, session tokens, token digests. No export, page, API answer
    or audit entry shows them (`tests/security/test_secrets.py` checks every response of the
    test suites, and that every column named like a secret is declared)."""
    found = set()
    for mapper in db.Model.registry.mappers:
        for name in getattr(mapper.class_, "__secret__", ()):
            found.add((mapper.local_table.name, mapper.columns[name].name))
    return found


class User(db.Model):
    """Someone who signs in: admin, convener, chair or viewer."""

    __tablename__ = "users"
    __audited__ = True
    __secret__ = ("password_hash", "session_token", "ics_token_hash")
    __audit_exclude__ = __secret__
    __table_args__ = (CheckConstraint(vocab.check("role", vocab.USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    #: A chair's account is linked to the chair's person record.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    #: Rotated at logout and password change: invalidates every older session and
    #: remember-me cookie (Flask-Login's user id is this value, not the row id).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_secret)
    ics_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person | None] = relationship()
    accesses: Mapped[list[PartnershipAccess]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login protocol, written out so the session id is the rotating token.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)
        self.session_token = new_secret()

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    def rotate_session(self) -> None:
        self.session_token = new_secret()

    @property
    def is_staff(self) -> bool:
        """Admins and conveners: they see the whole contact base."""
        return self.role in vocab.STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def partnership_ids(self) -> set[int]:
        """Partnerships this user was given (admins see all; see crm.accounts.access)."""
        return {a.partnership_id for a in self.accesses}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"


class PartnershipAccess(db.Model):
    """A partnership given to a user: everything belonging to it becomes visible."""

    __tablename__ = "partnership_access"
    __audited__ = True
    __table_args__ = (UniqueConstraint("user_id", "partnership_id", name="uq_access_user_partnership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )

    user: Mapped[User] = relationship(back_populates="accesses")

    def __repr__(self) -> str:
        return f"<PartnershipAccess user{self.user_id} p{self.partnership_id}>"


class ApiToken(db.Model):
    """A personal API token; only its digest is stored."""

    __tablename__ = "api_tokens"
    __secret__ = ("digest",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user{self.user_id}>"


class PasswordReset(db.Model):
    """A one-time password-reset link an administrator started; only its digest is stored.
    Used once, or dead when it expires, when a newer one is started, or when the account is
    disabled."""

    __tablename__ = "password_resets"
    __secret__ = ("digest",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} user{self.user_id}>"
