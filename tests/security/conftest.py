"""Security suites: shared helpers and the closing summary of what each suite tried."""

from __future__ import annotations

from tests.security.figures import FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES:
        return
    terminalreporter.section("security and reliability figures")
    for suite in sorted(FIGURES):
        parts = ", ".join(f"{k}={v}" for k, v in FIGURES[suite].items())
        terminalreporter.write_line(f"{suite}: {parts}")


def pytest_configure(config):
    config.addinivalue_line("markers", "throttled: runs with Flask-Limiter's login limits switched on")
