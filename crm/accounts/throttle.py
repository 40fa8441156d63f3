"""Sign-in throttling across addresses, and the "known device" cookie that keeps the real
user out of it (OWASP's device-cookie pattern).

Sign-in is throttled per account and address and per address (LOGIN_LIMIT_PER_ACCOUNT and
LOGIN_LIMIT_PER_ADDRESS in crm/config.py). An attacker with many addresses (a botnet, or
rotating proxies) gets those limits afresh from each one, so one account also has a cap on
failures from all addresses together. Capping an account would let anyone lock its owner out,
so the cap does not apply to a browser that has signed in to that account before: successful
sign-in gives the browser a signed cookie naming the account (by a keyed digest, not the
address itself). Requests presenting a valid one for the account they try keep only the
per-address limits, plus a cap of their own per cookie, so a stolen device cookie is throttled
too. The numbers live here, in one place.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: failed sign-ins on one account, from all addresses together, by browsers it does not know
LOGIN_LIMIT_PER_ACCOUNT_ALL_ADDRESSES = "30 per hour"
#: failed sign-ins presenting one device cookie (a stolen cookie is throttled across addresses too)
LOGIN_LIMIT_PER_DEVICE_COOKIE = "30 per hour"
#: how long a browser stays known to an account after its last successful sign-in
KNOWN_DEVICE_LIFETIME = timedelta(days=180)
#: accounts one browser is remembered for (a shared office computer)
KNOWN_DEVICE_ACCOUNTS = 5

_SALT = "convene.known-device"


def limit_across_addresses() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ACCOUNT_ALL_ADDRESSES", LOGIN_LIMIT_PER_ACCOUNT_ALL_ADDRESSES)


def limit_per_device_cookie() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_DEVICE_COOKIE", LOGIN_LIMIT_PER_DEVICE_COOKIE)


def _secure() -> bool:
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def cookie_name() -> str:
    """`__Host-` over HTTPS (Secure, Path=/, no Domain: no subdomain can plant one)."""
    return "__Host-convene-device" if _secure() else "convene-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _account_mark(email: str) -> str:
    """The account as the cookie names it: a keyed digest of its normalised email."""
    key = f"{current_app.secret_key}|{_SALT}".encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _device() -> dict | None:
    """The valid device cookie this request presents, or None (missing, forged, expired)."""
    raw = request.cookies.get(cookie_name())
    if not raw:
        return None
    try:
        value = _serializer().loads(raw, max_age=int(KNOWN_DEVICE_LIFETIME.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("n"), str) or not isinstance(value.get("a"), list):
        return None
    return value


def is_known_device() -> bool:
    """Whether this request's browser has signed in to the account it is trying."""
    device = _device()
    email = _submitted_email()
    return bool(device and email) and _account_mark(email) in device["a"]


def is_not_known_device() -> bool:
    return not is_known_device()


def account_key() -> str:
    """Key of the cap across addresses: the account alone."""
    return f"account|{_submitted_email()}"


def device_key() -> str:
    """Key of a device cookie's own cap: its random nonce and the account."""
    device = _device() or {}
    return f"device|{device.get('n', '')}|{_submitted_email()}"


def remember_device(response, email: str) -> None:
    """After a successful sign-in: this browser is known to `email` (the most recent first)."""
    device = _device()
    nonce = device["n"] if device else secrets.token_urlsafe(16)
    mark = _account_mark(email)
    marks = [mark] + [m for m in (device["a"] if device else []) if m != mark]
    value = _serializer().dumps({"n": nonce, "a": marks[:KNOWN_DEVICE_ACCOUNTS]})
    response.set_cookie(cookie_name(), value, max_age=int(KNOWN_DEVICE_LIFETIME.total_seconds()),
                        path="/", secure=_secure(), httponly=True, samesite="Lax")
