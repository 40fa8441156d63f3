"""The figures each security suite reports (payloads x fields x pages, fuzz cases, edits...),
collected while the tests run and printed by conftest.py at the end of the session."""

from __future__ import annotations

from collections import defaultdict

FIGURES: dict[str, dict[str, object]] = defaultdict(dict)


def add(suite: str, name: str, amount: int = 1) -> None:
    """Add to a counted figure."""
    FIGURES[suite][name] = int(FIGURES[suite].get(name, 0)) + amount


def put(suite: str, name: str, value) -> None:
    """Set a figure (a measurement or a description)."""
    FIGURES[suite][name] = value
