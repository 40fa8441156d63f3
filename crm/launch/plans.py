"""Action plans per priority area (issue 14 item 5): the plan's goals, outcomes and actions,
commitments with who delivers and by when (early wins among them), progress notes, and the
partnership's plan as the rules read it (crm/launch/action_plans.py). Flush only; the request
commits. Ids from clients are resolved by the caller (crm/accounts/access.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import action_plans as rules
from crm.launch.attendance import side_of
from crm.launch.models import ActionPlan, Commitment, ProgressNote
from crm.outreach.services import launch_day
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership, Partnership, PriorityArea
from crm.timeutil import local, utcnow

GOALS = ("goal_3_months", "goal_12_months", "goal_3_years")
GOAL_LABELS = {"goal_3_months": "3-month goal", "goal_12_months": "12-month goal", "goal_3_years": "3-year goal"}


class PlanError(ValueError):
    """Input a plan cannot take; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "text"):
        super().__init__(message)
        self.field = field


class StaleVersion(Exception):
    """The row changed since the caller read it (their `version` is not the current one)."""

    def __init__(self, current: int):
        super().__init__("Someone changed this since you read it: read it again, then make your change.")
        self.current = current


def _check_version(row, expected: int | None) -> None:
    if expected is not None and expected != row.version:
        raise StaleVersion(row.version)


# --- reading --------------------------------------------------------------------------------

def plan_of(area: PriorityArea) -> ActionPlan | None:
    return db.session.scalar(select(ActionPlan).where(ActionPlan.priority_area_id == area.id))


def commitments_of(area_ids: list[int]) -> list[Commitment]:
    """The commitments of these areas, each with its owner (and their organisation), by due day."""
    if not area_ids:
        return []
    return db.session.scalars(select(Commitment).where(Commitment.priority_area_id.in_(area_ids))
                              .options(selectinload(Commitment.owner).selectinload(Person.organisation),
                                       selectinload(Commitment.notes))
                              .order_by(Commitment.due, Commitment.id)).all()


def area_notes(area_id: int) -> list[ProgressNote]:
    """The area's progress notes (its commitments' included), newest first."""
    return db.session.scalars(select(ProgressNote).where(ProgressNote.priority_area_id == area_id)
                              .order_by(ProgressNote.noted_on.desc(), ProgressNote.id.desc())).all()


def _roles(partnership_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(Membership.person_id, Membership.role).where(
        Membership.partnership_id == partnership_id)).all())


def side_of_owner(owner: Person, role: str | None) -> str | None:
    org = owner.organisation
    return side_of(org.side if org else None, role)


def promises(commitments: list[Commitment], partnership_id: int, tz: str) -> list[rules.Promise]:
    """The commitments as the rules read them (each owner's side from their organisation, or a
    community-partner role in the partnership)."""
    roles = _roles(partnership_id)
    return [rules.Promise(c.id, c.priority_area_id, c.owner_id, side_of_owner(c.owner, roles.get(c.owner_id)),
                          c.due, bool(c.early_win), c.early_win_kind, c.status,
                          local(c.done_at, tz).date() if c.done_at else None) for c in commitments]


def promises_of(partnership: Partnership) -> list[rules.Promise]:
    """Every commitment of the partnership's priority areas, as the rules read them: for the
    plan view and for the partnership's health (supply-side substitution, promised vs delivered)."""
    area_ids = [a.id for a in partnership.priority_areas]
    return promises(commitments_of(area_ids), partnership.id, partnership.timezone)


def plans_of(partnership: Partnership) -> dict[int, ActionPlan]:
    """area id -> its action plan (areas without one are absent)."""
    area_ids = [a.id for a in partnership.priority_areas]
    if not area_ids:
        return {}
    return {p.priority_area_id: p for p in db.session.scalars(
        select(ActionPlan).where(ActionPlan.priority_area_id.in_(area_ids)))}


def launch_of(partnership: Partnership) -> date | None:
    """The launch day early wins count from (the partnership's latest launch meeting)."""
    return launch_day(partnership)


# --- writing --------------------------------------------------------------------------------

def save_plan(area: PriorityArea, goals: dict[str, str | None], outcomes: list[str], actions: list[str],
              expected_version: int | None = None) -> ActionPlan:
    """Write the area's plan (made on first save): goals, measurable outcomes and actions, one a
    line (cleaned, blank lines dropped). A stale `expected_version` raises StaleVersion."""
    cleaned = {}
    for name in GOALS:
        cleaned[name] = rules.clean_line(goals.get(name))
        problem = rules.text_problems(GOAL_LABELS[name], cleaned[name])
        if problem:
            raise PlanError(problem, name)
    lists = {"outcomes": rules.clean_lines(outcomes), "actions": rules.clean_lines(actions)}
    for name, lines in lists.items():
        problem = rules.lines_problems(name, lines)
        if problem:
            raise PlanError(problem, name)
    plan = plan_of(area)
    if plan is None:
        plan = ActionPlan(priority_area_id=area.id)
        db.session.add(plan)
    else:
        _check_version(plan, expected_version)
    for name, value in cleaned.items():
        setattr(plan, name, value or None)
    plan.outcomes, plan.actions = lists["outcomes"], lists["actions"]
    db.session.flush()
    return plan


