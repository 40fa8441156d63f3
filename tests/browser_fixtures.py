"""Browser fixtures, loaded for the whole suite by tests/conftest.py (one Chromium per session):
the app served on a free loopback port in a thread, and Playwright driving Debian's Chromium.
Skipped with a reason where Chromium is missing (failing in CI). `sign_in_page` signs a page in
through the real login form.

The live server commits in its own sessions: read what it wrote with the `committed` fixture
(`committed().scalar(...)`), see tests/README.md."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from crm import create_app
from tests.conftest import IN_CI, base_config
from tests.helpers import PASSWORD

CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "test-artifacts")


def _chromium_missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e .[test])"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _chromium_missing()
    if reason:
        if IN_CI:
            pytest.fail(f"browser tests are required in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app, database_url, app_config):
    """The app (sharing the test database, with the module's `app_config`) served on 127.0.0.1
    in a background thread, CSRF protection on as in production."""
    served = create_app(base_config(database_url, **{**app_config, "WTF_CSRF_ENABLED": True}))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    with served.app_context():
        from crm.extensions import db

        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Nothing outside the app may load: every other host is refused.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server)
                  or route.request.url.startswith("data:") else route.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in_page(page, live_server: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the dashboard."""
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your partnerships").wait_for()


def htmx_settled(page) -> None:
    """Wait until htmx has swapped, settled and wired the new content (no request, swap or settle in
    flight): a control changed in the ~20 ms before its triggers are bound fires nothing."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, "
                           ".htmx-added')")
