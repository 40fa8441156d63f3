"""Time helpers: everything is stored in UTC and shown in the partnership's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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
