"""Sign-in, first-run setup, sessions, password changes and API tokens."""

from __future__ import annotations

from crm.accounts.models import User
from tests.helpers import PASSWORD, text_of


def test_empty_database_sends_newcomers_to_setup(client):
    response = client.get("/", follow_redirects=True)
    assert "Create the administrator account" in text_of(response)


def test_first_account_becomes_admin_and_is_signed_in(client, db):
    response = client.post("/setup", data={"name": "Ada", "email": "Ada@Example.org",
                                           "password": PASSWORD, "confirm": PASSWORD},
                           follow_redirects=True)
    assert "Your partnerships" in text_of(response)
    user = db.session.query(User).one()
    assert (user.email, user.role) == ("ada@example.org", "admin")
    assert user.password_hash.startswith("$argon2")


def test_setup_is_closed_once_an_account_exists(client, make_user):
    make_user("first@example.org", role="admin")
    response = client.post("/setup", data={"name": "X", "email": "x@example.org",
                                           "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_setup_form_keeps_input_and_explains_errors(client):
    response = client.post("/setup", data={"name": "Ada", "email": "not-an-email",
                                           "password": "short", "confirm": "other"})
    body = text_of(response)
    assert response.status_code == 200
    assert "Invalid email address" in body and "Passwords differ" in body
    assert 'value="Ada"' in response.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, auth, make_user):
    make_user("c@example.org")
    response = auth.login("c@example.org", "wrong password")
    assert "Email or password is not right" in text_of(response)


def test_login_follows_only_same_site_next(client, auth, make_user):
    make_user("c@example.org")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"email": "c@example.org",
                                                               "password": PASSWORD})
        assert response.headers["Location"] == "/", target
        client.post("/logout")
    response = client.post("/login?next=/people", data={"email": "c@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/people"


def test_session_cookie_replayed_after_logout_is_refused(client, auth, make_user):
    make_user("c@example.org")
    auth.login("c@example.org")
    cookie = client.get_cookie("session")
    assert client.get("/people").status_code == 200
    auth.logout()
    client.set_cookie(cookie.key, cookie.value)
    response = client.get("/people")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_signs_out_other_sessions(app, client, auth, make_user):
    make_user("c@example.org")
    auth.login("c@example.org")
    other = app.test_client()
    other.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    assert other.get("/people").status_code == 200
    response = client.post("/account", data={"pw-current": PASSWORD, "pw-password": "a new long password",
                                             "pw-confirm": "a new long password"}, follow_redirects=True)
    assert "Password changed" in text_of(response)
    assert client.get("/people").status_code == 200
    assert other.get("/people").status_code == 302


def test_password_change_needs_the_current_password(client, auth, make_user):
    make_user("c@example.org")
    auth.login("c@example.org")
    response = client.post("/account", data={"pw-current": "nope", "pw-password": "a new long password",
                                             "pw-confirm": "a new long password"})
    assert "current password is not right" in text_of(response)


def test_api_token_is_shown_once_and_stored_as_digest(client, auth, make_user, db):
    from crm.accounts.models import ApiToken

    make_user("c@example.org")
    auth.login("c@example.org")
    response = client.post("/account/tokens", data={"name": "sync"})
    body = response.get_data(as_text=True)
    token = body.split('<code class="token">')[1].split("</code>")[0]
    row = db.session.query(ApiToken).one()
    assert token.startswith("cvn_") and token not in (row.digest, row.prefix)
    assert token.startswith(row.prefix)


def test_cookies_are_httponly_and_samesite(client, auth, make_user):
    make_user("c@example.org")
    response = auth.login("c@example.org", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_pages_send_security_headers(client, auth, make_user):
    make_user("c@example.org")
    auth.login("c@example.org")
    response = client.get("/people")
    csp = response.headers["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "'self'" in script_src and "unsafe" not in script_src
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


# --- sign-in does not hold SQLite's write lock while hashing -------------------------------------

class _LockProbe:
    """Wraps the password hasher: each time Argon2 runs, another connection tries to take the
    database's write lock without waiting. Records whether it could."""

    def __init__(self, hasher, database: str):
        self._hasher, self._database, self.free = hasher, database, []

    def _probe(self) -> None:
        import sqlite3

        other = sqlite3.connect(self._database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            self.free.append(True)
        except sqlite3.OperationalError:
            self.free.append(False)
        finally:
            other.close()

    def verify(self, *args):
        self._probe()
        return self._hasher.verify(*args)

    def hash(self, *args):
        self._probe()
        return self._hasher.hash(*args)

    def check_needs_rehash(self, *args):
        return self._hasher.check_needs_rehash(*args)


def _sqlite_file(app) -> str:
    import pytest
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's database-wide write lock only")
    return url.database


def test_sign_in_verifies_the_password_without_holding_the_write_lock(app, client, db, make_user,
                                                                     monkeypatch):
    import sqlite3

    from crm.accounts import models

    make_user("c@example.org")
    db.session.rollback()
    probe = _LockProbe(models._hasher, _sqlite_file(app))
    # the probe can see a held lock: a writer elsewhere makes it report False
    holder = sqlite3.connect(probe._database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    probe._probe()
    holder.execute("ROLLBACK")
    holder.close()
    assert probe.free == [False]
    probe.free.clear()

    monkeypatch.setattr(models, "_hasher", probe)
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/people").status_code == 200
    wrong = client.post("/logout") and client.post("/login", data={"email": "c@example.org",
                                                                   "password": "wrong password"})
    assert "Email or password is not right" in text_of(wrong)
    assert probe.free == [True, True], "Argon2 ran while the request held the write lock"
    assert db.session.query(User).one().last_login_at is not None


def test_a_weaker_hash_is_upgraded_at_sign_in_outside_the_write_lock(app, client, db, make_user,
                                                                     monkeypatch):
    from argon2 import PasswordHasher

    from crm.accounts import models

    user = make_user("c@example.org")
    old_hash, token = user.password_hash, user.session_token
    db.session.rollback()
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    probe = _LockProbe(stronger, _sqlite_file(app))
    monkeypatch.setattr(models, "_hasher", probe)
    assert client.post("/login", data={"email": "c@example.org", "password": PASSWORD}).status_code == 302
    assert probe.free == [True, True], "verify and rehash both run before the write transaction"
    user = db.session.get(User, user.id)
    assert user.password_hash != old_hash and "m=2048,t=2" in user.password_hash
    assert user.session_token == token, "a rehash is not a password change: sessions stay valid"
    monkeypatch.undo()
    other = app.test_client()
    assert other.post("/login", data={"email": "c@example.org", "password": PASSWORD}).status_code == 302


def test_a_password_changed_while_verifying_refuses_the_old_one(app, client, db, make_user, monkeypatch):
    from sqlalchemy import update

    from crm.accounts import models

    make_user("c@example.org")
    db.session.rollback()
    real = models._hasher

    class ChangesMidway:
        def verify(self, *args):
            ok = real.verify(*args)
            with db.engine.begin() as other:  # another request changes the password meanwhile
                other.execute(update(User).values(password_hash=real.hash("a completely new one")))
            return ok

        def check_needs_rehash(self, *args):
            return False

    monkeypatch.setattr(models, "_hasher", ChangesMidway())
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    assert response.status_code == 200 and "Email or password is not right" in text_of(response)
