"""Keeping each launch meeting's tasks in line with the plan the state calls for.

`reconcile_meeting` loads the state (members and stages, the chairs' decisions, intro-path
proposals, priority areas, attendance, the meeting), asks the pure `crm.outreach.plan` what
to change and saves it. It runs on every change that the plan reads: a session hook collects
the partnerships whose memberships, review decisions, priority areas (and champions),
invitations or meetings were written in the transaction, and reconciles them just before it
commits, whichever page, API call, job or command made the change. Flush only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from crm import vocab
from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import areas as area_rules
from crm.launch import services as door
from crm.network.services import best_asker, intro_paths
from crm.outreach import plan
from crm.outreach.models import Task
from crm.partnerships import services as partnerships
from crm.partnerships.models import (
    Invitation,
    Meeting,
    Membership,
    Partnership,
    PriorityArea,
    PriorityChampion,
    StageChange,
)
from crm.scoring.models import ReviewDecision
from crm.timeutil import local, utcnow


def is_employer_side(person: Person | None) -> bool:
    return bool(person and person.organisation and person.organisation.side == "employer")


def needs_reason(target: Person | None, asker: Person | None) -> bool:
    """An employer asked by a community partner or convener breaks the workbook's rule (section B,
    "Make the right ask and follow up": "The best ask is employer-to-employer")."""
    return asker is not None and plan.needs_reason(is_employer_side(target), is_employer_side(asker))


def proposed_asker(partnership_id: int, target: Person):
    """The warm intro path's asker the plan may use where nobody decided: employer-to-employer,
    or any path for a community-side target (None: nobody to propose)."""
    path = best_asker(partnership_id, target.id)
    if path is None:
        path = next(iter(intro_paths(partnership_id, target.id, limit=1)), None)
    if path is None or not (path.employer_to_employer or not is_employer_side(target)):
        return None
    return path


def today_for(partnership: Partnership) -> date:
    return local(utcnow(), partnership.timezone).date()


def decided_askers(partnership_id: int) -> dict[int, plan.Asker]:
    """person -> the asker named by the newest decision that named one (with its reason)."""
    out: dict[int, plan.Asker] = {}
    for person_id, asker_id, reason in db.session.execute(
            select(ReviewDecision.person_id, ReviewDecision.asker_id, ReviewDecision.reason)
            .where(ReviewDecision.partnership_id == partnership_id, ReviewDecision.asker_id.is_not(None))
            .order_by(ReviewDecision.id)):
        out[person_id] = plan.Asker(asker_id, reason)
    return out


def _members(partnership_id: int) -> list[Membership]:
    return db.session.scalars(
        select(Membership).where(Membership.partnership_id == partnership_id)
        .options(selectinload(Membership.person).selectinload(Person.organisation))
        .order_by(Membership.id)).all()


def _stage_reasons(memberships: list[Membership]) -> dict[int, str]:
    """membership id -> the reason of its newest move (for "not now" and "declined" only)."""
    ids = [m.id for m in memberships if m.stage in vocab.INACTIVE_STAGES]
    if not ids:
        return {}
    rows = db.session.execute(select(StageChange.membership_id, StageChange.reason)
                              .where(StageChange.membership_id.in_(ids)).order_by(StageChange.id))
    return {mid: reason for mid, reason in rows if reason}


def _saved(meeting: Meeting) -> dict[str, Task]:
    return {t.step_key: t for t in db.session.scalars(
        select(Task).where(Task.meeting_id == meeting.id, Task.step_key.is_not(None)))}


def state_of(meeting: Meeting, saved: dict[str, Task]) -> plan.State:
    """The state the plan of a launch meeting derives from."""
    partnership = meeting.partnership
    memberships = [m for m in _members(partnership.id) if m.person.archived_at is None]
    reasons = _stage_reasons(memberships)
    members = tuple(plan.Member(m.person_id, m.stage, m.role, reasons.get(m.id)) for m in memberships)
    decided = decided_askers(partnership.id)
    proposed = {}
    for m in memberships:
        if m.stage in plan.FOLLOW_UP_STAGES and m.person_id not in decided:
            ask, follow = saved.get(f"ask:{m.person_id}"), saved.get(f"follow_up_call:{m.person_id}")
            if ask is not None and ask.owner_id is not None and follow is not None:
                # a proposal only fills an empty owner: the ask's owner stands for it (and the
                # follow-up call stays with whoever asks), no intro paths to compute
                proposed[m.person_id] = ask.owner_id
                continue
            path = proposed_asker(partnership.id, m.person)
            if path is not None:
                proposed[m.person_id] = path.asker_id
    chairs = tuple(p.id for p in meeting.chairs) or tuple(
        m.person_id for m in memberships if m.role in vocab.CHAIR_ROLES)
    convener = next((m.person_id for m in memberships if m.role == "convener"), None)
    areas = []
    # queried, not the relationship: an area added by its partnership_id in this transaction
    # after the partnership's list was loaded is missing from that list (it was, in a test)
    for area in db.session.scalars(select(PriorityArea).where(PriorityArea.partnership_id == partnership.id)
                                   .options(selectinload(PriorityArea.champions)).order_by(PriorityArea.id)):
        champions = [area_rules.Champion(c.person_id, c.lead) for c in area.champions]
        if area_rules.is_priority(champions):  # nobody's name on it: not a priority now, no call (C)
            areas.append((area.id, area_rules.lead_of(champions)))
    room = door.plan_room(meeting)
    by_hand = frozenset(db.session.scalars(select(Task.person_id).where(
        Task.partnership_id == partnership.id, Task.kind == "ask", Task.step_key.is_(None),
        Task.person_id.is_not(None), Task.status.in_(("open", "done")))))
    return plan.State(local(meeting.starts_at, partnership.timezone).date(), members, decided, proposed,
                      chairs, convener, tuple(areas), room.recruiters, by_hand, no_show_ids=room.no_show,
                      fulfilled=fulfilled_steps(meeting))


def fulfilled_steps(launch: Meeting) -> dict[str, str]:
    """The launch's after-steps already done by a meeting (key -> why): a champion call recorded
    for a priority area (crm.launch.calls), the second partnership meeting set after the launch."""
    tz = launch.partnership.timezone
    out = {}
    rows = db.session.execute(select(Meeting.kind, Meeting.priority_area_id, Meeting.starts_at).where(
        Meeting.partnership_id == launch.partnership_id, Meeting.kind.in_(("second", "champion_call")),
        Meeting.starts_at >= launch.starts_at).order_by(Meeting.starts_at.desc(), Meeting.id.desc()))
    for kind, area_id, starts in rows:  # the earliest wins (newest first, overwritten)
        day = f"{local(starts, tz):%d %b %Y}"
        if kind == "second":
            out["second_meeting"] = f"Second meeting set for {day}."
        elif area_id is not None:
            out[f"champion_call:{area_id}"] = f"Champion call held on {day}."
    return out


def _invite_the_accepted(meeting: Meeting, state: plan.State) -> None:
    """Everyone who accepted is an invitee of the launch (an RSVP already recorded is kept), so
    reminders and the door's attendance reach them."""
    invited = {i.person_id for i in meeting.invitations}
    for m in state.members:
        if m.stage == "accepted" and m.person_id not in invited:
            meeting.invitations.append(Invitation(person_id=m.person_id, response="accepted"))


