"""Ids and counts a client sends: what a valid one is, said once, for URLs, query strings,
form fields and API bodies.

Every primary key is a 32-bit integer column (PostgreSQL `integer`): a larger number names
nothing, and must answer exactly like any other missing id (404, or the form's "choose one"
message), never an OverflowError from the database driver (a 500). An id is written the one
way `url_for` writes it: ASCII digits, no sign, no leading zero, at most MAX_ID.

- `IdConverter`: create_app installs it as the URL map's `int` converter (`install`), so every
  `<int:...>` route parameter is such an id or the URL matches nothing (404).
- `parse_id(value)` / `parse_ids(values)`: a query-string or form value -> `int | None`
  (a list of the valid ones); `parse_count(value, default, maximum)` for page numbers and other
  bounded counts that are not ids.
- `IdField` (WTForms) for a form field holding one id, `coerce_id` for a select of ids.
- `Id` (pydantic) for an id in an API body: `person_id: Id`, `chair_ids: list[Id]`.
- `ID` (click) for an id given to the `crm` command: `@click.option("--id", type=ID)`.

This module only says whether a value *is* an id. Whether the user may *see* what it names is
`crm.accounts.access`'s job: parse here, resolve there, and answer None from either the same
way (an invisible id answers exactly like a missing one).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import click
from flask import Flask
from pydantic import Field
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import IntegerField

#: the largest id a 32-bit integer primary key holds
MAX_ID = 2**31 - 1
#: an id as url_for writes it: no sign, no leading zero, no spaces, ASCII digits (a 10th digit
#: may still exceed MAX_ID: checked after)
_CANONICAL = re.compile(r"[1-9][0-9]{0,9}")

#: an id in an API body (pydantic): `person_id: Id`, `owner_id: Id | None = None`. Strict: a JSON
#: integer only (`true`, `1.0` or `"5"` name nothing, as in a URL).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]


def parse_id(value: Any) -> int | None:
    """`value` as an id (1..MAX_ID, written canonically; surrounding spaces allowed), else None.

    For query strings and form fields: `parse_id(request.args.get("exclude"))`. None for
    anything else: missing, empty, `-1`, `1e3`, `007`, `٣`, `99999999999999999999`, a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _CANONICAL.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def parse_ids(values, limit: int | None = None) -> list[int]:
    """The valid ids among `values` (e.g. `request.form.getlist("known")`), in order, once each,
    at most `limit` of them; invalid ones are dropped."""
    found: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            found.setdefault(number)
            if limit is not None and len(found) >= limit:
                break
    return list(found)


def parse_count(value: Any, default: int, maximum: int, minimum: int = 1) -> int:
    """A page number or other bounded count from a query string: `default` when missing or not
    a plain whole number, else clamped to minimum..maximum (so an OFFSET never overflows)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,30}", value.strip()):
        number = int(value.strip())
    else:
        return default
    return max(minimum, min(number, maximum))


def coerce_id(value: Any) -> int:
    """A `coerce` for WTForms selects of ids: the id, or ValueError (the field's own error)."""
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


class IdField(IntegerField):
    """A form field holding one id (hidden input, autocomplete pick or number box).

    Anything but a valid id (see `parse_id`) is a field error with `message`, never an overflow
    further down; an empty value leaves `data` None (pair with Optional() or DataRequired()).
    The view still resolves the id through `crm.accounts.access` before using it."""

    def __init__(self, label=None, validators=None, message: str = "Choose one from the list.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        self.data = parse_id(raw)
        if self.data is None and (raw or "").strip():
            raise ValueError(self.gettext(self.message))


class IdConverter(BaseConverter):
    """`<int:name>` in every route: an id (see `parse_id`), else the URL matches nothing (404)."""

    regex = _CANONICAL.pattern
    weight = 50  # as werkzeug's own int converter, so rule ordering is unchanged
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class _IdParam(click.ParamType):
    """An id on the command line; anything else is a usage error naming the option."""

    name = "id"

    def convert(self, value, param, ctx):
        number = parse_id(value)
        if number is None:
            self.fail(f"{value!r} is not an id (a whole number from 1 to {MAX_ID}).", param, ctx)
        return number


#: an id option of the `crm` command
ID = _IdParam()


def install(app: Flask) -> None:
    """Make `IdConverter` the URL map's `int` (before any route is added)."""
    app.url_map.converters["int"] = IdConverter
