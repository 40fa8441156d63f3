"""The one-pager's figures, as pure rules (issue 15 items 2 and 5): champions over time from
the stage history, the pipeline funnel, attendance by side per meeting. No Flask, no
SQLAlchemy: plain data in, plain data out; crm.onepager.services loads the rows and draws the
charts (crm.charts.svg) from what these return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from crm import vocab
from crm.launch.attendance import COMMUNITY, EMPLOYER

CHAMPION = "champion"
#: the pipeline's stages in the order people move through them (out of it: declined, not now)
FUNNEL_STAGES = tuple(s for s, _ in vocab.STAGES if s not in vocab.INACTIVE_STAGES)
#: where the inactive stages left the funnel: a decline answered an ask; "not now" was the
#: chairs' review setting someone aside before any ask (so they count as candidates only)
LEFT_AT = {"declined": "asked", "not_now": "candidate"}


@dataclass(frozen=True)
class Move:
    """One recorded stage move of one membership, on the day it happened (local)."""

    membership_id: int
    day: date
    from_stage: str | None
    to_stage: str


def champions_over_time(moves: Iterable[Move]) -> list[tuple[date, int]]:
    """The number of champions at the end of each day a move changed it: +1 when someone
    becomes a champion, -1 when a champion moves away (moves within a stage change nothing).
    Moves are taken in the order given within a day (the history's order)."""
    champions: set[int] = set()
    out: dict[date, int] = {}
    for m in sorted(moves, key=lambda m: m.day):  # stable: same-day moves keep their order
        if m.to_stage == CHAMPION:
            champions.add(m.membership_id)
        else:
            champions.discard(m.membership_id)
        out[m.day] = len(champions)
    days = sorted(out)
    # a day whose moves cancel out is not a change: keep only the days the count moved
    return [(d, out[d]) for i, d in enumerate(days) if i == 0 or out[d] != out[days[i - 1]]]


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str
    #: members who got at least this far (those at a later stage, and those who left after it)
    reached: int
    #: members at this stage now
    now: int


def funnel(stages: Iterable[str]) -> tuple[list[FunnelStep], dict[str, int]]:
    """The pipeline funnel from members' current stages: for each active stage, how many
    reached it and how many are there now; and how many left the pipeline (declined, not now)."""
    index = {s: i for i, s in enumerate(FUNNEL_STAGES)}
    furthest = [0] * len(FUNNEL_STAGES)
    now = dict.fromkeys(FUNNEL_STAGES, 0)
    left = dict.fromkeys(vocab.INACTIVE_STAGES, 0)
    for stage in stages:
        if stage in left:
            left[stage] += 1
            furthest[index[LEFT_AT[stage]]] += 1
        elif stage in index:
            now[stage] += 1
            furthest[index[stage]] += 1
    steps, reached = [], 0
    for i in range(len(FUNNEL_STAGES) - 1, -1, -1):
        reached += furthest[i]
        stage = FUNNEL_STAGES[i]
        steps.append(FunnelStep(stage, vocab.label(vocab.STAGES, stage), reached, now[stage]))
    return steps[::-1], left


@dataclass(frozen=True)
class MeetingRoom:
    """Who was marked present at one meeting, by side (people on neither side not counted)."""

    label: str
    day: date
    employers: int
    community: int


def room_by_side(label: str, day: date, sides: Iterable[str | None]) -> MeetingRoom:
    """A meeting's room from the sides of the people marked present (crm.launch.attendance.side_of)."""
    sides = list(sides)
    return MeetingRoom(label, day, sides.count(EMPLOYER), sides.count(COMMUNITY))


def meeting_label(title: str | None, kind_label: str, day: date) -> str:
    """How a meeting is named on a chart: its title (or kind) and its date."""
    return f"{(title or '').strip() or kind_label}, {day.day} {day:%b %Y}"
