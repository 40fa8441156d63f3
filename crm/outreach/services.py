"""Outreach operations: meetings and their generated timeline, asks with proposed employer
askers, task outcomes moving the pipeline, list queries. They flush; the caller commits.

The rules themselves (offsets, pace, what to create or move) are in the pure
`crm.outreach.timeline`; this module loads rows, calls it and saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from crm import vocab
from crm.accounts.access import visible_person
from crm.accounts.models import User
from crm.config import default_timezone
from crm.contacts import services as contacts
from crm.contacts.models import Organisation, Person
from crm.extensions import db
from crm.launch import calls
from crm.launch import services as door
from crm.network.services import best_asker, intro_paths
from crm.outreach import guardrails, letters, plan, reconcile, timeline
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import Meeting, Partnership
from crm.rules import TIMELINE
from crm.scoring.models import ReviewDecision
from crm.timeutil import as_utc, local, utcnow

#: an ask's outcome moves the person along the pipeline to this stage.
OUTCOME_STAGE = {"accepted": "accepted", "declined": "declined", "no_answer": "asked",
                 "referred": "asked"}


class OutreachError(ValueError):
    """A change refused, with a message for the person who asked (and the field, if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AskerProposal:
    """Who should make the ask, and why (from the warm intro paths)."""

    asker_id: int
    reason: str
    employer_to_employer: bool


# --- time ------------------------------------------------------------------------------

def today_for(partnership: Partnership | None, now: datetime | None = None) -> date:
    """Today's date in the partnership's zone, else (My tasks, which spans partnerships) in the
    installation's default zone: never UTC's, whose day begins at 17:00 in Denver, so that a
    task due today showed as overdue there every evening (the injectable `now` defaults to the clock)."""
    tz = partnership.timezone if partnership else default_timezone()
    return local(now or utcnow(), tz).date()


def meeting_day(meeting: Meeting) -> date:
    return local(meeting.starts_at, meeting.partnership.timezone).date()


# --- sides and askers ------------------------------------------------------------------

is_employer_side = reconcile.is_employer_side
needs_reason = reconcile.needs_reason


def propose_asker(partnership_id: int, target_id: int) -> AskerProposal | None:
    """The strongest employer-to-employer asker from the warm intro paths, else the strongest
    path's asker (which the caller uses only for community-side targets), else None."""
    path = best_asker(partnership_id, target_id)
    if path is None:  # no employer-to-employer path: the strongest path (community targets)
        path = next(iter(intro_paths(partnership_id, target_id, limit=1)), None)
    if path is None:
        return None
    return AskerProposal(path.asker_id, path.reason, path.employer_to_employer)


# --- meetings and their timeline -------------------------------------------------------

def _checked_setup(starts_at: datetime, ends_at: datetime | None, chair_ids, host_organisation_id) -> list:
    """A meeting's times, chairs and host, checked as one (create and edit alike): its chairs."""
    if ends_at is not None and as_utc(ends_at) <= as_utc(starts_at):
        raise OutreachError("The meeting must end after it starts.", "ends_at")
    chairs = [db.session.get(Person, pid) for pid in chair_ids]
    if any(c is None for c in chairs):
        raise OutreachError(NO_SUCH_CHAIR, "chair_ids")
    if host_organisation_id is not None and db.session.get(Organisation, host_organisation_id) is None:
        raise OutreachError(NO_SUCH_HOST, "host_organisation_id")
    return chairs


def create_meeting(partnership: Partnership, starts_at: datetime, kind: str = "launch",
                   title: str | None = None, ends_at: datetime | None = None,
                   location: str | None = None, host_organisation_id: int | None = None,
                   chair_ids: list[int] | tuple[int, ...] = (), notes: str | None = None) -> Meeting:
    """Create a meeting; a launch meeting lays out the workbook's timeline (sections B-D) around it."""
    if kind not in vocab.values(vocab.MEETING_KINDS):
        raise OutreachError(f"Unknown meeting kind {kind!r}.", "kind")
    chairs = _checked_setup(starts_at, ends_at, chair_ids, host_organisation_id)
    meeting = Meeting(partnership_id=partnership.id, kind=kind, starts_at=as_utc(starts_at),
                      ends_at=as_utc(ends_at) if ends_at else None, title=contacts.clean(title),
                      location=contacts.clean(location), host_organisation_id=host_organisation_id,
                      notes=contacts.clean(notes))
    meeting.partnership = partnership
    meeting.chairs = chairs
    db.session.add(meeting)
    db.session.flush()
    reconcile.reconcile_meeting(meeting)
    return meeting


def update_meeting(meeting: Meeting, starts_at: datetime, ends_at: datetime | None = None,
                   title: str | None = None, location: str | None = None,
                   host_organisation_id: int | None = None, chair_ids=()) -> Meeting:
    """Edit a meeting's details; a new start moves it (its open steps and waiting letters with it)."""
    chairs = _checked_setup(starts_at, ends_at, chair_ids, host_organisation_id)
    meeting.title, meeting.location = contacts.clean(title), contacts.clean(location)
    meeting.host_organisation_id = host_organisation_id
    meeting.chairs = chairs
    meeting.ends_at = as_utc(ends_at) if ends_at else None
    if as_utc(starts_at) != as_utc(meeting.starts_at):
        meeting.ends_at = None  # move_meeting keeps the duration: give it the new one after
        move_meeting(meeting, starts_at)
        meeting.ends_at = as_utc(ends_at) if ends_at else None
    db.session.flush()
    reconcile.reconcile_meeting(meeting)
    return meeting


def setup_warnings(meeting: Meeting) -> list[guardrails.Warning]:
    """Chairs outside the workbook's 1-3; a host that is not an employer."""
    chairs = letters.chairs_of(meeting.partnership, meeting)  # the meeting's, else the partnership's
    return guardrails.setup_warnings(meeting.kind, len(chairs), meeting.host.side if meeting.host else None)


def refresh_queued_mail(meeting: Meeting) -> tuple[int, int]:
    """After a move: invitations still waiting in the outbox are written again with the new
    date (or dropped when the letter no longer renders), and waiting reminders naming the old
    time are dropped (the reminder job queues the new one). Returns (re-written, dropped)."""
    rewritten = dropped = 0
    waiting = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == "pending",
        or_(OutboxMessage.idempotency_key.like("invitation:%"),
            OutboxMessage.idempotency_key.like(f"meeting-reminder:{meeting.id}:%")))).all()
    asks = {t.id: t for t in db.session.scalars(select(Task).where(Task.meeting_id == meeting.id,
                                                                     Task.kind == "ask"))}
    invitations = []
    for message in waiting:
        kind, _, rest = message.idempotency_key.partition(":")
        if kind == "meeting-reminder":
            db.session.delete(message)
            dropped += 1
            continue
        task = asks.get(int(rest.split(":", 1)[0])) if rest.split(":", 1)[0].isdigit() else None
        if task is not None:
            invitations.append((message, task))
    # rendered within this transaction, after the move's writes: ending it (as a render does
    # by default) rolled the move back, and the meeting stayed where it was ("moved 0 days")
    subject, body = letters.template_for(meeting.partnership_id)
    rendered = letters.render_many(subject, body, [letters.fields_for(task, meeting) for _m, task in invitations],
                                   within_transaction=True) if invitations else []
    for (message, _task), letter in zip(invitations, rendered, strict=True):
        if isinstance(letter, letters.LetterError):
            db.session.delete(message)
            dropped += 1
        else:
            message.subject, message.body = letter.subject[:300], letter.body
            rewritten += 1
    db.session.flush()
    return rewritten, dropped


