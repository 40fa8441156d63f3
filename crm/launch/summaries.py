"""The launch meeting's summary (issue 14 item 3): drafted from the wall and the plan's saved
steps through the pure `crm.launch.summary`, saved as edited (a version each save must name),
and sent through the outbox on the chairs' behalf, one message per recipient, once each.
Sending closes the meeting's send_summary step as done by the person who sent it (the plan
never reopens a step a person closed). Flush only; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm import prose
from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import priorities, summary
from crm.launch import services as door
from crm.launch.summary_models import MeetingSummary
from crm.outreach import letters, mail, timeline
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Invitation, Meeting
from crm.timeutil import local, utcnow

#: the outbox key of the summary to one person: the outbox holds each key once
KEY = "summary:{meeting_id}:{person_id}"


class SummaryError(ValueError):
    """Input the summary cannot take, by field; `conflict`: the input is fine, the state is not
    (the launch is still to come, nobody to send it to)."""

    def __init__(self, fields: dict[str, str], conflict: bool = False):
        super().__init__(" ".join(fields.values()))
        self.fields, self.conflict = fields, conflict


class SummaryConflict(ValueError):
    """Someone saved the summary since the version the editor read."""

    def __init__(self, saved: MeetingSummary | None):
        super().__init__("Someone saved this summary while you were editing it: yours is kept in the form, "
                         "theirs is shown beside it. Save again to keep yours.")
        self.saved = saved


@dataclass(frozen=True)
class State:
    """The summary as a page or the API shows it."""

    subject: str
    text: str
    #: 0 while nothing is saved (the draft is the wall's); a save or send names it
    version: int
    edited: bool
    sent_at: datetime | None
    recipients: tuple[summary.Recipient, ...]
    sending: summary.Sending
    names: dict[int, str]
    task: Task | None
    pace: str | None

    @property
    def html(self) -> str:
        return summary.html_of(self.text)

    @property
    def due(self) -> date | None:
        return self.task.due if self.task else None


@dataclass(frozen=True)
class Sent:
    queued: int
    already: int
    first: bool
    sent_at: datetime


def saved_of(meeting: Meeting) -> MeetingSummary | None:
    return db.session.scalar(select(MeetingSummary).where(MeetingSummary.meeting_id == meeting.id))


def task_of(meeting: Meeting) -> Task | None:
    """The plan's send_summary step of the launch."""
    return db.session.scalar(select(Task).where(Task.meeting_id == meeting.id, Task.step_key == "send_summary"))


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


def _steps(meeting: Meeting, areas: dict[int, str]) -> list[summary.NextStep]:
    """Next steps from the plan's steps as saved (champion calls per area with their lead, the
    second meeting, recruiting one more) and the meetings already set for them."""
    tasks = db.session.scalars(select(Task).where(
        Task.meeting_id == meeting.id, Task.kind.in_(("champion_call", "second_meeting", "recruit_one_more")),
        Task.status.in_(("open", "done"))).options(selectinload(Task.owner)).order_by(Task.due, Task.id)).all()
    after = db.session.scalars(select(Meeting).where(
        Meeting.partnership_id == meeting.partnership_id, Meeting.kind.in_(("second", "champion_call")),
        Meeting.starts_at > meeting.starts_at).order_by(Meeting.starts_at)).all()
    tz = meeting.partnership.timezone
    set_calls = {m.priority_area_id: m for m in after if m.kind == "champion_call" and m.priority_area_id}
    second = next((m for m in after if m.kind == "second"), None)
    steps = []
    for task in tasks:
        if task.kind == "champion_call" and task.priority_area_id in areas:
            call = set_calls.get(task.priority_area_id)
            what = f"Champion call: {areas[task.priority_area_id]} (employers only, under an hour)"
            steps.append(summary.NextStep(what, local(call.starts_at, tz).date() if call else task.due,
                                          _name(task.owner), fixed=call is not None))
        elif task.kind == "second_meeting":
            steps.append(summary.NextStep("Second partnership meeting", local(second.starts_at, tz).date()
                                          if second else task.due, fixed=second is not None))
    recruits = [t.due for t in tasks if t.kind == "recruit_one_more"]
    if recruits:
        steps.append(summary.NextStep("Each employer who took part brings at least one more civic entrepreneur",
                                      max(recruits)))
    return steps


def chairs_of(meeting: Meeting) -> list[Person]:
    """Who signs and sends it: the meeting's chairs, else the partnership's (as the invitations)."""
    return [c for c in letters.chairs_of(meeting.partnership, meeting) if c.archived_at is None]


def sender_name(meeting: Meeting, user) -> str | None:
    """Who sends it when not a chair ("Sent on the chairs' behalf by ..."), or None."""
    chairs = chairs_of(meeting)
    if chairs and user.person_id in {c.id for c in chairs}:
        return None
    return _name(user.person) or user.name or user.email


def facts_of(meeting: Meeting, user) -> summary.Facts:
    """What the draft is written from: the wall's areas, the plan's steps, the room, the chairs."""
    partnership = meeting.partnership
    areas, names = [], {}
    for area in priorities.areas_of(partnership.id):
        names[area.id] = area.name
        lead = {c.person_id for c in area.champions if c.lead}
        champions = tuple(summary.ChampionName(c.person.name, c.person.organisation.name if c.person.organisation
                                               else None, c.person_id in lead)
                          for c in area.champions if c.person.archived_at is None)
        areas.append(summary.Area(area.name, tuple(priorities.notes_of(area, "opportunity")),
                                  tuple(priorities.notes_of(area, "requirement")), champions))
    room = door.room_of(meeting)
    place = meeting.location or (meeting.host.name if meeting.host else None)
    return summary.Facts(partnership.name, partnership.sector, local(meeting.starts_at, partnership.timezone).date(),
                         place, tuple(areas), tuple(_steps(meeting, names)), len(room.present), room.employers,
                         room.community, tuple(letters.signature(c) for c in chairs_of(meeting)),
                         sender_name(meeting, user))


