"""Security suites: shared helpers and the closing summary of what each suite tried."""

from __future__ import annotations

from tests import secrets_guard
from tests.security.figures import FIGURES


def pytest_configure(config):
    config.addinivalue_line("markers", "throttled: runs with Flask-Limiter's login limits switched on")
    config.addinivalue_line("markers", "proxied: runs as if behind one reverse proxy (TRUSTED_PROXIES=1)")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    passed = terminalreporter.stats.get("passed", [])
    matrix = sum(1 for r in passed if "test_access_matrix.py::test_route_answers_each_role_as_written" in r.nodeid)
    api = sum(1 for r in passed if "test_api_access.py::" in r.nodeid)
    if matrix or api:
        FIGURES["access"]["route x method x role checks passed"] = matrix
        FIGURES["access"]["API access checks passed"] = api
    if secrets_guard.CHECKED["responses"]:
        FIGURES["secrets"]["responses of this run searched for secrets"] = secrets_guard.CHECKED["responses"]
    if not FIGURES:
        return
    terminalreporter.section("security and reliability figures")
    for suite in sorted(FIGURES):
        parts = ", ".join(f"{k}={v}" for k, v in FIGURES[suite].items())
        terminalreporter.write_line(f"{suite}: {parts}")
