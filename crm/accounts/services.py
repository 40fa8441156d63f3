"""Account operations. They change data and flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from crm import prose, vocab
from crm.accounts.models import (
    ApiToken,
    PartnershipAccess,
    User,
    new_secret,
    password_matches,
    rehashed,
    spend_a_verification,
    token_digest,
)
from crm.audit.models import record
from crm.extensions import db
from crm.sqlite import committed_session
from crm.timeutil import utcnow


class AccountError(ValueError):
    """A request that cannot be carried out, with a message for the person (and the field it is
    about, when it is one: the API names it)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# --- sign-in: verify outside the write lock, then write briefly ------------------------------------
#
# A POST request's session begins IMMEDIATE on SQLite (crm/sqlite.py): it holds the database's
# single write lock from its first query to its commit. Argon2id takes tens of milliseconds by
# design, so verifying inside that transaction would queue every other writer behind each
# sign-in. Sign-in therefore reads the stored hash and verifies it (and computes any rehash)
# without a transaction of the session's, and only then opens the short write transaction.

@dataclass(frozen=True)
class VerifiedSignIn:
    """A password that matched the stored hash `password_hash` of user `user_id`."""

    user_id: int
    password_hash: str
    new_hash: str | None  # today's parameters, when the stored hash is weaker


def _read(statement) -> list[tuple]:
    """Rows of a SELECT read on a short session of its own (crm/sqlite.py committed_session:
    DEFERRED on SQLite), so the request's session takes no transaction, and no write lock, yet."""
    with committed_session() as session:
        return [tuple(row) for row in session.execute(statement)]


def any_user_without_lock() -> bool:
    """Whether any account exists (sign-in sends a fresh install to setup), read lock-free."""
    return bool(_read(select(User.id).limit(1)))


def verify_sign_in(email: str, password: str) -> VerifiedSignIn | None:
    """The active account `email` if `password` is its password; no write lock is held while
    Argon2id runs (see above). Every refusal costs one Argon2id verification: an unknown email
    or a disabled account is verified against a dummy hash, so the answer's timing is that of a
    wrong password and does not tell who has an account (bench/bench_signin.py)."""
    rows = _read(select(User.id, User.password_hash, User.active)
                 .where(User.email == normalise_email(email)))
    if not rows or not rows[0][2]:
        spend_a_verification(password)
        return None
    user_id, password_hash, _active = rows[0]
    if not password_matches(password_hash, password):
        return None
    return VerifiedSignIn(user_id, password_hash, rehashed(password_hash, password))


def record_sign_in(verified: VerifiedSignIn, password: str) -> User | None:
    """The write step of sign-in: last login time and any rehash. None if the account changed
    (password, deactivation) between verifying and now: the sign-in is then refused. When only
    the hash changed meanwhile (another sign-in of the same account upgraded it), the password
    is checked against the new hash: the rare race pays one hash under the lock, and several
    browsers signing in at once are not refused."""
    user = db.session.get(User, verified.user_id)
    if user is None or not user.active:
        return None
    if user.password_hash != verified.password_hash:
        if not password_matches(user.password_hash, password):
            return None
        verified = VerifiedSignIn(user.id, user.password_hash, None)
    user.last_login_at = utcnow()
    if verified.new_hash:
        user.password_hash = verified.new_hash  # same password: sessions stay valid
    db.session.flush()
    return user


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
    """Change a password; every other session and remember-me cookie stops working, and so do
    the user's API tokens (whoever learnt the old password may have made one)."""
    if not user.check_password(current):
        raise AccountError("The current password is not right.")
    user.set_password(new)
    revoked = revoke_all_api_tokens(user)
    record(db.session, "password", "users", user.id,
           summary=f"password changed; other sessions ended, {prose.plural(revoked, 'API token')} revoked")
    db.session.flush()


def revoke_all_api_tokens(user: User) -> int:
    """Revoke every live API token of `user`; how many were live."""
    result = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


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
