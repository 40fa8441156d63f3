"""Spreadsheet cells: when a spreadsheet would run a cell as a formula, and the guard both
directions use (exporting writes it, importing takes it off again). Pure functions.

Spreadsheets run a cell as a formula when it starts with `= + - @` (or tab / CR, and some
even after leading spaces or control characters). Such cells are written with a leading `'`,
which spreadsheets show as text; the importer removes it again, so an export re-imports to
no change.
"""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@")
#: characters a spreadsheet skips before deciding a cell is a formula
_LEADING = "".join(chr(c) for c in range(33))


def formula_like(value: str) -> bool:
    """Whether a spreadsheet could take this cell for a formula."""
    if not value:
        return False
    if value[0] in ("\t", "\r"):
        return True
    return value.lstrip(_LEADING)[:1] in _TRIGGERS


def neutralise(value) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if formula_like(text) else text


def unneutralise(value: str) -> str:
    """Undo our own export's formula guard: `'=x` back to `=x` (see `neutralise`)."""
    if value.startswith("'") and formula_like(value[1:]):
        return value[1:]
    return value
