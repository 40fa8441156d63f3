"""Partnership health: load a partnership as a plain snapshot (a few queries, only what the user
may see), assess it with the pure rules (crm/health/signals.py), and record or clear the
convener's judgement calls. Flush only; the request commits.

What the user may see: the health page is for users given the partnership (its members,
meetings, tasks and areas are theirs to see). Work owned by someone outside the partnership
counts on its owner's side only for staff (who see every person); for anyone else such an owner
is not visible, so the item counts as having no known owner.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from crm import rules, vocab
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.health import signals
from crm.health.models import HealthNote
from crm.health.snapshot import (
    DONE,
    DROPPED,
    OPEN,
    Area,
    Flag,
    Keystone,
    KeystoneFacts,
    MeetingFacts,
    Member,
    Referral,
    Snapshot,
    Work,
    day,
    work_side,
)
from crm.launch.attendance import EMPLOYER, side_of
from crm.launch.models import ActionPlan, Commitment
from crm.network import services as network
from crm.outreach.models import Task
from crm.outreach.services import today_for
from crm.partnerships.models import (
    Invitation,
    Meeting,
    Membership,
    Partnership,
    PriorityArea,
    PriorityChampion,
    PriorityNote,
)
from crm.timeutil import as_utc, zone

#: a task's status as the signals count it
TASK_STATUS = {"open": OPEN, "done": DONE, "skipped": DROPPED, "cancelled": DROPPED}
#: the longest judgement-call note
MAX_NOTE_CHARS = 2000


class NoteError(ValueError):
    """A note the convener cannot save as typed; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "text"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Report:
    """A partnership's health, and what the page needs to name and link what it mentions."""

    health: signals.Health
    snapshot: Snapshot
    #: (type, id) -> a label for each item a signal mentions
    labels: dict[tuple[str, int], str]
    notes: list[HealthNote]
    #: person id -> name, for everyone a signal names
    names: dict[int, str]




def _day(value: datetime | None, partnership: Partnership) -> date | None:
    return as_utc(value).astimezone(_zone(partnership.timezone)).date() if value is not None else None


@functools.lru_cache(maxsize=64)
def _zone(name: str | None):
    return zone(name)


TASK_LABELS = dict(vocab.TASK_KINDS)


def _members(partnership: Partnership) -> list[Member]:
    rows = db.session.execute(
        select(Membership.person_id, Person.name, Organisation.side, Membership.role, Membership.stage,
               Membership.stage_changed_at)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Membership.partnership_id == partnership.id, Person.archived_at.is_(None),
               Person.merged_into_id.is_(None))).all()
    return [Member(pid, name, work_side(side, role), role, stage,
                   _day(changed, partnership) if vocab.counts_as_champion(role, stage) else None)
            for pid, name, side, role, stage, changed in rows]


def _meetings(partnership: Partnership, members: dict[int, Member]) -> tuple[list[MeetingFacts], dict]:
    meetings = db.session.execute(select(Meeting.id, Meeting.starts_at, Meeting.kind, Meeting.title,
                                         Meeting.priority_area_id)
                                  .where(Meeting.partnership_id == partnership.id)).all()
    present = db.session.execute(
        select(Invitation.meeting_id, Invitation.person_id, Organisation.side)
        .join(Meeting, Meeting.id == Invitation.meeting_id).join(Person, Person.id == Invitation.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Meeting.partnership_id == partnership.id, Invitation.attended.is_(True))).all()
    employers: dict[int, list[int]] = {}
    community: dict[int, int] = {}
    for meeting_id, person_id, org_side in present:
        member = members.get(person_id)
        side = side_of(org_side, member.role if member else None)
        if side == EMPLOYER:
            employers.setdefault(meeting_id, []).append(person_id)
        elif side is not None:
            community[meeting_id] = community.get(meeting_id, 0) + 1
    facts, labels = [], {}
    for mid, starts, kind, title, area_id in meetings:
        name = title or vocab.label(vocab.MEETING_KINDS, kind)
        facts.append(MeetingFacts(mid, _day(starts, partnership), kind, name,
                                  tuple(sorted(employers.get(mid, ()))), community.get(mid, 0), area_id))
        labels[("meeting", mid)] = f"{name}, {day(_day(starts, partnership))}"
    return facts, labels


def _owner_sides(owner_ids: set[int], members: dict[int, Member], user) -> dict[int, str | None]:
    """Each owner's side: a member's from the partnership; anyone else's only for staff."""
    sides = {pid: members[pid].side for pid in owner_ids if pid in members}
    outside = owner_ids - set(sides)
    if outside and user.is_staff:
        rows = db.session.execute(select(Person.id, Organisation.side).outerjoin(
            Organisation, Organisation.id == Person.organisation_id).where(Person.id.in_(outside))).all()
        sides.update({pid: work_side(side, None) for pid, side in rows})
    return sides


