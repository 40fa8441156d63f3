"""No response of any test ever carries a secret: every page, export and API answer the suites
produce is searched for every secret the database holds (password hashes, session tokens,
ICS and API token digests: the columns the models declare with `__secret__`).

The secrets are learnt without a query (a query per response would change what the query
count tests measure): the mapper events of every model with `__secret__` note each value
written or loaded. `install(app)` wraps every response of the app (streamed exports chunk by
chunk, with an overlap so a secret split across two chunks is still seen); `tests/conftest.py`
installs it on every test app and fails the test that produced a leaking response.
"""

from __future__ import annotations

from flask import request
from sqlalchemy import event

from crm.accounts.models import secret_columns
from crm.extensions import db

#: secrets noted during the current test (bytes), and what leaked: (path, column)
KNOWN: dict[bytes, str] = {}
LEAKS: list[tuple[str, str]] = []
CHECKED = {"responses": 0}
#: shorter values are not secrets worth the name (and would match by chance)
MIN_LENGTH = 20


def _note(column: str, value) -> None:
    if not isinstance(value, str):
        return
    for part in {value, *value.split("$")}:  # an Argon2 hash's salt and digest, alone too
        if len(part) >= MIN_LENGTH:
            KNOWN[part.encode()] = column


def _listen(mapper, names: tuple[str, ...]) -> None:
    table = mapper.local_table.name

    def remember(_mapper, _connection, target) -> None:
        for name in names:
            _note(f"{table}.{name}", target.__dict__.get(name))

    def loaded(target, *_args) -> None:
        remember(None, None, target)

    event.listen(mapper, "after_insert", remember)
    event.listen(mapper, "after_update", remember)
    event.listen(mapper.class_, "load", loaded)
    event.listen(mapper.class_, "refresh", loaded)


_LISTENING: set = set()


def listen_to_secrets() -> int:
    """Start noting every secret column's values (once per process); returns how many
    columns are watched."""
    wanted = secret_columns()
    for mapper in db.Model.registry.mappers:
        names = tuple(getattr(mapper.class_, "__secret__", ()))
        if names and mapper not in _LISTENING:
            _listen(mapper, names)
            _LISTENING.add(mapper)
    return len(wanted)


def _leaked(data: bytes) -> list[str]:
    return [column for secret, column in list(KNOWN.items()) if secret in data]


def _watch(path: str, iterable):
    """Pass a streamed body through, searching every chunk (and the seam between two)."""
    tail = b""
    try:
        for chunk in iterable:
            data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
            for column in _leaked(tail + data):
                LEAKS.append((path, column))
            tail = (tail + data)[-256:]
            yield chunk
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()


def install(app) -> None:
    """Search every response of `app` for known secrets."""
    listen_to_secrets()

    @app.after_request
    def _no_secrets(response):
        if response.direct_passthrough:  # a file from disk (static assets): no database text
            return response
        CHECKED["responses"] += 1
        if response.is_streamed:
            response.response = _watch(request.path, response.response)
        else:
            for column in _leaked(response.get_data()):
                LEAKS.append((request.path, column))
        return response


def reset() -> None:
    KNOWN.clear()
    LEAKS.clear()
