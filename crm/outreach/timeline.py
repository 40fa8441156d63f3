"""The workbook's outreach timeline as a pure function: from a meeting date and who is
involved, the steps to take and when (sections B-D). No Flask, no SQLAlchemy: plain data in,
plain data out, so the rules are unit-tested in milliseconds and reused by services and jobs.

Every offset comes from `crm.rules.TIMELINE`; pass another `TimelineOffsets` to change them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from crm.rules import TIMELINE, TimelineOffsets

ON_TIME, AT_RISK, LATE, DONE = "on_time", "at_risk", "late", "done"
PACE_LABELS = {ON_TIME: "On time", AT_RISK: "At risk", LATE: "Late", DONE: "Done"}


@dataclass(frozen=True)
class Invitee:
    """Someone to ask to the meeting and who makes the ask (None: no asker yet)."""

    person_id: int
    asker_id: int | None = None
    #: False once they were asked: only the follow-up call is still to do.
    ask: bool = True


@dataclass(frozen=True)
class MeetingPlan:
    """What the timeline needs to know about a meeting and the people around it."""

    meeting_day: date
    invitees: tuple[Invitee, ...] = ()
    chair_ids: tuple[int, ...] = ()
    convener_id: int | None = None
    #: (priority area id, lead champion person id or None), known after the launch.
    priority_areas: tuple[tuple[int, int | None], ...] = ()
    #: people who attended, known after the launch (employers: each recruits one more).
    attendee_ids: tuple[int, ...] = ()
    #: people invited who did not come, known once the launch is over (each is reconnected with).
    no_show_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Step:
    """One generated task: `key` is unique within a meeting, so regenerating never duplicates."""

    key: str
    kind: str
    due: date
    person_id: int | None = None
    owner_id: int | None = None
    priority_area_id: int | None = None
    #: the earliest sensible day to do it (asks: 4 weeks before).
    opens: date | None = None


def generate(plan: MeetingPlan, offsets: TimelineOffsets = TIMELINE) -> list[Step]:
    """Every step of the workbook's timeline for a meeting, in due order."""
    day = plan.meeting_day
    at = lambda n: day + timedelta(days=n)  # noqa: E731
    first_chair = plan.chair_ids[0] if plan.chair_ids else None
    steps: list[Step] = []
    for invitee in plan.invitees:
        if invitee.ask:
            steps.append(Step(f"ask:{invitee.person_id}", "ask", at(offsets.ask_latest), invitee.person_id,
                              invitee.asker_id, opens=at(offsets.ask_earliest)))
        steps.append(Step(f"follow_up_call:{invitee.person_id}", "follow_up_call",
                          at(offsets.follow_up_call), invitee.person_id,
                          invitee.asker_id or plan.convener_id))
    steps.append(Step("reminder_email", "reminder_email", at(offsets.reminder_email),
                      owner_id=first_chair))
    steps.append(Step("send_summary", "send_summary", at(offsets.send_summary),
                      owner_id=plan.convener_id))
    steps.append(Step("thank_you", "thank_you", at(offsets.thank_you), owner_id=first_chair))
    for area_id, lead_id in plan.priority_areas:
        steps.append(Step(f"champion_call:{area_id}", "champion_call", at(offsets.champion_call),
                          owner_id=lead_id, priority_area_id=area_id))
    steps.append(Step("second_meeting", "second_meeting", at(offsets.second_meeting),
                      owner_id=plan.convener_id))
    for attendee_id in plan.attendee_ids:
        steps.append(Step(f"recruit_one_more:{attendee_id}", "recruit_one_more",
                          at(offsets.recruit_one_more), person_id=attendee_id, owner_id=attendee_id))
    for person_id in plan.no_show_ids:
        steps.append(Step(f"reconnect:{person_id}", "reconnect", at(offsets.reconnect), person_id=person_id,
                          owner_id=plan.convener_id))
    return sorted(steps, key=lambda s: (s.due, s.key))


def pace(due: date, status: str, today: date, offsets: TimelineOffsets = TIMELINE) -> str:
    """On time, at risk (due within `at_risk_days`) or late (past due) for an open step."""
    if status != "open":
        return DONE
    if today > due:
        return LATE
    if (due - today).days <= offsets.at_risk_days:
        return AT_RISK
    return ON_TIME


def window(today: date, name: str) -> tuple[date | None, date | None]:
    """The due-date range of a list view: today, this week (Monday-Sunday) or overdue."""
    if name == "today":
        return today, today
    if name == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if name == "overdue":
        return None, today - timedelta(days=1)
    return None, None


def pace_counts(items: Iterable[tuple[date, str]], today: date) -> Mapping[str, int]:
    """How many steps are on time, at risk, late and done."""
    counts = dict.fromkeys((ON_TIME, AT_RISK, LATE, DONE), 0)
    for due, status in items:
        counts[pace(due, status, today)] += 1
    return counts