def _note(task: Task, line: str, today: date) -> None:
    entry = f"{today:%d %b %Y}: {line}"
    task.notes = f"{task.notes}\n{entry}" if task.notes else entry


def reconcile_meeting(meeting: Meeting, today: date | None = None) -> plan.Changes:
    """Create, update, close or reopen the meeting's steps so they match the plan; returns what changed."""
    if meeting.kind != "launch":
        return plan.Changes()
    partnership = meeting.partnership
    today = today or today_for(partnership)
    saved = _saved(meeting)
    state = state_of(meeting, saved)
    members = {m.person_id: m for m in state.members}
    _invite_the_accepted(meeting, state)
    rows = [plan.Saved(key, t.status, t.due, t.owner_id, local(t.created_at, partnership.timezone).date(),
                       bool(t.owner_pinned), t.closed_reason is not None, t.asker_reason)
            for key, t in saved.items()]
    changes = plan.reconcile(rows, plan.wanted(state), today, members, state.fulfilled)
    if not changes:
        return changes
    names = dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(
        {f.get("owner_id") for f in changes.update.values()} | {t.owner_id for t in saved.values()}
        - {None}))).all()) if changes.update else {}
    for key in changes.reopen:
        task = saved[key]
        task.status, task.outcome, task.completed_at, task.closed_reason = "open", None, None, None
        _note(task, "Back in the plan.", today)
    for key, fields in changes.update.items():
        task = saved[key]
        if "owner_id" in fields and task.owner_id is not None and task.kind == "ask":
            _note(task, f"Asker changed from {names.get(task.owner_id, 'nobody')} to "
                        f"{names.get(fields['owner_id'], 'nobody')} (the chairs' decision).", today)
        for name, value in fields.items():
            setattr(task, name, value)
    for key, (status, reason) in changes.close.items():
        task = saved[key]
        task.status, task.closed_reason, task.completed_at = status, reason, utcnow()
        _note(task, f"Closed by the plan: {reason}", today)
    for want, due in changes.create:
        step = want.step
        db.session.add(Task(partnership_id=partnership.id, meeting_id=meeting.id, step_key=step.key,
                            kind=step.kind, due=due, person_id=step.person_id, owner_id=step.owner_id,
                            priority_area_id=step.priority_area_id, status="open",
                            asker_reason=want.asker_reason))
    db.session.flush()
    for want, _due in changes.create:
        if want.step.kind == "ask" and want.step.owner_id:
            mark_ask_assigned(partnership.id, want.step.person_id)
    for key, fields in changes.update.items():
        if key.startswith("ask:") and fields.get("owner_id"):
            mark_ask_assigned(partnership.id, saved[key].person_id)
    return changes


