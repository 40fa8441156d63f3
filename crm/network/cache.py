"""Per-process cache of built networks, keyed by (scope, graph version).

The version comes from the database (`crm.network.models.current`), read with one cheap
query before every use, so a change made by any process invalidates every process's graphs.
Only the graphs of the latest version are kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_version: int | None = None
_entries: dict[Any, Any] = {}


def get(key, version: int, build: Callable[[], Any]):
    """The cached value for `key` at `version`, building it (once) if missing."""
    global _version
    with _lock:
        if _version != version:
            _entries.clear()
            _version = version
        if key in _entries:
            return _entries[key]
    value = build()
    with _lock:
        if _version == version:
            _entries.setdefault(key, value)
            return _entries[key]
    return value


def clear() -> None:
    """Forget everything (tests, benchmarks)."""
    global _version
    with _lock:
        _entries.clear()
        _version = None


def discard(key) -> None:
    """Forget one entry (benchmarks time a cold analysis without rebuilding the graph)."""
    with _lock:
        _entries.pop(key, None)