def move_meeting(meeting: Meeting, starts_at: datetime) -> Meeting:
    """Move a meeting: its open steps move by as many days; done steps stay; nothing doubles;
    letters waiting in the outbox never go out with the old time."""
    duration = (as_utc(meeting.ends_at) - as_utc(meeting.starts_at)) if meeting.ends_at else None
    meeting.starts_at = as_utc(starts_at)
    meeting.date_set_at = utcnow()
    if duration is not None:
        meeting.ends_at = meeting.starts_at + duration
    db.session.flush()
    reconcile.reconcile_meeting(meeting)
    refresh_queued_mail(meeting)
    return meeting


# --- the workbook's guardrails -------------------------------------------------------------

def launch_day(partnership: Partnership, before: datetime | None = None) -> date | None:
    """The day of the partnership's launch (the latest one starting before `before`, if given)."""
    stmt = select(Meeting.starts_at).where(Meeting.partnership_id == partnership.id, Meeting.kind == "launch")
    if before is not None:
        stmt = stmt.where(Meeting.starts_at <= before)
    starts = db.session.scalar(stmt.order_by(Meeting.starts_at.desc()).limit(1))
    return local(starts, partnership.timezone).date() if starts else None


def meeting_warnings(meeting: Meeting) -> list[guardrails.Warning]:
    """A launch set too close; a second meeting or champion call later than the workbook says; a
    champion call with people on it who are not employers."""
    partnership = meeting.partnership
    launch = None if meeting.kind == "launch" else launch_day(partnership, meeting.starts_at)
    found = guardrails.meeting_warnings(meeting.kind, meeting_day(meeting),
                                        local(meeting.date_set_at or meeting.created_at, partnership.timezone).date(),
                                        launch)
    if meeting.kind == "champion_call":  # employers only (C, D.2): who else was on it is flagged
        found += guardrails.champion_call_warnings(s.side for s, _p in door.door(meeting)[0] if s.present)
    return found


