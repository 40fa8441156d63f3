"""The outreach plan of a launch meeting, derived from the partnership's state, and the one
idempotent step that brings the saved tasks in line with it. Pure: plain data in, plain data
out (no Flask, no SQLAlchemy); `crm.outreach.reconcile` loads the state, calls `reconcile`,
saves.

The workbook (section B, "Make the right ask and follow up"): the chairs decide who is asked
and by whom, and "the best ask is employer-to-employer". So an ask's owner is, in order: the
asker the chairs' newest decision named ("I'll ask", "assign to X"); else the asker the warm
intro paths propose (only a proposal: it fills an empty owner, never replaces one). Every
step is keyed by (kind, person, priority area) through `timeline.Step.key`; reconciling the
same state twice changes nothing, and any sequence of edits ends where building the plan from
scratch would (tests/unit/test_plan.py checks that with hypothesis).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from crm import vocab
from crm.outreach import timeline
from crm.rules import TIMELINE, TimelineOffsets

#: an ask is wanted for members at these stages (approved, an asker named or not yet)...
ASK_STAGES = ("approved", "ask_assigned")
#: ... and the follow-up call also once they were asked and have not answered.
FOLLOW_UP_STAGES = (*ASK_STAGES, "asked")
#: stages past the ask: an open ask or follow-up of someone here is closed as done.
PAST_ASK_STAGES = ("asked", "accepted", "attended", "champion")

#: who decided a step's owner: the chairs (always followed), the intro paths (a proposal: fills
#: an empty owner only; None: nobody to propose) or the partnership's roles (chairs, convener,
#: lead champion: followed unless someone assigned the task by hand).
DECISION, PROPOSAL, ROLE = "decision", "proposal", "role"

#: Why a non-employer asking an employer needs a reason (one message for every path).
ASKER_REASON_MESSAGE = ("The workbook's best ask is employer-to-employer, civic entrepreneur to civic "
                        "entrepreneur (section B, \"Make the right ask and follow up\"): say why a "
                        "community partner or convener makes this ask.")


def needs_reason(target_is_employer: bool, asker_is_employer: bool) -> bool:
    """An employer asked by someone who is not an employer breaks the workbook's rule (section B)."""
    return target_is_employer and not asker_is_employer


@dataclass(frozen=True)
class Member:
    """A membership as the plan needs it: stage, role, and (not now) the reason given."""

    person_id: int
    stage: str
    role: str = "member"
    reason: str | None = None


@dataclass(frozen=True)
class Asker:
    """Who the chairs decided should ask (and why, when the asker is not an employer)."""

    person_id: int
    reason: str | None = None


@dataclass(frozen=True)
class State:
    """Everything the plan of one launch meeting derives from."""

    meeting_day: date
    members: tuple[Member, ...] = ()
    #: person -> the asker named by the newest decision that named one.
    decided: Mapping[int, Asker] = field(default_factory=dict)
    #: person -> the asker the intro paths propose (only where nobody decided).
    proposed: Mapping[int, int] = field(default_factory=dict)
    chair_ids: tuple[int, ...] = ()
    convener_id: int | None = None
    #: (priority area id, lead champion person id or None)
    priority_areas: tuple[tuple[int, int | None], ...] = ()
    attendee_ids: tuple[int, ...] = ()
    #: people someone already asks with an ask task made by hand: the plan adds no second ask.
    asked_by_hand: frozenset[int] = frozenset()
    #: invited and not present once the launch is over (crm.launch.attendance).
    no_show_ids: tuple[int, ...] = ()
    #: steps already done elsewhere, key -> what did them (a champion call recorded for its
    #: area, the second meeting set): the plan no longer wants them, and closes an open one as
    #: done with that reason (reopened if the call or meeting goes away).
    fulfilled: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Wanted:
    """One step of the plan: the timeline's step, who decided its owner, the asker's reason."""

    step: timeline.Step
    source: str | None
    asker_reason: str | None = None

    @property
    def key(self) -> str:
        return self.step.key


def wanted(state: State, offsets: TimelineOffsets = TIMELINE) -> dict[str, Wanted]:
    """The plan: every step the state calls for, by key."""
    invitees, sources, reasons = [], {}, {}
    for m in sorted(state.members, key=lambda m: m.person_id):
        if m.stage not in FOLLOW_UP_STAGES:
            continue
        asker, source = None, None
        if m.person_id in state.decided:
            decided = state.decided[m.person_id]
            asker, source, reasons[m.person_id] = decided.person_id, DECISION, decided.reason
        elif m.person_id in state.proposed:
            asker, source = state.proposed[m.person_id], PROPOSAL
        invitees.append(timeline.Invitee(m.person_id, asker, ask=m.stage in ASK_STAGES
                                         and m.person_id not in state.asked_by_hand))
        sources[m.person_id] = source
    plan = timeline.MeetingPlan(state.meeting_day, tuple(invitees), state.chair_ids, state.convener_id,
                                state.priority_areas, state.attendee_ids, state.no_show_ids)
    askers = {i.person_id: i.asker_id for i in invitees}
    out = {}
    for step in timeline.generate(plan, offsets):
        if step.key in state.fulfilled:
            continue
        source, reason = ROLE, None
        if step.kind in ("ask", "follow_up_call"):
            asker = askers[step.person_id]
            if asker is not None:
                source = sources[step.person_id]
                reason = reasons.get(step.person_id) if step.kind == "ask" else None
            elif step.kind == "ask":
                source = None  # nobody decided, nobody to propose (the follow-up: the convener)
        out[step.key] = Wanted(step, source, reason)
    return out