def candidates_of(meeting: Meeting) -> list[summary.Candidate]:
    """Everyone invited to the launch or walked in, as the recipients rule reads them (an erased
    person's invitation went with them)."""
    invitations = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)
                                     .options(selectinload(Invitation.person))).all()
    return [summary.Candidate(i.person_id, i.person.email, bool(i.attended), bool(i.walk_in),
                              i.person.archived_at is not None, i.person.merged_into_id is not None)
            for i in invitations]


def _sent(meeting: Meeting) -> tuple[set[int], set[str]]:
    rows = db.session.execute(select(OutboxMessage.to_person_id, OutboxMessage.to_email).where(
        OutboxMessage.idempotency_key.like(KEY.format(meeting_id=meeting.id, person_id="%")))).all()
    return {pid for pid, _ in rows if pid is not None}, {email for _, email in rows}


def state_of(meeting: Meeting, user) -> State:
    """The summary now: the saved one if someone edited or sent it, else drafted afresh."""
    saved = saved_of(meeting)
    if saved is not None:
        subject, text = saved.subject, saved.text
    else:
        drafted = summary.draft(facts_of(meeting, user))
        subject, text = drafted.subject, drafted.text
    wanted = summary.recipients(candidates_of(meeting))
    sending = summary.not_yet_sent(wanted, *_sent(meeting))
    names = dict(db.session.execute(select(Person.id, Person.name).where(
        Person.id.in_([r.person_id for r in wanted] or [-1]))).all())
    task = task_of(meeting)
    pace = timeline.pace(task.due, task.status, outreach.today_for(meeting.partnership)) if task else None
    return State(subject, text, saved.version if saved else 0, saved is not None,
                 saved.sent_at if saved else None, tuple(wanted), sending, names, task, pace)


def save(meeting: Meeting, subject: str, text: str, version: int | None, user_id: int | None) -> MeetingSummary:
    """Save the summary as typed, if `version` is the one saved (0: nothing saved yet); else
    SummaryConflict. Bad input: SummaryError by field."""
    subject, text = summary.clean_subject(subject), summary.clean_text(text)
    found = summary.problems(subject, text)
    if found:
        raise SummaryError(found)
    saved = saved_of(meeting)
    if (saved.version if saved else 0) != version:
        raise SummaryConflict(saved)
    if saved is None:
        saved = MeetingSummary(meeting_id=meeting.id, subject=subject, text=text, updated_by_id=user_id)
        try:
            with db.session.begin_nested():  # two first saves at once: the later one is a conflict
                db.session.add(saved)
        except IntegrityError:
            raise SummaryConflict(saved_of(meeting)) from None
    elif (saved.subject, saved.text) != (subject, text):
        saved.subject, saved.text, saved.updated_by_id = subject, text, user_id
    db.session.flush()
    return saved


def reset(meeting: Meeting, version: int | None) -> None:
    """Drop the edits: the draft is the wall's again (refused once sent: what was sent stays)."""
    saved = saved_of(meeting)
    if saved is None:
        return
    if saved.version != version:
        raise SummaryConflict(saved)
    if saved.sent_at is not None:
        raise SummaryError({"text": "The summary was sent: it stays as it was sent."}, conflict=True)
    db.session.delete(saved)
    db.session.flush()


def sender_of(meeting: Meeting, user) -> tuple[str | None, str | None]:
    """(From name, Reply-To) of the summary: the chairs' names, replies to the first chair with
    an address, as the chairs' letter (else the one sending it)."""
    chairs = chairs_of(meeting)
    if chairs:
        reply = next((c.email for c in chairs if c.email), None) or user.email
        return prose.and_list(c.name for c in chairs)[:200], reply
    return (_name(user.person) or user.name or user.email)[:200], user.email


def send(meeting: Meeting, user, subject: str, text: str, version: int | None) -> Sent:
    """Save what is typed, then queue it for everyone it has not reached yet (one message each,
    keyed by meeting and person, so a second send never sends twice) and close the plan's
    send_summary step as done."""
    if not door.started(meeting):
        raise SummaryError({"text": "The launch has not happened yet: send its summary after it."}, conflict=True)
    saved = save(meeting, subject, text, version, user.id)
    sending = summary.not_yet_sent(summary.recipients(candidates_of(meeting)), *_sent(meeting))
    if not sending.to_send and not sending.already:
        raise SummaryError({"recipients": "Nobody to send it to: mark who was present, or add the invitees' "
                                          "email addresses (the draft is saved)."}, conflict=True)
    from_name, reply_to = sender_of(meeting, user)
    now = utcnow()
    queued = mail.enqueue_many([mail.message_row(KEY.format(meeting_id=meeting.id, person_id=r.person_id), r.email,
                                                 saved.subject, saved.text, to_person_id=r.person_id,
                                                 from_name=from_name, reply_to=reply_to, now=now)
                                for r in sending.to_send])
    first = saved.sent_at is None and queued > 0
    if first:
        saved.sent_at, saved.sent_by_id = now, user.id
    task = task_of(meeting)
    if task is not None and task.status == "open" and (queued or saved.sent_at):
        outreach.complete_task(task, "done", user_id=user.id, now=now)
    db.session.flush()
    return Sent(queued, len(sending.already) + len(sending.to_send) - queued, first, saved.sent_at or now)
