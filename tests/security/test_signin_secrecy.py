"""Sign-in tells nothing about who has an account (issue 12, item 8): every refused sign-in
costs the same Argon2id verification, whether the email is unknown, the account disabled or
the password wrong (timings: bench/bench_signin.py; no timed assertion here). And a password
change ends what the old password could have opened: other sessions and API tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.accounts import models
from crm.accounts.models import ApiToken, User
from crm.audit.models import AuditEntry
from tests.helpers import PASSWORD, text_of


class _CountingHasher:
    """The real hasher, counting the verifications sign-in runs."""

    def __init__(self, hasher):
        self._hasher, self.verified = hasher, 0

    def verify(self, *args):
        self.verified += 1
        return self._hasher.verify(*args)

    def hash(self, *args):
        return self._hasher.hash(*args)

    def check_needs_rehash(self, *args):
        return self._hasher.check_needs_rehash(*args)


@pytest.fixture
def hasher(monkeypatch):
    counting = _CountingHasher(models._hasher)
    monkeypatch.setattr(models, "_hasher", counting)
    return counting


@pytest.mark.parametrize("case", ["wrong password", "unknown email", "disabled account",
                                  "unknown email, differently cased"])
def test_every_refused_sign_in_runs_one_argon2_verification(client, db, make_user, hasher, case):
    make_user("known@example.org")
    gone = make_user("gone@example.org")
    gone.active = False
    db.session.commit()
    email = {"wrong password": "known@example.org", "unknown email": "nobody@example.org",
             "disabled account": "gone@example.org",
             "unknown email, differently cased": "  NoBody@Example.org "}[case]
    password = PASSWORD if case == "disabled account" else "not the password"
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 200 and "Email or password is not right" in text_of(response)
    assert hasher.verified == 1, f"{case}: {hasher.verified} verifications, a wrong password costs 1"


def test_the_dummy_hash_uses_todays_parameters_and_matches_no_password(hasher):
    models._dummy_hash.cache_clear()
    dummy = models._dummy_hash()
    assert not hasher.check_needs_rehash(dummy), "a weaker dummy would be faster than a real account"
    assert dummy == models._dummy_hash(), "made once per process"
    assert not models.password_matches(dummy, "") and not models.password_matches(dummy, PASSWORD)


def test_right_password_still_signs_in(client, make_user, hasher):
    make_user("known@example.org")
    assert client.post("/login", data={"email": "known@example.org", "password": PASSWORD}).status_code == 302
    assert hasher.verified == 1


def test_password_change_revokes_api_tokens_and_other_sessions(app, client, auth, db, make_user, bearer):
    user = make_user("c@example.org")
    headers = bearer(user)
    assert client.get("/api/v1/partnerships", headers=headers).status_code == 200
    other = app.test_client()
    other.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    auth.login("c@example.org")
    response = client.post("/account", data={"pw-current": PASSWORD, "pw-password": "a new long password",
                                             "pw-confirm": "a new long password"}, follow_redirects=True)
    assert "API tokens revoked" in text_of(response)
    assert app.test_client().get("/api/v1/partnerships", headers=headers).status_code == 401
    assert other.get("/people").status_code == 302
    assert client.get("/people").status_code == 200, "the session that changed it stays signed in"
    assert all(t.revoked_at for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "password")).one()
    assert entry.entity_id == user.id and "1 API token" in entry.summary


def test_a_refused_password_change_keeps_the_tokens(app, client, auth, db, make_user, bearer):
    user = make_user("c@example.org")
    headers = bearer(user)
    auth.login("c@example.org")
    client.post("/account", data={"pw-current": "wrong", "pw-password": "a new long password",
                                  "pw-confirm": "a new long password"})
    assert app.test_client().get("/api/v1/partnerships", headers=headers).status_code == 200
    assert db.session.get(User, user.id).check_password(PASSWORD)