def mark_ask_assigned(partnership_id: int, person_id: int | None, user_id: int | None = None) -> None:
    membership = partnerships.membership_of(partnership_id, person_id) if person_id else None
    if membership is not None and membership.stage == "approved":
        partnerships.move_stage(membership, "ask_assigned", user_id, "asker assigned")


def reconcile_partnership(partnership_id: int, today: date | None = None) -> None:
    """Reconcile every launch meeting of a partnership."""
    for meeting in db.session.scalars(select(Meeting).where(
            Meeting.partnership_id == partnership_id, Meeting.kind == "launch").order_by(Meeting.id)):
        reconcile_meeting(meeting, today)


#: how long after its start a launch's closed door is still looked at by the scheduler's job
#: (a week: a scheduler down for days still catches up; our choice)
CLOSED_DOOR_DAYS = 7


def reconcile_closed_doors(now: datetime | None = None) -> int:
    """Reconcile the launches whose door has closed (crm.launch.services.over) and whose invited
    no-shows lack their reconnect step: the plan reads the room only when something changes, so
    without this the reconnects waited for the next change after the launch. Idempotent: a launch
    whose no-shows all have their step is left alone. Returns how many launches were reconciled."""
    now = now or utcnow()
    count = 0
    for meeting in db.session.scalars(select(Meeting).where(
            Meeting.kind == "launch", Meeting.starts_at <= now,
            Meeting.starts_at >= now - timedelta(days=CLOSED_DOOR_DAYS)).order_by(Meeting.id)):
        if not door.over(meeting):
            continue
        keys = set(db.session.scalars(select(Task.step_key).where(Task.meeting_id == meeting.id,
                                                                  Task.step_key.like("reconnect:%"))))
        if {f"reconnect:{pid}" for pid in door.plan_room(meeting).no_show} - keys:
            reconcile_meeting(meeting)
            count += 1
    db.session.flush()
    return count


# --- the hook: reconcile what the transaction touched, just before it commits -----------------

_PENDING = "outreach_plan_pending"
_RUNNING = "outreach_plan_running"


def _partnership_of(obj) -> int | None:
    if isinstance(obj, Membership | ReviewDecision | PriorityArea | Meeting):
        return obj.partnership_id
    if isinstance(obj, PriorityChampion):
        area = obj.priority_area or (db.session.get(PriorityArea, obj.priority_area_id)
                                     if obj.priority_area_id else None)
        return area.partnership_id if area else None
    if isinstance(obj, Invitation):
        meeting = obj.meeting or (db.session.get(Meeting, obj.meeting_id) if obj.meeting_id else None)
        return meeting.partnership_id if meeting else None
    return None


_WATCHED = (Membership, ReviewDecision, PriorityArea, PriorityChampion, Invitation, Meeting)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    touched = [o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, _WATCHED)]
    if touched:
        pending = session.info.setdefault(_PENDING, set())
        pending.update(pid for pid in map(_partnership_of, touched) if pid is not None)


@event.listens_for(Session, "before_commit")
def _reconcile_before_commit(session: Session) -> None:
    if session.info.get(_RUNNING) or not (session.info.get(_PENDING) or session.new or session.dirty
                                          or session.deleted):
        return
    if not has_app_context() or session is not db.session():
        return  # another session (a script's own): nothing of the app's to reconcile
    session.info[_RUNNING] = True
    try:
        session.flush()
        for _round in range(3):  # a reconcile moves stages (ask assigned): at most one more round
            pending = session.info.pop(_PENDING, set())
            if not pending:
                break
            for partnership_id in sorted(pending):
                if session.get(Partnership, partnership_id) is not None:
                    reconcile_partnership(partnership_id)
            session.flush()
    finally:
        session.info.pop(_RUNNING, None)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
