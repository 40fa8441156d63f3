"""Champion calls and the second meeting after the launch (issue 14 item 4), as pure rules: who
is invited to an area's champion call, when a recorded call may be dated, the day proposed for
a step's meeting. No Flask, no SQLAlchemy: plain data in, plain data out.

The workbook (C, "Agree on a clear next step"; D.2): champion calls or meetings per priority
area within 30 days, under one hour, employers only; the second partnership meeting within 60
days. So the call's list is the area's employer champions; anyone else who joined is recorded
as on the call (the record says who was there) and the call is flagged
(`crm.outreach.guardrails.champion_call_warnings`), not refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

EMPLOYER = "employer"
#: what the call's page and the API say of a date after today
FUTURE_CALL = ("A call is recorded once it was held: give today's date or an earlier one "
               "(set a future call from the meeting form).")


@dataclass(frozen=True)
class Champion:
    person_id: int
    side: str | None
    lead: bool = False


def invitees(champions: Iterable[Champion]) -> tuple[int, ...]:
    """Who the area's champion call is for: its employer champions, the lead first."""
    employers = [c for c in champions if c.side == EMPLOYER]
    return tuple(c.person_id for c in sorted(employers, key=lambda c: not c.lead))


def left_off(champions: Iterable[Champion]) -> tuple[int, ...]:
    """The area's champions not on the call's list (not employers: the call is employers only)."""
    return tuple(c.person_id for c in champions if c.side != EMPLOYER)


def date_problem(day: date, today: date) -> str | None:
    """Why a recorded call cannot have this date (None: it can)."""
    return FUTURE_CALL if day > today else None


def proposed_day(due: date, today: date) -> date:
    """The day proposed for a step's meeting: the last weekday on or before the day it is due,
    or, when that has passed, the first weekday after today."""
    day = due
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    if day <= today:
        day = today + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day
