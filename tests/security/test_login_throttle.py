"""Password guessing on one account from many addresses (a botnet, rotating proxies): the
account's cap across addresses throttles it, while the real user's browser, known to the
account by its signed device cookie, still signs in (OWASP's device-cookie pattern).

The app believes X-Forwarded-For from TRUSTED_PROXIES proxies (ProxyFix, crm/security.py), so
behind a proxy the attacker rotates that header; without one, the socket address."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from itsdangerous import URLSafeTimedSerializer

from crm.accounts import throttle
from crm.extensions import limiter
from tests.helpers import PASSWORD
from tests.security.figures import add

PROXY = "10.0.0.2"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1}


def _cap(app) -> int:
    with app.test_request_context():
        return int(throttle.limit_across_addresses().split()[0])


def _per_account_and_address(app) -> int:
    return int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])


def _login(client, email, password, address, via_proxy=True):
    if via_proxy:
        return client.post("/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": address})
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _botnet(app, email: str, via_proxy=True) -> int:
    """Guess the account's password from ever new addresses, each staying well under the
    per-address limits, until the cap across addresses answers 429. Returns the guesses made."""
    per_address = max(1, _per_account_and_address(app) // 2)
    attacker = app.test_client()
    for guess in range(10 * _cap(app)):
        address = f"203.0.{guess // per_address // 250}.{guess // per_address % 250 + 1}"
        response = _login(attacker, email, f"guess {guess}", address, via_proxy)
        if response.status_code == 429:
            return guess
        assert response.status_code == 200
    raise AssertionError("never throttled")


def _device_morsel(response):
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            if "device" in name:
                return name, morsel
    raise AssertionError("no device cookie set at sign-in")


def _device_cookie(response) -> tuple[str, str]:
    name, morsel = _device_morsel(response)
    return name, morsel.value


@pytest.fixture
def victim(app, make_user):
    limiter.reset()
    make_user("victim@example.org")
    make_user("other@example.org")
    yield "victim@example.org"
    limiter.reset()


def test_the_numbers_are_a_few_dozen_an_hour(app):
    amount, _per, period = throttle.LOGIN_LIMIT_PER_ACCOUNT_ALL_ADDRESSES.split()
    assert 10 <= int(amount) <= 60 and period == "hour"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_device_cookie_is_signed_httponly_lax_and_secure_over_https(app, victim, scheme):
    response = app.test_client().post("/login", data={"email": victim, "password": PASSWORD},
                                      base_url=f"{scheme}://localhost",
                                      environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": "198.51.100.5"})
    name, morsel = _device_morsel(response)
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/" and not morsel["domain"]
    assert int(morsel["max-age"]) == int(throttle.KNOWN_DEVICE_LIFETIME.total_seconds())
    assert victim not in morsel.value and "victim" not in morsel.value, "the cookie does not carry the address"
    if scheme == "https":
        assert morsel["secure"] and name == "__Host-convene-device"
    else:
        assert not morsel["secure"] and name == "convene-device"


@pytest.mark.parametrize("via_proxy", [True, False], ids=["rotating X-Forwarded-For", "rotating socket address"])
def test_rotating_addresses_is_throttled_per_account(app, victim, via_proxy):
    guesses = _botnet(app, victim, via_proxy)
    assert guesses == _cap(app)
    fresh = _login(app.test_client(), victim, PASSWORD, "192.0.2.200", via_proxy)
    assert fresh.status_code == 429, "even the right password, from a browser the account does not know"
    assert _login(app.test_client(), "other@example.org", PASSWORD, "192.0.2.201", via_proxy).status_code == 302, \
        "other accounts are not affected"
    add("sessions", "login attempts", guesses + 2)


def test_the_real_user_with_their_device_cookie_still_signs_in(app, victim):
    owner = app.test_client()
    first = _login(owner, victim, PASSWORD, "198.51.100.7")
    assert first.status_code == 302
    name, _value = _device_cookie(first)
    assert name == "convene-device"
    owner.post("/logout")
    guesses = _botnet(app, victim)
    again = _login(owner, victim, PASSWORD, "198.51.100.7")
    assert again.status_code == 302, "the account's own browser is not locked out"
    owner.post("/logout")
    # from another address too (a laptop taken home): the cookie, not the address, is what counts
    assert _login(owner, victim, "a typo", "198.51.100.99").status_code == 200
    assert _login(owner, victim, PASSWORD, "198.51.100.99").status_code == 302
    add("sessions", "login attempts", guesses + 4)


def test_a_known_browser_keeps_the_per_address_limits(app, victim):
    owner = app.test_client()
    assert _login(owner, victim, PASSWORD, "198.51.100.7").status_code == 302
    owner.post("/logout")
    per_account = _per_account_and_address(app)
    for _ in range(per_account):
        assert _login(owner, victim, "wrong", "198.51.100.7").status_code == 200
    assert _login(owner, victim, PASSWORD, "198.51.100.7").status_code == 429
    add("sessions", "login attempts", per_account + 2)


def test_a_stolen_device_cookie_has_a_cap_of_its_own(app, victim):
    owner = app.test_client()
    name, value = _device_cookie(_login(owner, victim, PASSWORD, "198.51.100.7"))
    thief = app.test_client()
    thief.set_cookie(name, value)
    per_address = max(1, _per_account_and_address(app) // 2)
    cap = int(throttle.limit_per_device_cookie().split()[0])
    for guess in range(cap):
        response = _login(thief, victim, f"guess {guess}", f"203.0.113.{guess // per_address + 1}")
        assert response.status_code == 200
    assert _login(thief, victim, "one more", "203.0.114.1").status_code == 429
    add("sessions", "login attempts", cap + 2)


def _forged(app) -> str:
    """A well-formed device cookie for the victim, signed with a key that is not the app's."""
    mark_key = "not-the-secret"
    import hashlib
    import hmac

    mark = hmac.new(f"{mark_key}|convene.known-device".encode(), b"victim@example.org",
                    hashlib.sha256).hexdigest()[:32]
    return URLSafeTimedSerializer(mark_key, salt="convene.known-device").dumps({"n": "x", "a": [mark]})


@pytest.mark.parametrize("kind", ["forged", "tampered", "another account's", "garbage"])
def test_a_forged_or_other_accounts_device_cookie_does_not_exempt(app, victim, kind):
    other = app.test_client()
    name, other_value = _device_cookie(_login(other, "other@example.org", PASSWORD, "198.51.100.8"))
    values = {
        "forged": _forged(app),
        "tampered": other_value[:-3] + ("AAA" if not other_value.endswith("AAA") else "BBB"),
        "another account's": other_value,
        "garbage": "not a cookie",
    }
    guesses = _botnet(app, victim)
    holder = app.test_client()
    holder.set_cookie(name, values[kind])
    assert _login(holder, victim, PASSWORD, "192.0.2.77").status_code == 429
    assert _login(other, "other@example.org", PASSWORD, "198.51.100.8").status_code == 302
    add("sessions", "login attempts", guesses + 3)


def test_one_browser_is_known_to_several_accounts(app, victim):
    shared = app.test_client()
    assert _login(shared, victim, PASSWORD, "198.51.100.7").status_code == 302
    shared.post("/logout")
    assert _login(shared, "other@example.org", PASSWORD, "198.51.100.7").status_code == 302
    shared.post("/logout")
    _botnet(app, victim)
    assert _login(shared, victim, PASSWORD, "198.51.100.7").status_code == 302
