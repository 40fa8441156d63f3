"""Action plans and early wins, as pure rules (the workbook, sections D and E): each priority
area's plan has "commitments with the names of who delivers, and a timeline", and "one or two
early wins within 60 days" of the launch, which should be "prototypes or first steps of a
larger strategy", not mere activities. No Flask, no SQLAlchemy: plain data in, plain data out.

The warnings never refuse a save: an early win due on day 61 is kept, and said to be late.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from crm.launch.areas import clean_line, clean_notes  # noqa: F401  (clean_line: the plans' one-line texts)
from crm.launch.attendance import COMMUNITY, EMPLOYER
from crm.outreach import guardrails
from crm.prose import day
from crm.rules import EARLY_WIN_DAYS, EARLY_WINS_PER_AREA, PLAN_LINES, PLAN_TEXT_CHARS

EARLY_WIN_LATE, NO_EARLY_WIN, TOO_MANY_EARLY_WINS = "early_win_late", "no_early_win", "too_many_early_wins"
EARLY_WIN_ACTIVITY, COMMITMENT_LATE = "early_win_activity", "commitment_late"
LABELS = {EARLY_WIN_LATE: "Early win late", NO_EARLY_WIN: "No early win",
          TOO_MANY_EARLY_WINS: "Too many early wins", EARLY_WIN_ACTIVITY: "An activity",
          COMMITMENT_LATE: "Late"}
PROTOTYPE, ACTIVITY = "prototype", "activity"
OPEN, DONE, DROPPED = "open", "done", "dropped"


@dataclass(frozen=True)
class Warning(guardrails.Warning):
    """A warning of the plan (the outreach guardrails' shape: code, message, as_dict)."""

    @property
    def label(self) -> str:
        return LABELS[self.code]


@dataclass(frozen=True)
class Promise:
    """One commitment as the rules read it: who delivers (and on which side: employer,
    community or None), by when, whether an early win of which kind, and where it stands."""

    id: int
    area_id: int
    owner_id: int
    side: str | None
    due: date
    early_win: bool = False
    early_win_kind: str | None = None
    status: str = OPEN
    done_on: date | None = None


def early_win_deadline(launch_day: date | None, days: int = EARLY_WIN_DAYS) -> date | None:
    """The last day an early win may be due: `days` after the launch (None without a launch)."""
    return launch_day + timedelta(days=days) if launch_day else None


def early_win_kind_of(early_win: bool, kind: str | None) -> str | None:
    """The kind an early win is saved with: the one given, else a prototype (the workbook's
    preference, and the page's default); a commitment that is not an early win has none."""
    if not early_win:
        return None
    return kind or PROTOTYPE


def commitment_warnings(early_win: bool, kind: str | None, due: date, launch_day: date | None,
                        days: int = EARLY_WIN_DAYS) -> list[Warning]:
    """What saving this commitment should say: an early win due more than `days` after the
    launch (none without a launch date: nothing to count from), an early win that is an
    activity rather than a prototype or first step (a gentle note)."""
    if not early_win:
        return []
    out = []
    deadline = early_win_deadline(launch_day, days)
    if deadline is not None and due > deadline:
        out.append(Warning(EARLY_WIN_LATE, f"This early win is due {(due - launch_day).days} days after the "
                                           f"launch ({day(launch_day)}): the workbook wants early wins "
                                           f"within {days} days, by {day(deadline)} (sections D-E). "
                                           "Saved all the same."))
    if kind == ACTIVITY:
        out.append(Warning(EARLY_WIN_ACTIVITY, "An activity: the workbook prefers early wins that are a "
                                               "prototype or the first step of a larger strategy (section D)."))
    return out


def is_late(promise: Promise, today: date) -> bool:
    """An open commitment past its due day (due today is not late yet)."""
    return promise.status == OPEN and promise.due < today


def standing(promise: Promise, today: date) -> str:
    """done, dropped, late or open: what the plan view says of a commitment."""
    return "late" if is_late(promise, today) else promise.status


def area_warnings(promises: Iterable[Promise], launch_day: date | None, today: date,
                  wins: tuple[int, int] = EARLY_WINS_PER_AREA, days: int = EARLY_WIN_DAYS) -> list[Warning]:
    """An area's warnings: no early win, or more than the workbook's one or two (dropped ones
    do not count); each early win due too late or an activity; each open commitment past due."""
    promises = [p for p in promises if p.status != DROPPED]
    early = [p for p in promises if p.early_win]
    low, high = wins
    out = []
    if len(early) < low:
        out.append(Warning(NO_EARLY_WIN, f"No early win yet: the workbook asks for {low} or {high} per priority "
                                         f"area, due within {days} days of the launch (sections D-E)."))
    elif len(early) > high:
        out.append(Warning(TOO_MANY_EARLY_WINS, f"{len(early)} early wins: the workbook says {low} or {high} per "
                                                "area, so the team can deliver them (section D)."))
    for p in early:
        out += commitment_warnings(True, p.early_win_kind, p.due, launch_day, days)
    late = [p for p in promises if is_late(p, today)]
    if late:
        out.append(Warning(COMMITMENT_LATE, f"{len(late)} commitment{'s' if len(late) != 1 else ''} open past "
                                            "due: ask the owner, then mark it done or dropped."))
    return out


@dataclass(frozen=True)
class Tally:
    """What one side (or everyone) promised and where it stands."""

    promised: int = 0
    done: int = 0
    open: int = 0
    late: int = 0
    dropped: int = 0
    early_wins: int = 0
    early_wins_done: int = 0


def tally(promises: Iterable[Promise], today: date) -> Tally:
    promises = list(promises)
    return Tally(promised=len(promises), done=sum(p.status == DONE for p in promises),
                 open=sum(p.status == OPEN for p in promises), late=sum(is_late(p, today) for p in promises),
                 dropped=sum(p.status == DROPPED for p in promises),
                 early_wins=sum(p.early_win and p.status != DROPPED for p in promises),
                 early_wins_done=sum(p.early_win and p.status == DONE for p in promises))


def by_side(promises: Iterable[Promise], today: date) -> dict[str, Tally]:
    """The tally of employers' commitments, community partners' and everyone's ("all"): who
    promised what, and who delivered (the workbook: employers drive, partners support)."""
    promises = list(promises)
    return {EMPLOYER: tally((p for p in promises if p.side == EMPLOYER), today),
            COMMUNITY: tally((p for p in promises if p.side == COMMUNITY), today),
            "all": tally(promises, today)}


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Outcomes or actions as saved: each line cleaned, blank ones dropped, each once, in order."""
    return clean_notes(lines)


def text_problems(field: str, text: str, required: bool = False) -> str | None:
    """Why a text cannot be saved (None: it can)."""
    if required and not text:
        return f"Write the {field}."
    if len(text) > PLAN_TEXT_CHARS:
        return f"The {field} is at most {PLAN_TEXT_CHARS} characters."
    return None


def lines_problems(field: str, lines: list[str]) -> str | None:
    if len(lines) > PLAN_LINES:
        return f"At most {PLAN_LINES} {field}."
    if any(len(line) > PLAN_TEXT_CHARS for line in lines):
        return f"Each of the {field} is at most {PLAN_TEXT_CHARS} characters."
    return None
