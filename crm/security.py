"""Request-wide protections: sign-in required by default, the audit actor, security headers.

Every endpoint needs a signed-in user unless it is listed in PUBLIC_ENDPOINTS (or is an API
endpoint, which authenticates by bearer token in crm/api). A new route is therefore private
unless someone deliberately makes it public; the access-matrix test pins the list.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Request, abort, g, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property

from crm.audit.models import actor

PUBLIC_ENDPOINTS = {
    "static",
    "accounts.login",
    "accounts.setup",
    "accounts.setup_demo",
    "accounts.reset_password",  # the one-time reset link in its URL is the credential
    "main.healthz",
    "main.favicon",
    "outreach.feed",  # a private calendar feed: the revocable token in its URL is the credential
}


class PagesOnlySessionInterface(SecureCookieSessionInterface):
    """The API never reads or writes the session cookie: it authenticates by bearer token
    only, so a browser's cookies cannot be used against it (no CSRF on the API)."""

    def open_session(self, app, request):
        if request.path.startswith("/api/"):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request and request.path.startswith("/api/"):
            return None
        super().save_session(app, session, response)
        harden_cookies(app, response)
        return None


def harden_cookies(app: Flask, response) -> None:
    """Give every Set-Cookie the flags the session cookie has. Flask-Login clears the
    remember-me cookie without Secure, which a browser refuses for a `__Host-` cookie (so the
    cookie would outlive the sign-out); this runs after every after_request hook."""
    headers = response.headers.getlist("Set-Cookie")
    if not headers:
        return
    wanted = {"httponly": "HttpOnly", "samesite": f"SameSite={app.config.get('SESSION_COOKIE_SAMESITE') or 'Lax'}"}
    if app.config.get("SESSION_COOKIE_SECURE"):
        wanted["secure"] = "Secure"
    fixed = []
    for header in headers:
        present = {part.strip().split("=", 1)[0].lower() for part in header.split(";")[1:]}
        fixed.append("; ".join([header] + [flag for key, flag in wanted.items() if key not in present]))
    response.headers.setlist("Set-Cookie", fixed)


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


class CleanRequest(Request):
    """Form fields, query arguments and JSON bodies without NUL characters: no person types
    one, PostgreSQL refuses them in text (a 500 otherwise), and SQLite would cut text at them."""

    parameter_storage_class = ImmutableMultiDict

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None and any("\x00" in k or "\x00" in v for k, v in form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict(
                [(_without_nul(k), _without_nul(v)) for k, v in form.items(multi=True)])

    @cached_property
    def args(self):
        raw = super().args
        if any("\x00" in k or "\x00" in v for k, v in raw.items(multi=True)):
            return ImmutableMultiDict([(_without_nul(k), _without_nul(v)) for k, v in raw.items(multi=True)])
        return raw

    def get_json(self, *args, **kwargs):
        return _without_nul(super().get_json(*args, **kwargs))


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in or a form (no //evil.example)."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def csp_nonce() -> str:
    """The per-request nonce that inline scripts must carry."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and -Proto from TRUSTED_PROXIES reverse proxies (the one proxy
    setting; applied here only): the client's own address for sign-in throttling and the
    request log, and its https scheme. X-Forwarded-Host is never believed (nginx passes a
    client's own through; absolute links in emails must not follow it): the proxy sets Host."""
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if not isinstance(proxies, int) or proxies < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {proxies!r}.")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    trust_proxies(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    public = set(PUBLIC_ENDPOINTS) | set(app.config.get("EXTRA_PUBLIC_ENDPOINTS", ()))

    @app.before_request
    def _refuse_oversize_body():
        """A body over MAX_CONTENT_LENGTH is a 413 on every route, before anything else runs.
        Werkzeug refuses one only when the body is read, so a write that takes no body (an
        API disable, a page's button) would otherwise act on it and answer 200. A chunked body
        has no length up front: it is read here (the handler reads the cached copy), because
        werkzeug's stream stops at the limit without saying so, and a truncated body would be
        taken for the whole one."""
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit is None:
            return None
        if (request.content_length or 0) > limit:
            abort(413)
        if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
                abort(413)
        return None

    @app.before_request
    def _require_login():
        endpoint = request.endpoint or ""
        if endpoint in public or endpoint.startswith("api.") or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return None

    @app.before_request
    def _set_actor():
        if current_user.is_authenticated:
            g.actor_token = actor.set((current_user.id, "web"))

    @app.teardown_request
    def _reset_actor(_exc):
        token = g.pop("actor_token", None)
        if token is not None:
            actor.reset(token)

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce")
        script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src {script_src}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; "
            "connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.endpoint != "static":
            # Pages and API answers carry personal data: never cache them.
            response.headers["Cache-Control"] = "no-store"
        return response