def _tasks(partnership: Partnership, members: dict[int, Member], user, today: date) -> tuple[list[Work], dict]:
    """The partnership's own tasks the signals read: open ones, and those created or delivered
    within the last two windows (the slippery slope compares them; a day more for time zones).
    Years of closed tasks are not loaded."""
    since = datetime.combine(today - timedelta(days=2 * rules.HEALTH_WINDOW_DAYS + 1), time.min, tzinfo=UTC)
    rows = db.session.execute(
        select(Task.id, Task.kind, Task.title, Task.owner_id, Task.status, Task.due, Task.completed_at,
               Task.created_at, Task.priority_area_id)
        .where(Task.partnership_id == partnership.id, Task.kind.in_(rules.SUPPLY_SIDE_TASK_KINDS),
               or_(Task.status == "open", Task.created_at >= since, Task.completed_at >= since))).all()
    sides = _owner_sides({r.owner_id for r in rows if r.owner_id is not None}, members, user)
    work, labels = [], {}
    for r in rows:
        side = sides.get(r.owner_id) if r.owner_id is not None else None
        work.append(Work("task", r.id, r.owner_id if side is not None else None, side, TASK_STATUS[r.status],
                         _day(r.created_at, partnership), r.due,
                         _day(r.completed_at, partnership) if r.status == "done" else None, r.priority_area_id))
        labels[("task", r.id)] = f"{r.title or TASK_LABELS.get(r.kind, r.kind)}, due {day(r.due)}"
    return work, labels


def _commitments(partnership: Partnership, members: dict[int, Member], user) -> tuple[list[Work], dict]:
    """The action plans' commitments (crm.launch.models), as work the signals read."""
    rows = db.session.execute(
        select(Commitment.id, Commitment.text, Commitment.owner_id, Commitment.status, Commitment.due,
               Commitment.done_at, Commitment.created_at, Commitment.priority_area_id)
        .join(PriorityArea, PriorityArea.id == Commitment.priority_area_id)
        .where(PriorityArea.partnership_id == partnership.id)).all()
    sides = _owner_sides({r.owner_id for r in rows}, members, user)
    work, labels = [], {}
    for r in rows:
        side = sides.get(r.owner_id)
        work.append(Work("commitment", r.id, r.owner_id if side is not None else None, side, r.status,
                         _day(r.created_at, partnership), r.due,
                         _day(r.done_at, partnership) if r.status == DONE else None, r.priority_area_id))
        labels[("commitment", r.id)] = f"{r.text[:80]}, due {day(r.due)}"
    return work, labels


def _plans(partnership: Partnership) -> tuple[dict[int, int], dict[int, int]]:
    """Per area: the measurable outcomes written in its action plan, and its early wins (not
    dropped). An area without a plan is absent from the first."""
    outcomes = {area_id: len(lines or []) for area_id, lines in db.session.execute(
        select(ActionPlan.priority_area_id, ActionPlan.outcomes)
        .join(PriorityArea, PriorityArea.id == ActionPlan.priority_area_id)
        .where(PriorityArea.partnership_id == partnership.id)).all()}
    early = dict(db.session.execute(
        select(Commitment.priority_area_id, func.count(Commitment.id))
        .join(PriorityArea, PriorityArea.id == Commitment.priority_area_id)
        .where(PriorityArea.partnership_id == partnership.id, Commitment.early_win.is_(True),
               Commitment.status != DROPPED).group_by(Commitment.priority_area_id)).all())
    return outcomes, early


def _areas(partnership: Partnership) -> tuple[list[Area], dict]:
    areas = db.session.execute(select(PriorityArea.id, PriorityArea.name, PriorityArea.created_at)
                               .where(PriorityArea.partnership_id == partnership.id)).all()
    last_note = dict(db.session.execute(
        select(PriorityNote.priority_area_id, func.max(PriorityNote.created_at))
        .join(PriorityArea, PriorityArea.id == PriorityNote.priority_area_id)
        .where(PriorityArea.partnership_id == partnership.id).group_by(PriorityNote.priority_area_id)).all())
    champions: dict[int, list[int]] = {}
    for area_id, person_id in db.session.execute(
            select(PriorityChampion.priority_area_id, PriorityChampion.person_id)
            .join(PriorityArea, PriorityArea.id == PriorityChampion.priority_area_id)
            .where(PriorityArea.partnership_id == partnership.id)).all():
        champions.setdefault(area_id, []).append(person_id)
    outcomes, early = _plans(partnership)
    out, labels = [], {}
    for aid, name, created in areas:
        created_on = _day(created, partnership)
        revisited = max(created_on, _day(last_note.get(aid), partnership) or created_on)
        out.append(Area(aid, name, tuple(sorted(champions.get(aid, ()))), created_on, revisited,
                        outcomes.get(aid), early.get(aid, 0)))
        labels[("priority_area", aid)] = name
    return out, labels


def _referrals(partnership: Partnership) -> list[Referral]:
    rows = db.session.execute(select(Tie.source_id, Tie.target_id, Tie.since, Tie.created_at).where(
        Tie.kind == "referred", Tie.partnership_id == partnership.id)).all()
    return [Referral(a, b, since or _day(created, partnership)) for a, b, since, created in rows]


