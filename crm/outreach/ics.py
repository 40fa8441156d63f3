"""Calendars (icalendar): a meeting or a task as an ICS file, and each user's private feed of
their tasks and their partnerships' meetings, reached by a revocable token.

What calendar programs rely on (RFC 5545): each event's UID is unique to this installation
(`meeting-5@<installation id>`, crm/config.py) and never changes, so a moved meeting updates in
place; DTSTAMP and LAST-MODIFIED are the item's last change, not the time of the fetch, so
two fetches with no change in between give the same bytes (and the same ETag)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from crm import vocab
from crm.headers import header_text
from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from crm.timeutil import as_utc

PRODID = "-//Convene//Sector partnership outreach//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", header_text(name))  # an X- property is not escaped: one line
    return cal


def _stamp(event: Event, changed: datetime) -> None:
    changed = as_utc(changed).replace(microsecond=0)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)


def last_change(item: Meeting | Task) -> datetime:
    """When what an item's event shows last changed: the item itself, or for a task the
    person it is about (their name is in the summary)."""
    changed = as_utc(item.updated_at or item.created_at)
    person = getattr(item, "person", None)
    if person is not None and person.updated_at is not None:
        changed = max(changed, as_utc(person.updated_at))
    return changed


def meeting_event(meeting: Meeting, domain: str) -> Event:
    event = Event()
    title = meeting.title or vocab.label(vocab.MEETING_KINDS, meeting.kind)
    event.add("uid", f"meeting-{meeting.id}@{domain}")
    event.add("summary", f"{title} - {meeting.partnership.name}")
    event.add("dtstart", as_utc(meeting.starts_at))
    event.add("dtend", as_utc(meeting.ends_at) if meeting.ends_at else as_utc(meeting.starts_at) + timedelta(hours=2))
    _stamp(event, last_change(meeting))
    event.add("sequence", meeting.version or 0)
    if meeting.location:
        event.add("location", meeting.location)
    return event


def task_event(task: Task, domain: str) -> Event:
    event = Event()
    kind = vocab.label(vocab.TASK_KINDS, task.kind)
    who = f": {task.person.name}" if task.person else ""
    event.add("uid", f"task-{task.id}@{domain}")
    event.add("summary", f"{task.title or kind}{who}")
    event.add("dtstart", task.due)
    event.add("dtend", task.due + timedelta(days=1))
    _stamp(event, last_change(task))
    event.add("sequence", task.version or 0)
    if task.status != "open":
        event.add("status", "CANCELLED" if task.status == "cancelled" else "CONFIRMED")
    if task.notes:
        event.add("description", task.notes)
    return event


def calendar_of(name: str, domain: str, meetings: Iterable[Meeting] = (),
                tasks: Iterable[Task] = ()) -> tuple[bytes, datetime | None]:
    """The calendar's bytes and its newest change (None when it holds no event); `domain`
    ends every UID (the installation id)."""
    cal = _calendar(name)
    changes = []
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, domain))
        changes.append(last_change(meeting))
    for task in tasks:
        cal.add_component(task_event(task, domain))
        changes.append(last_change(task))
    return cal.to_ical(), max(changes, default=None)