def task_warnings(tasks, today: date | None = None) -> dict[int, list[guardrails.Warning]]:
    """task id -> the warnings of each launch step among `tasks` (one query for their meetings)."""
    ids = {t.meeting_id for t in tasks if t.meeting_id}
    launches = {}
    if ids:
        for mid, starts, tz in db.session.execute(
                select(Meeting.id, Meeting.starts_at, Partnership.timezone)
                .join(Partnership, Partnership.id == Meeting.partnership_id)
                .where(Meeting.id.in_(ids), Meeting.kind == "launch")):
            launches[mid] = (local(starts, tz).date(), local(utcnow(), tz).date())
    out = {}
    for t in tasks:
        if t.meeting_id in launches:
            day, local_today = launches[t.meeting_id]
            found = guardrails.task_warnings(t.kind, t.due, t.status, day, today or local_today)
            if found:
                out[t.id] = found
    return out


def second_meeting_prefill(partnership: Partnership, today: date | None = None) -> dict:
    """The meeting form's values for the second partnership meeting (the plan's second_meeting
    step): kind second, the launch's chairs, host, place, time of day and length, on the
    weekday proposed for the step's due day (D.2: within 60 days of the launch)."""
    launch = db.session.scalar(select(Meeting).where(Meeting.partnership_id == partnership.id,
                                                     Meeting.kind == "launch").order_by(Meeting.starts_at.desc()))
    values = {"kind": "second", "title": "Second partnership meeting"}
    if launch is None:
        return values
    tz = partnership.timezone
    start = local(launch.starts_at, tz)
    day = calls.proposed_day(start.date() + timedelta(days=TIMELINE.second_meeting), today or today_for(partnership))
    starts = datetime.combine(day, start.time())
    values.update(starts_at=starts, location=launch.location, host_organisation_id=launch.host_organisation_id,
                  chair_ids=[c.id for c in launch.chairs],
                  ends_at=starts + (as_utc(launch.ends_at) - as_utc(launch.starts_at)) if launch.ends_at else None)
    return values


def meetings_of(partnership_id: int) -> list[Meeting]:
    return db.session.scalars(select(Meeting).where(Meeting.partnership_id == partnership_id)
                              .order_by(Meeting.starts_at)).all()


# --- tasks ------------------------------------------------------------------------------

def create_task(partnership: Partnership, kind: str, due: date, person_id: int | None = None,
                owner_id: int | None = None, title: str | None = None, notes: str | None = None,
                asker_reason: str | None = None) -> Task:
    """A task added by hand (a custom step, an extra ask...)."""
    if kind not in vocab.values(vocab.TASK_KINDS):
        raise OutreachError(f"Unknown task kind {kind!r}.", "kind")
    task = Task(partnership_id=partnership.id, kind=kind, due=due, person_id=person_id,
                title=contacts.clean(title), notes=contacts.clean(notes), status="open")
    db.session.add(task)
    if owner_id:
        assign_owner(task, owner_id, asker_reason)
    db.session.flush()
    return task


