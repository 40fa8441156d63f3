"""Sign-in, first-run setup, sessions, password changes and API tokens."""

from __future__ import annotations

from crm.accounts.models import User
from tests.conftest import PASSWORD, text_of


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
