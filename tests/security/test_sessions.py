"""Sessions and sign-in attacked the way past breaches did: cookie flags (production over
HTTPS), replayed sessions and remember-me cookies, password guessing, open redirects, cross-site
form posts, and the security headers of every page."""

from __future__ import annotations

import runpy
from http.cookies import SimpleCookie

import pytest
from flask import url_for
from sqlalchemy import select

from crm import create_app
from crm.config import CONFIG_DIR
from crm.contacts.models import Organisation
from crm.extensions import db, limiter
from tests.conftest import app_context_then_empty, base_config
from tests.helpers import PASSWORD
from tests.security.figures import add, put
from tests.security.helpers import fetch
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, snapshot, url_values


def _production_settings() -> dict:
    """The cookie and HTTPS settings of config/production.example.py, as a test override."""
    values = runpy.run_path(str(CONFIG_DIR / "production.example.py"))
    return {k: v for k, v in values.items() if k.isupper() and k not in ("SECRET_KEY", "ENV_NAME",
                                                                        "RATELIMIT_STORAGE_URI")}


def _set_cookies(response) -> list[tuple[str, dict, str]]:
    cookies = []
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            cookies.append((name, morsel, header))
    return cookies


# --- cookies ----------------------------------------------------------------------------------

@pytest.fixture
def https_app(database_url, _schema):
    with app_context_then_empty(database_url, **_production_settings()) as app:
        yield app


def test_every_cookie_over_https_is_secure_host_prefixed_httponly_and_lax(https_app, make_user):
    make_user("c@example.org")
    client = https_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    seen = []
    responses = [client.get("/login", base_url="https://localhost"),
                 client.post("/login", data={"email": "c@example.org", "password": PASSWORD, "remember": "y"},
                             base_url="https://localhost"),
                 client.get("/people", base_url="https://localhost"),
                 client.post("/logout", base_url="https://localhost")]
    for response in responses:
        for name, morsel, header in _set_cookies(response):
            seen.append(name)
            assert morsel["secure"], header
            assert morsel["httponly"], header
            assert morsel["samesite"].lower() == "lax", header
            assert name.startswith("__Host-"), f"{name} lacks the __Host- prefix"
            assert morsel["path"] == "/" and not morsel["domain"], header
    assert any("remember" in n for n in seen) and any(n == "__Host-convene" for n in seen), seen
    assert "max-age=31536000" in responses[0].headers.get("Strict-Transport-Security", "")
    put("sessions", "cookies checked over https", len(seen))


def test_cookies_in_development_are_httponly_and_lax(client, make_user):
    make_user("c@example.org")
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD, "remember": "y"})
    cookies = _set_cookies(response)
    assert {n for n, _, _ in cookies} >= {"session", "remember_token"}
    for _name, morsel, header in cookies:
        assert morsel["httponly"] and morsel["samesite"].lower() == "lax", header


def test_remember_me_lasts_at_most_two_weeks(app):
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 14
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 24 * 3600


# --- replay ------------------------------------------------------------------------------------

def test_session_cookie_replayed_after_logout_is_refused(app, client, auth, make_user):
    make_user("c@example.org")
    auth.login("c@example.org")
    stolen = client.get_cookie("session").value
    assert client.get("/people").status_code == 200
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/people")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_remember_me_cookie_after_password_change_is_refused(app, client, auth, make_user):
    make_user("c@example.org")
    auth.login("c@example.org", remember="y")
    remembered = client.get_cookie("remember_token").value
    other_device = app.test_client()
    other_device.set_cookie("remember_token", remembered)
    assert other_device.get("/people").status_code == 200, "remember-me should work before the change"
    response = client.post("/account", data={"pw-current": PASSWORD, "pw-password": "a brand new secret",
                                              "pw-confirm": "a brand new secret"})
    assert response.status_code == 302
    assert client.get("/people").status_code == 200, "the device that changed it stays signed in"
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    response = thief.get("/people")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- throttling ----------------------------------------------------------------------------------

@pytest.fixture
def app_config(request):
    config = {}
    if request.node.get_closest_marker("throttled"):
        config["RATELIMIT_ENABLED"] = True
    if request.node.get_closest_marker("proxied"):
        config["TRUSTED_PROXIES"] = 1
    return config


def _login(client, email, password, address):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.mark.throttled
def test_guessing_one_account_is_throttled_without_locking_its_owner_out(app, client, make_user):
    limiter.reset()
    make_user("victim@example.org")
    per_account = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    attacker = app.test_client()
    for _ in range(per_account):
        assert _login(attacker, "victim@example.org", "guess", "203.0.113.9").status_code == 200
    blocked = _login(attacker, "victim@example.org", PASSWORD, "203.0.113.9")
    assert blocked.status_code == 429 and b"Too many attempts" in blocked.data
    owner = _login(client, "victim@example.org", PASSWORD, "198.51.100.7")
    assert owner.status_code == 302, "the real user, from their own address, still signs in"
    add("sessions", "login attempts", per_account + 2)


@pytest.mark.throttled
def test_one_address_guessing_many_accounts_is_throttled(app, make_user):
    limiter.reset()
    make_user("someone@example.org")
    per_address = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    attacker = app.test_client()
    for i in range(per_address):
        _login(attacker, f"user{i}@example.org", "guess", "203.0.113.10")
    assert _login(attacker, "someone@example.org", PASSWORD, "203.0.113.10").status_code == 429
    assert _login(app.test_client(), "someone@example.org", PASSWORD, "198.51.100.8").status_code == 302
    add("sessions", "login attempts", per_address + 2)