#: the answers to an id that names nothing the user may see (missing or not visible alike)
NO_SUCH_OWNER = "No such person to own the task."
NO_SUCH_ORGANISATION = "No such organisation."
NO_SUCH_CHAIR = "A chosen chair does not exist."
NO_SUCH_HOST = "The chosen host organisation does not exist."


def add_own_task(partnership: Partnership, user, title: str | None, due: date, owner_id: int | None,
                 person_id: int | None = None, notes: str | None = None,
                 asker_reason: str | None = None) -> Task:
    """A custom task (what, for whom, owner, due) added from a page or the API: the owner and
    the person must be people the user may see (a missing and an unseen id answer alike)."""
    if not contacts.clean(title):
        raise OutreachError("Say what is to be done.", "title")
    if owner_id is None or visible_person(user, owner_id) is None:
        raise OutreachError("Choose who does it.", "owner_id")
    if person_id is not None and visible_person(user, person_id) is None:
        raise OutreachError("No such person.", "person_id")
    return create_task(partnership, "custom", due, person_id=person_id, owner_id=owner_id, title=title,
                       notes=notes, asker_reason=asker_reason)


def assign_owner(task: Task, owner_id: int | None, reason: str | None = None,
                 user_id: int | None = None) -> Task:
    """Give a task to a person; a non-employer asking an employer needs a recorded reason.

    Choosing the asker of the plan's ask is a decision (kept with who and when, like the
    review's "assign to X"), so the plan keeps it; any other task keeps its hand-picked owner
    against the roles (chairs, convener) the plan would give it."""
    owner = db.session.get(Person, owner_id) if owner_id else None
    if owner_id and owner is None:
        raise OutreachError(NO_SUCH_OWNER, "owner_id")
    target = db.session.get(Person, task.person_id) if task.person_id else None
    reason = contacts.clean(reason)
    if task.kind == "ask" and needs_reason(target, owner):
        if not reason:
            raise OutreachError(plan.ASKER_REASON_MESSAGE, "asker_reason")
        task.asker_reason = reason
    else:
        task.asker_reason = None
    previous = task.owner
    task.owner_id = owner.id if owner else None
    task.owner_pinned = True
    if task.kind == "ask" and owner is not None and task.person_id and previous is not None \
            and previous.id != owner.id:
        today = today_for(db.session.get(Partnership, task.partnership_id))
        line = f"{today:%d %b %Y}: Asker changed from {previous.name} to {owner.name}."
        task.notes = f"{task.notes}\n{line}" if task.notes else line
    db.session.flush()
    if task.kind == "ask" and owner is not None and task.person_id and task.step_key:
        user = db.session.get(User, user_id) if user_id else None
        decision = "ill_ask" if user is not None and user.person_id == owner.id else "someone_else"
        db.session.add(ReviewDecision(partnership_id=task.partnership_id, person_id=task.person_id,
                                      decision=decision, asker_id=owner.id, reason=task.asker_reason,
                                      user_id=user_id))
        reconcile.mark_ask_assigned(task.partnership_id, task.person_id, user_id)
        db.session.flush()
    return task


def complete_task(task: Task, status: str = "done", outcome: str | None = None,
                  notes: str | None = None, referred: dict | None = None,
                  user_id: int | None = None, now: datetime | None = None) -> Person | None:
    """Close a task; an ask's outcome moves the pipeline; "referred someone" creates the
    referred person, the referral tie and their membership in one step (returned)."""
    if status not in vocab.values(vocab.TASK_STATUSES):
        raise OutreachError(f"Unknown status {status!r}.", "status")
    if outcome is not None and outcome not in vocab.values(vocab.TASK_OUTCOMES):
        raise OutreachError(f"Unknown outcome {outcome!r}.", "outcome")
    if outcome == "referred" and not (referred and contacts.clean(referred.get("name"))):
        raise OutreachError("Name the person they referred.", "referred_name")
    task.status = status
    task.outcome = outcome
    if notes is not None:
        task.notes = contacts.clean(notes)
    task.completed_at = (now or utcnow()) if status != "open" else None
    db.session.flush()
    if task.kind == "ask" and outcome and task.person_id:
        membership = partnerships.membership_of(task.partnership_id, task.person_id)
        if membership is not None:
            partnerships.move_stage(membership, OUTCOME_STAGE[outcome], user_id, f"ask: {outcome}")
    new_person = None
    if outcome == "referred":
        new_person = refer(task, referred, user_id)
    return new_person


