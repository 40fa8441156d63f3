"""One value per process, kept current from the change log: load it once, then apply the changes
logged since (milliseconds), and rebuild only after a bulk change, past a limit, or when the log
no longer reaches back. The region network (crm/network/services.py) and the scores snapshot
(crm/scoring/services.py) are two of these; what a change is comes from crm/changes/tracking.py.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm.changes import models
from crm.extensions import db
from crm.sqlite import committed_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Held:
    version: int  # the consumer's version when this value was made
    seq: int  # the newest change id it has seen ...
    token: int  # ... and that change's token
    value: Any


class CatchUpCache:
    """`load(session)` builds the value from scratch; `apply(session, value, rows)` returns a new
    value with the logged `rows` (kind, a, b) applied, or None to ask for a rebuild. Only rows
    of the kinds `kinds()` names reach `apply`; more than `limit` of them rebuild instead. Values are never
    changed in place (other threads may be reading them): `apply` returns a new one."""

    def __init__(self, name: str, row: int, kinds: Callable[[], frozenset[str]], load: Callable,
                 apply: Callable, limit: int):
        self.name, self.row, self.kinds, self.limit = name, row, kinds, limit
        self._load, self._apply = load, apply
        self._held: Held | None = None
        #: how many times this process loaded the value from scratch (logs, tests, benchmarks)
        self.rebuilds = 0
        self._lock = threading.Lock()  # one rebuild or catch-up at a time per process

    def version(self, session=None) -> int:
        """The consumer's version in the database now."""
        return models.current(session or db.session, self.row)

    def held(self) -> Held | None:
        return self._held

    def peek(self, version: int):
        """The held value if it is at `version`, else None (never loads)."""
        held = self._held
        return held.value if held is not None and held.version == version else None

    def get(self, version: int | None = None):
        """The value, at least as new as `version` (default: the current one). Reads committed
        rows only (its own short session), never what the caller's session has flushed."""
        warm = self.peek(self.version() if version is None else version)
        if warm is not None:
            return warm
        with self._lock, committed_session() as session:
            current, seq, token = models.state(session, self.row)
            warm = self.peek(current)
            if warm is not None:
                return warm
            started = time.perf_counter()
            held = self._held
            value, how = self._catch_up(session, held, seq) if held is not None else (None, "first use")
            if value is None:
                value = self._load(session)
                self.rebuilds += 1
                how = f"rebuilt ({how})"
            self._held = Held(current, seq, token, value)
            log.log(logging.INFO if how.startswith("rebuilt") else logging.DEBUG,
                    "%s %s in %.0f ms", self.name, how, (time.perf_counter() - started) * 1000)
            return value

    def _catch_up(self, session, held: Held, seq: int) -> tuple[Any, str]:
        rows = models.changes_since(session, held.token, held.seq, seq)
        if rows is None:
            return None, "the change log does not reach back to this copy"
        if any(kind == models.FULL_REBUILD for kind, _a, _b in rows):
            return None, "bulk change"
        kinds = self.kinds()
        rows = [row for row in rows if row[0] in kinds]
        if len(rows) > self.limit:
            return None, f"{len(rows)} changes"
        value = self._apply(session, held.value, rows)
        return value, (f"caught up on {len(rows)} changes" if value is not None else "could not catch up")

    def clear(self) -> None:
        """Forget the value (tests, benchmarks)."""
        with self._lock:
            self._held = None
