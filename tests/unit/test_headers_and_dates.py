"""crm/headers.py (user text made safe for a header) and the typed-date range of crm/timeutil.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from email.message import EmailMessage

import pytest
from pydantic import BaseModel, ValidationError

from crm.headers import address, attachment, header_text
from crm.timeutil import EARLIEST_DATE, LATEST_DATE, Date, DateTime, check_date_range


@pytest.mark.parametrize(("typed", "shown"), [
    ("Ann\r\nBcc: all@example.org", "Ann Bcc: all@example.org"),
    ("a\n\n\tb", "a b"), ("  x  ", "x"), ("a\u2028b\u2029c\x85d", "a b c d"), ("nul\x00here", "nul here"),
    (None, ""), ("", ""), ("Zoë Ångström", "Zoë Ångström"),
])
def test_header_text_is_one_line_without_control_characters(typed, shown):
    assert header_text(typed) == shown


def test_address_builds_a_header_the_email_package_accepts_whatever_the_name():
    message = EmailMessage()
    message["To"] = address("Ann\r\nX-Injected: yes", "ann@example.org\r\n")
    message["From"] = address("Bo", None)
    head = message.as_bytes().split(b"\n\n")[0]
    assert b"\nX-Injected" not in head
    assert message["To"] == '"Ann X-Injected: yes" <ann@example.org>'
    assert address(None, "c@example.org") == "c@example.org"


def test_attachment_quotes_any_filename_and_keeps_the_exact_one_for_browsers():
    assert attachment("task-3.ics") == 'attachment; filename="task-3.ics"'
    value = attachment('Zoë "quoted"\r\n/../x.txt')
    assert "\r" not in value and "\n" not in value
    assert value.startswith('attachment; filename="Zoe _quoted_ -..-x.txt"; filename*=UTF-8\'\'')
    assert attachment("\r\n") == 'attachment; filename="download"'


@pytest.mark.parametrize("value", [date(1, 1, 1), date(9999, 12, 31), EARLIEST_DATE - timedelta(days=1),
                                   LATEST_DATE + timedelta(days=1),
                                   datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
                                   datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12)))])
def test_dates_outside_the_range_are_refused_with_the_message_people_see(value):
    with pytest.raises(ValueError, match="Choose a date between"):
        check_date_range(value)


def test_the_ends_of_the_range_and_none_are_accepted():
    for value in (EARLIEST_DATE, LATEST_DATE, None, datetime(2030, 1, 1, tzinfo=UTC)):
        assert check_date_range(value) == value


class _Body(BaseModel):
    due: Date
    starts_at: DateTime


def test_pydantic_date_types_refuse_year_1_and_9999_and_need_an_offset():
    with pytest.raises(ValidationError):
        _Body(due="0001-01-01", starts_at="2030-01-01T10:00:00+02:00")
    with pytest.raises(ValidationError):
        _Body(due="2030-01-01", starts_at="9999-12-31T23:59:59-12:00")
    with pytest.raises(ValidationError):
        _Body(due="2030-01-01", starts_at="2030-01-01T10:00:00")  # no offset
    assert _Body(due="2030-01-01", starts_at="2030-01-01T10:00:00+02:00").due == date(2030, 1, 1)
