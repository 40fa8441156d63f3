"""Calendars (icalendar): a meeting or a task as an ICS file, and each user's private feed of
their tasks and their partnerships' meetings, reached by a revocable token."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from icalendar import Calendar, Event

from crm import vocab
from crm.headers import header_text
from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from crm.timeutil import as_utc, utcnow

PRODID = "-//Convene//Sector partnership outreach//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", header_text(name))  # an X- property is not escaped: one line
    return cal


def meeting_event(meeting: Meeting, domain: str = "convene") -> Event:
    event = Event()
    title = meeting.title or vocab.label(vocab.MEETING_KINDS, meeting.kind)
    event.add("uid", f"meeting-{meeting.id}@{domain}")
    event.add("summary", f"{title} - {meeting.partnership.name}")
    event.add("dtstart", as_utc(meeting.starts_at))
    event.add("dtend", as_utc(meeting.ends_at) if meeting.ends_at else as_utc(meeting.starts_at) + timedelta(hours=2))
    event.add("dtstamp", utcnow())
    event.add("sequence", meeting.version or 0)
    if meeting.location:
        event.add("location", meeting.location)
    return event


def task_event(task: Task, domain: str = "convene") -> Event:
    event = Event()
    kind = vocab.label(vocab.TASK_KINDS, task.kind)
    who = f": {task.person.name}" if task.person else ""
    event.add("uid", f"task-{task.id}@{domain}")
    event.add("summary", f"{task.title or kind}{who}")
    event.add("dtstart", task.due)
    event.add("dtend", task.due + timedelta(days=1))
    event.add("dtstamp", utcnow())
    event.add("sequence", task.version or 0)
    if task.status != "open":
        event.add("status", "CANCELLED" if task.status == "cancelled" else "CONFIRMED")
    if task.notes:
        event.add("description", task.notes)
    return event


def calendar_of(name: str, meetings: Iterable[Meeting] = (), tasks: Iterable[Task] = ()) -> bytes:
    cal = _calendar(name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    for task in tasks:
        cal.add_component(task_event(task))
    return cal.to_ical()