def refer(task: Task, data: dict, user_id: int | None = None) -> Person:
    """Create the referred person, the 'referred' tie from the referrer, and a membership."""
    referrer_id = task.person_id or task.owner_id
    if data.get("organisation_id") and db.session.get(Organisation, data["organisation_id"]) is None:
        raise OutreachError(NO_SUCH_ORGANISATION, "referred.organisation_id")
    person = contacts.save_person(None, {k: data.get(k) for k in ("name", "email", "title",
                                                                  "organisation_id") if k in data})
    if referrer_id:
        contacts.add_tie("referred", referrer_id, person.id, 1,
                         context=f"Referred during outreach: {vocab.label(vocab.TASK_KINDS, task.kind)}",
                         partnership_id=task.partnership_id, created_by_id=user_id)
    partnership = db.session.get(Partnership, task.partnership_id)
    partnerships.add_member(partnership, person.id, "member", "suggested", user_id)
    return person


def reopen(task: Task) -> Task:
    task.status, task.outcome, task.completed_at = "open", None, None
    db.session.flush()
    return task


# --- lists -------------------------------------------------------------------------------

def tasks_query(partnership_ids=None, owner_id: int | None = None, person_id: int | None = None,
                view: str = "all", today: date | None = None, status: str | None = "open",
                priority_area_id: int | None = None) -> Select:
    """Tasks by partnership(s), owner, person or priority area, in a window (today / week / overdue)."""
    stmt = select(Task).options(selectinload(Task.person), selectinload(Task.owner))
    if partnership_ids is not None:
        stmt = stmt.where(Task.partnership_id.in_(list(partnership_ids) or [-1]))
    if owner_id is not None:
        stmt = stmt.where(Task.owner_id == owner_id)
    if person_id is not None:
        stmt = stmt.where(Task.person_id == person_id)
    if priority_area_id is not None:
        stmt = stmt.where(Task.priority_area_id == priority_area_id)
    if status:
        stmt = stmt.where(Task.status == status)
    start, end = timeline.window(today or today_for(None), view)
    if start is not None:
        stmt = stmt.where(Task.due >= start)
    if end is not None:
        stmt = stmt.where(Task.due <= end)
    return stmt.order_by(Task.due, Task.id)


def ask_mix(partnership_id: int) -> tuple[int, int]:
    """(asks of employers not made by an employer, all asks with an asker).

    Counted in SQL (the same rule as `needs_reason`): loading every ask as objects cost
    ~300 ms on the partnership page of a state-scale database (bench/)."""

    target, owner = aliased(Person), aliased(Person)
    target_org, owner_org = aliased(Organisation), aliased(Organisation)
    breaks_rule = and_(target_org.side == "employer",
                       or_(owner_org.side.is_(None), owner_org.side != "employer"))
    not_e2e, total = db.session.execute(
        select(func.coalesce(func.sum(case((breaks_rule, 1), else_=0)), 0), func.count(Task.id))
        .select_from(Task)
        .join(owner, owner.id == Task.owner_id)
        .outerjoin(owner_org, owner_org.id == owner.organisation_id)
        .outerjoin(target, target.id == Task.person_id)
        .outerjoin(target_org, target_org.id == target.organisation_id)
        .where(Task.partnership_id == partnership_id, Task.kind == "ask", Task.status != "cancelled")
    ).one()
    return int(not_e2e), int(total)


def pace_summary(partnership: Partnership, today: date) -> dict:
    rows = db.session.execute(select(Task.due, Task.status).where(
        Task.partnership_id == partnership.id, Task.status.in_(("open", "done")))).all()
    return dict(timeline.pace_counts(rows, today))


def open_task_count(partnership_id: int) -> int:
    return db.session.scalar(select(func.count(Task.id)).where(
        Task.partnership_id == partnership_id, Task.status == "open")) or 0