@pytest.mark.throttled
def test_successful_sign_ins_do_not_count_towards_the_limit(app, make_user):
    limiter.reset()
    make_user("busy@example.org")
    per_account = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(per_account + 3):
        client = app.test_client()
        assert _login(client, "busy@example.org", PASSWORD, "198.51.100.9").status_code == 302
    add("sessions", "login attempts", per_account + 3)


@pytest.mark.throttled
@pytest.mark.proxied
def test_behind_a_proxy_each_client_address_has_its_own_throttle(app, make_user):
    limiter.reset()
    make_user("someone@example.org")
    per_address = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    proxy = "10.0.0.2"

    def via_proxy(client, email, password, address):
        return client.post("/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": proxy}, headers={"X-Forwarded-For": address})

    attacker = app.test_client()
    for i in range(per_address):
        via_proxy(attacker, f"user{i}@example.org", "guess", "203.0.113.11")
    assert via_proxy(attacker, "someone@example.org", PASSWORD, "203.0.113.11").status_code == 429
    assert via_proxy(app.test_client(), "someone@example.org", PASSWORD, "198.51.100.12").status_code == 302
    add("sessions", "login attempts", per_address + 2)


# --- open redirects ------------------------------------------------------------------------------

OFF_SITE = ["//evil.example", "//evil.example/x", "https://evil.example/", "/\\evil.example",
            "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", " //evil.example",
            "/%09/evil.example", "http:evil.example", "javascript:alert(1)", "//evil.example@localhost",
            "///evil.example", "/.//evil.example"[2:], "\x00//evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_site(client, make_user, target):
    make_user("c@example.org")
    response = client.post("/login", query_string={"next": target},
                           data={"email": "c@example.org", "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r")  # as browsers read it
    assert cleaned.startswith("/") and not cleaned.startswith(("//", "/\\")), (target, location)
    add("sessions", "open-redirect targets")


# --- CSRF ------------------------------------------------------------------------------------------

def _form_routes():
    app = create_app(base_config("sqlite://"))
    return sorted({(r.endpoint, r.rule) for r in app.url_map.iter_rules()
                   if "POST" in r.methods and ACCESS.get(r.endpoint) != "api"})


FORM_ROUTES = _form_routes()


@pytest.fixture
def csrf_app(database_url, _schema):
    with app_context_then_empty(database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


def test_a_cross_site_form_post_fails_on_every_form_route(csrf_app):
    world = build_world()
    values = url_values(world)
    client = csrf_app.test_client()
    sign_in(client, world.users["admin"])
    before = snapshot()
    for endpoint, rule_text in FORM_ROUTES:
        rule = next(r for r in csrf_app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text)
        if not rule.arguments <= set(values):
            continue  # tests/web/test_access_matrix.py reports the missing url_values
        with csrf_app.test_request_context():
            url = url_for(endpoint, **{a: values[a] for a in rule.arguments})
        response = client.post(url, data={"name": "Forged", "email": "forged@evil.example", "confirm_name": "x"},
                               headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"})
        assert response.status_code == 400, f"POST {url} without a CSRF token: {response.status_code}"
        assert b"came from another site" in response.data
        add("sessions", "cross-site posts refused")
    assert snapshot() == before


def test_a_same_site_form_post_with_its_token_works(csrf_app):
    world = build_world()
    client = csrf_app.test_client()
    sign_in(client, world.users["admin"])
    page = client.get("/organisations/new").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    response = client.post("/organisations/new", data={"csrf_token": token.group(1), "name": "Real Org",
                                                       "kind": "employer", "size": ""})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    assert db.session.scalar(select(Organisation.name).where(Organisation.name == "Real Org")) == "Real Org"


# --- headers -----------------------------------------------------------------------------------

def _get_routes():
    app = create_app(base_config("sqlite://"))
    return sorted({(r.endpoint, r.rule) for r in app.url_map.iter_rules()
                   if "GET" in r.methods and r.endpoint != "static"})


def test_every_page_sends_the_security_headers(app, client):
    world = build_world()
    values = url_values(world)
    sign_in(client, world.users["admin"])
    token = __import__("crm.accounts.services", fromlist=["x"]).create_api_token(world.users["admin"], "h")
    db.session.commit()
    checked = 0
    for endpoint, rule_text in _get_routes() + [("missing", "/no-such-page")]:
        if endpoint == "missing":
            url = rule_text
        else:
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text)
            if not rule.arguments <= set(values):
                continue  # tests/web/test_access_matrix.py reports the missing url_values
            with app.test_request_context():
                url = url_for(endpoint, **{a: values[a] for a in rule.arguments})
        response = fetch(client, url, headers={"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {})
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        script = directives.get("script-src", directives.get("default-src", []))
        if "sandbox" not in directives:
            assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, (url, csp)
        assert directives.get("frame-ancestors") == ["'none'"], (url, csp)
        assert directives.get("object-src") == ["'none'"], (url, csp)
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Cache-Control") == "no-store", url
        assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
        checked += 1
    put("sessions", "pages checked for headers", checked)
