"""Time helpers: everything is stored in UTC and shown in the partnership's zone; the range
of dates a person may type, said once for forms and the API."""

import re
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema
from wtforms.validators import ValidationError

#: The dates a person may type (meetings, due dates, revisits): any real meeting or task, and
#: far enough from year 1 and 9999 that moving a time between zones, or a plan's steps weeks
#: around a meeting, can never leave the calendar (an OverflowError, a 500, before this).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
DATE_RANGE_MESSAGE = f"Choose a date between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}."


def check_date_range(value):
    """`value` (a date or a date-time, as typed) if it falls in EARLIEST_DATE..LATEST_DATE,
    else ValueError with the message people see."""
    if value is not None:
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValueError(DATE_RANGE_MESSAGE)
    return value


def date_in_range(_form, field) -> None:
    """A WTForms validator for every date and date-time field: `validators=[..., date_in_range]`."""
    try:
        check_date_range(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


#: RFC 3339 (section 5.6): a full date, "T", a full time with seconds and an offset
_RFC3339_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_RFC3339_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RANGE = f"between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}"
#: the range as a pattern a JSON Schema reader applies (the years of one century, 2000-2099)
if (EARLIEST_DATE.year % 100, LATEST_DATE.year - EARLIEST_DATE.year) != (0, 99):
    raise RuntimeError("the typed-date range must be one whole century for _CENTURY")
_CENTURY = f"^{EARLIEST_DATE.year // 100}[0-9]{{2}}-"


def _rfc3339_date_time(value):
    """Only RFC 3339 text makes a date-time in the API: no Unix times (`0` is not 1970), no
    date without a time, no time without seconds or offset."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339_DATE_TIME.fullmatch(value):
        raise ValueError("a date-time as RFC 3339 text with an offset, e.g. 2030-05-01T15:00:00Z")
    fraction = re.search(r"\.(\d+)", value)
    if fraction and len(fraction.group(1)) > 6:  # more digits than a microsecond: cut, not refuse
        value = value.replace(fraction.group(0), fraction.group(0)[:7])
    return datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))


def _rfc3339_date(value):
    """Only `YYYY-MM-DD` text makes a date in the API."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD text, e.g. 2030-05-01")
    return date.fromisoformat(value)


#: a date in an API body (pydantic), within the range above
Date = Annotated[date, BeforeValidator(_rfc3339_date), AfterValidator(check_date_range),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": _CENTURY,
                                 "description": f"YYYY-MM-DD, {_RANGE}"})]
#: a date-time with its offset in an API body (pydantic), within the range above
DateTime = Annotated[AwareDatetime, BeforeValidator(_rfc3339_date_time), AfterValidator(check_date_range),
                     WithJsonSchema({"type": "string", "format": "date-time", "pattern": _CENTURY,
                                     "description": f"RFC 3339 with an offset, {_RANGE}"})]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def zone(name: str | None) -> ZoneInfo:
    """A zone by IANA name, falling back to UTC for unknown names."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(value: datetime | None, tz_name: str | None) -> datetime | None:
    """A stored UTC time converted to a partnership's zone."""
    if value is None:
        return None
    return as_utc(value).astimezone(zone(tz_name))