@dataclass(frozen=True)
class Saved:
    """A saved step of the meeting, as reconciling needs it."""

    key: str
    status: str
    due: date
    owner_id: int | None
    created_on: date
    #: the owner was assigned by hand (kept against the roles, not against the chairs' decision)
    pinned: bool = False
    #: closed by the plan (not by a person): reopened when wanted again.
    closed_by_plan: bool = False
    asker_reason: str | None = None


@dataclass
class Changes:
    """What to do to the saved steps: create, update fields of open ones, close, reopen."""

    create: list[tuple[Wanted, date]] = field(default_factory=list)
    update: dict[str, dict] = field(default_factory=dict)
    close: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (status, reason)
    reopen: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.create or self.update or self.close or self.reopen)


def due_of(planned: date, created_on: date) -> date:
    """A step is due on the timeline's day, or the day it was created when that day had passed
    (asked at once, flagged short notice)."""
    return max(planned, created_on)


def _owner(want: Wanted, saved: Saved) -> int | None:
    if want.source == DECISION or (want.source == ROLE and not saved.pinned):
        return want.step.owner_id
    # a proposal (or nobody to propose) fills an empty owner and never replaces one; a
    # hand-picked owner stays against the roles
    return saved.owner_id if saved.owner_id is not None else want.step.owner_id


def reconcile(saved: Iterable[Saved], plan: Mapping[str, Wanted], today: date,
              members: Mapping[int, Member] | None = None, fulfilled: Mapping[str, str] | None = None) -> Changes:
    """Bring the saved steps in line with the plan; idempotent. Open steps get the plan's due
    day and owner; steps the plan no longer wants close with the reason; steps it closed come
    back when wanted again; done, skipped or cancelled by a person stay as they are; nothing
    is created twice. An open step `fulfilled` names closes as done."""
    members, fulfilled = members or {}, fulfilled or {}
    saved = {s.key: s for s in saved}
    changes = Changes()
    for key, want in plan.items():
        s = saved.get(key)
        if s is None:
            changes.create.append((want, due_of(want.step.due, today)))
            continue
        if s.status != "open" and not s.closed_by_plan:
            continue
        if s.status != "open":
            changes.reopen.add(key)
        fields = {}
        due = due_of(want.step.due, s.created_on)
        if due != s.due:
            fields["due"] = due
        owner = _owner(want, s)
        if owner != s.owner_id:
            fields["owner_id"] = owner
        reason = want.asker_reason if owner == want.step.owner_id else s.asker_reason
        if want.step.kind == "ask" and reason != s.asker_reason:
            fields["asker_reason"] = reason
        if fields:
            changes.update[key] = fields
    for key, s in saved.items():
        if key not in plan and s.status == "open":
            changes.close[key] = ("done", fulfilled[key]) if key in fulfilled else closing(key, members)
    return changes


def closing(key: str, members: Mapping[int, Member]) -> tuple[str, str]:
    """(status, reason) for an open step the plan no longer wants."""
    kind, _, rest = key.partition(":")
    if kind == "champion_call":
        return "cancelled", "The priority area is gone."
    if not rest:
        return "cancelled", "No longer in the plan."
    person_id = int(rest)
    member = members.get(person_id)
    if member is None:
        return "cancelled", "Removed from the partnership."
    if kind == "recruit_one_more":
        return "cancelled", "No longer marked as attending."
    if kind == "reconnect":
        return "cancelled", "Marked present after all."
    label = vocab.label(vocab.STAGES, member.stage)
    if member.stage in PAST_ASK_STAGES:
        return "done", f"Now {label}."
    return "cancelled", f"{label}: {member.reason}." if member.reason else f"Now {label}."


def apply(saved: Mapping[str, Saved], changes: Changes, today: date) -> dict[str, Saved]:
    """The saved steps after the changes (what the service does to the rows, as plain data)."""
    out = dict(saved)
    for want, due in changes.create:
        out[want.key] = Saved(want.key, "open", due, want.step.owner_id, today,
                              asker_reason=want.asker_reason)
    for key in changes.reopen:
        out[key] = replace(out[key], status="open", closed_by_plan=False)
    for key, fields in changes.update.items():
        out[key] = replace(out[key], **fields)
    for key, (status, _reason) in changes.close.items():
        out[key] = replace(out[key], status=status, closed_by_plan=True)
    return out
