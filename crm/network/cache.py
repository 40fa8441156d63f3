"""Per-process caches of what is derived from the network (the region network itself is a
`CatchUpCache`, `services.REGION`, kept current from the change log: crm/changes/cache.py).

- Derived values (a partnership's sub-network, map summaries): keyed by (scope, graph version);
  only those of the latest version are kept.
- Lasting values (keystones, map layouts): keyed by a fingerprint of what they are computed
  from, so an edit elsewhere in the region does not throw away seconds of work. Least
  recently used beyond `LASTING_SIZE` entries are dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

LASTING_SIZE = 128

_lock = threading.Lock()
_version: int | None = None
_entries: dict[Any, Any] = {}
_lasting: OrderedDict = OrderedDict()


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


def lasting(key, build: Callable[[], Any]):
    """The value for `key` (which must name everything the value depends on), built once."""
    with _lock:
        if key in _lasting:
            _lasting.move_to_end(key)
            return _lasting[key]
    value = build()
    with _lock:
        _lasting[key] = value
        while len(_lasting) > LASTING_SIZE:
            _lasting.popitem(last=False)
    return value


def peek_lasting(key):
    with _lock:
        return _lasting.get(key)


def clear() -> None:
    """Forget everything (tests, benchmarks)."""
    global _version
    with _lock:
        _entries.clear()
        _lasting.clear()
        _version = None


def discard(key) -> None:
    """Forget one entry (benchmarks time a cold analysis without rebuilding the graph)."""
    with _lock:
        _entries.pop(key, None)
        _lasting.pop(key, None)