def _checked(owner: Person, text: str, due: date | None, early_win: bool, early_win_kind: str | None
             ) -> tuple[str, str | None]:
    """The commitment's text and early-win kind as saved (an early win without a kind is a
    prototype: crm.launch.action_plans.early_win_kind_of); PlanError naming the field at fault."""
    if owner.archived_at is not None or owner.merged_into_id is not None:
        raise PlanError(partnerships.NO_SUCH_PERSON, "owner_id")
    text = rules.clean_line(text)
    problem = rules.text_problems("commitment", text, required=True)
    if problem:
        raise PlanError(problem, "text")
    if due is None:
        raise PlanError("Say by when (the workbook: commitments come with a timeline).", "due")
    if early_win_kind is not None and early_win_kind not in (rules.PROTOTYPE, rules.ACTIVITY):
        raise PlanError("An early win is a prototype (or first step) or an activity.", "early_win_kind")
    if early_win_kind is not None and not early_win:
        raise PlanError("Only an early win is a prototype or an activity: tick early win, or leave the kind out.",
                        "early_win_kind")
    return text, rules.early_win_kind_of(bool(early_win), early_win_kind)


def add_commitment(area: PriorityArea, owner: Person, text: str, due: date | None, early_win: bool = False,
                   early_win_kind: str | None = None, user_id: int | None = None
                   ) -> tuple[Commitment, list[rules.Warning]]:
    """A commitment to the area by `owner`, due `due`; an early win due past the window is saved
    with its warning (the warnings are returned, never raised)."""
    text, early_win_kind = _checked(owner, text, due, early_win, early_win_kind)
    commitment = Commitment(priority_area_id=area.id, owner_id=owner.id, text=text, due=due,
                            early_win=bool(early_win), early_win_kind=early_win_kind, status=rules.OPEN,
                            created_by_id=user_id)
    db.session.add(commitment)
    db.session.flush()
    return commitment, rules.commitment_warnings(bool(early_win), early_win_kind, due, launch_of(area.partnership))


def edit_commitment(commitment: Commitment, owner: Person, text: str, due: date | None, early_win: bool,
                    early_win_kind: str | None, expected_version: int | None = None,
                    status: str | None = None) -> list[rules.Warning]:
    """Change what a commitment says: who delivers, what, by when, whether an early win and of
    which kind (checked as when it was added), and its status if given (one save: one new
    version). A stale `expected_version` raises StaleVersion; the warnings of the result are
    returned."""
    text, early_win_kind = _checked(owner, text, due, early_win, early_win_kind)
    _check_version(commitment, expected_version)
    commitment.owner_id, commitment.text, commitment.due = owner.id, text, due
    commitment.early_win, commitment.early_win_kind = bool(early_win), early_win_kind
    if status is not None:
        _set_status(commitment, status)
    db.session.flush()
    db.session.expire(commitment, ["owner"])  # read again from the new owner_id
    return warnings_of(commitment, launch_of(commitment.priority_area.partnership))


def _set_status(commitment: Commitment, status: str) -> None:
    if status not in (rules.OPEN, rules.DONE, rules.DROPPED):
        raise PlanError("A commitment is open, done or dropped.", "status")
    if status != commitment.status:
        commitment.status = status
        commitment.done_at = utcnow() if status == rules.DONE else None


def set_status(commitment: Commitment, status: str, expected_version: int | None = None) -> Commitment:
    """Mark a commitment done, dropped or open again (`done_at` is when it was marked done)."""
    _check_version(commitment, expected_version)
    _set_status(commitment, status)
    db.session.flush()
    return commitment


def add_note(area: PriorityArea, text: str, noted_on: date, commitment: Commitment | None = None,
             user_id: int | None = None) -> ProgressNote:
    """A dated progress note on the area (or on one of its commitments)."""
    if commitment is not None and commitment.priority_area_id != area.id:
        raise PlanError("That commitment is not one of this area's.", "commitment_id")
    text = rules.clean_line(text)
    problem = rules.text_problems("note", text, required=True)
    if problem:
        raise PlanError(problem, "text")
    note = ProgressNote(priority_area_id=area.id, commitment_id=commitment.id if commitment else None,
                        text=text, noted_on=noted_on, author_id=user_id)
    db.session.add(note)
    db.session.flush()
    return note


def warnings_of(commitment: Commitment, launch: date | None) -> list[rules.Warning]:
    return rules.commitment_warnings(bool(commitment.early_win), commitment.early_win_kind, commitment.due, launch)