def notes_of(partnership_id: int) -> list[HealthNote]:
    return db.session.scalars(select(HealthNote).where(HealthNote.partnership_id == partnership_id)
                              .order_by(HealthNote.noted_on.desc(), HealthNote.id.desc())).all()


def keystone_facts(partnership_id: int) -> KeystoneFacts:
    """The network's keystone summary (crm.network.services.keystones: the same answer as the
    partnership page, the keystones page and the map) as the signal reads it."""
    result = network.keystones(partnership_id)
    chosen = set(result.get("keystones", ()))
    keystones = tuple(Keystone(r["person_id"], r["name"], tuple(r.get("cut_off", r.get("champions_cut_off", ()))),
                               bool(r.get("dominant"))) for r in result.get("leaders", ()) if r["person_id"] in chosen)
    return KeystoneFacts(int(result.get("people", 0)), keystones, bool(result.get("pending")))


def load_snapshot(partnership: Partnership, user, today: date | None = None) -> tuple[Snapshot, dict, list]:
    """The partnership as the signals read it, with labels for its items and the notes."""
    members = _members(partnership)
    by_id = {m.person_id: m for m in members}
    meetings, meeting_labels = _meetings(partnership, by_id)
    today = today or today_for(partnership)
    work, task_labels = _tasks(partnership, by_id, user, today)
    promised, commitment_labels = _commitments(partnership, by_id, user)
    areas, area_labels = _areas(partnership)
    notes = notes_of(partnership.id)
    flags = [Flag(n.id, n.code, n.noted_on, n.text, n.cleared_on) for n in notes]
    names = {m.person_id: m.name for m in members}
    snapshot = Snapshot(partnership.id, today, tuple(members), tuple(meetings),
                        tuple(work + promised), tuple(areas), tuple(_referrals(partnership)), tuple(flags),
                        keystone_facts(partnership.id), names)
    labels = {**meeting_labels, **task_labels, **commitment_labels, **area_labels,
              **{("health_note", n.id): f"{vocab.label(vocab.JUDGEMENT_CALLS, n.code)}, {day(n.noted_on)}"
                 for n in notes}}
    return snapshot, labels, notes


def report(partnership: Partnership, user, today: date | None = None) -> Report:
    """The partnership's health as `user` may see it."""
    snapshot, labels, notes = load_snapshot(partnership, user, today)
    health = signals.assess(snapshot)
    members = {m.person_id for m in snapshot.members}
    if not user.is_staff:  # people outside the partnership are not theirs to see
        health = signals.Health(*(tuple(_only_people(s, members) for s in group)
                                  for group in (health.signals, health.green_lights)))
    names = dict(snapshot.names)
    outside = {p for s in health.signals + health.green_lights for p in s.people} - set(names)
    if outside:  # staff only (above): e.g. people leaders referred who are not members yet
        names.update(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(outside))).all())
    return Report(health, snapshot, labels, notes, names)


def _only_people(signal, visible: set[int]):
    return signals.Signal(signal.code, signal.state, signal.figure, signal.explanation,
                          tuple(p for p in signal.people if p in visible), signal.items)


# --- the convener's judgement calls ----------------------------------------------------------

def _clean_text(text: str | None) -> str:
    # line breaks kept as typed (CR/LF as one), other control characters dropped
    text = "".join(ch for ch in (text or "").replace("\r\n", "\n").replace("\r", "\n")
                   if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if not text:
        raise NoteError("Say what you saw (a sentence is enough).")
    if len(text) > MAX_NOTE_CHARS:
        raise NoteError(f"A note is at most {MAX_NOTE_CHARS} characters.")
    return text


def record_note(partnership: Partnership, code: str, noted_on: date | None, text: str | None,
                user_id: int | None, today: date | None = None) -> HealthNote:
    """The convener records a grant game or turf trap they saw, with its date (not in the future)."""
    if code not in vocab.values(vocab.JUDGEMENT_CALLS):
        raise NoteError("Choose grant game or turf trap.", "code")
    today = today or today_for(partnership)
    noted_on = noted_on or today
    if noted_on > today:
        raise NoteError("The date it was seen cannot be in the future.", "noted_on")
    note = HealthNote(partnership_id=partnership.id, code=code, noted_on=noted_on, text=_clean_text(text),
                      created_by_id=user_id)
    db.session.add(note)
    db.session.flush()
    return note


def clear_note(note: HealthNote, cleared_on: date | None = None, today: date | None = None) -> HealthNote:
    """The convener says the flag no longer holds (from `cleared_on`, default today)."""
    today = today or today_for(note_partnership(note))
    cleared_on = cleared_on or today
    if cleared_on > today:
        raise NoteError("The date it cleared cannot be in the future.", "cleared_on")
    if cleared_on < note.noted_on:
        raise NoteError("It cannot clear before it was recorded.", "cleared_on")
    note.cleared_on = cleared_on
    db.session.flush()
    return note


def note_partnership(note: HealthNote) -> Partnership:
    return db.session.get(Partnership, note.partnership_id)
