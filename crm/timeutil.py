"""Time helpers: everything is stored in UTC and shown in the partnership's zone; the range
of dates a person may type, said once for forms and the API."""

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime
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


#: a date in an API body (pydantic), within the range above
Date = Annotated[date, AfterValidator(check_date_range)]
#: a date-time with its offset in an API body (pydantic), within the range above
DateTime = Annotated[AwareDatetime, AfterValidator(check_date_range)]


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
