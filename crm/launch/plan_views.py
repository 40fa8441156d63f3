"""Action plans per priority area (issue 14 item 5): the area's plan page (goals, outcomes,
actions, commitments with early wins, progress notes) and the partnership's plan view (what was
promised, by whom, what is done, what is late). Thin: parse, call crm.launch.plans, render.
Anyone who sees the partnership reads them; its staff and chairs write."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import Conflict

from crm import vocab
from crm.accounts.access import get_partnership_or_404, visible_person, visible_priority_area
from crm.contacts.models import Person
from crm.extensions import db
from crm.ids import parse_id
from crm.launch import action_plans as rules
from crm.launch import areas as area_rules
from crm.launch import plans, priorities
from crm.launch.access import get_area_or_404, get_commitment_or_404
from crm.launch.models import Commitment
from crm.outreach.access import can_act_on_tasks
from crm.outreach.services import today_for
from crm.partnerships.models import Membership, Partnership, PriorityArea
from crm.timeutil import check_date_range

bp = Blueprint("plans", __name__)

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(raw: str | None) -> date | None:
    """A typed YYYY-MM-DD within the typed-date range; ValueError with the message otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError
        return check_date_range(date.fromisoformat(raw))
    except ValueError as error:
        raise plans.PlanError(str(error) or "Type a date as YYYY-MM-DD.", "due") from None


def _members(partnership_id: int) -> list[Person]:
    """Who may be named as a commitment's owner on the page: the partnership's members."""
    return db.session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.partnership_id == partnership_id, Person.archived_at.is_(None), Person.merged_into_id.is_(None))
        .options(selectinload(Person.organisation)).order_by(Person.name_key)).all()


def _lines(name: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", request.form.get(name) or "")


def _area_page(area: PriorityArea, status: int = 200, typed: dict | None = None, error: dict | None = None,
               editing: dict | None = None):
    partnership = area.partnership
    commitments = plans.commitments_of([area.id])
    promises = plans.promises(commitments, partnership.id, partnership.timezone)
    today, launch = today_for(partnership), plans.launch_of(partnership)
    standing = {p.id: rules.standing(p, today) for p in promises}
    side = {p.id: p.side for p in promises}
    return render_template(
        "launch/action_plan.html", area=area, partnership=partnership, plan=plans.plan_of(area),
        commitments=commitments, standing=standing, side=side, notes=plans.area_notes(area.id),
        warnings=rules.area_warnings(promises, launch, today) if area_rules.is_priority(area.champions) else [],
        launch=launch, is_priority=area_rules.is_priority(area.champions), not_a_priority=area_rules.NOT_A_PRIORITY,
        deadline=rules.early_win_deadline(launch), members=_members(partnership.id), today=today,
        can_act=can_act_on_tasks(current_user, partnership.id), typed=typed or {}, error=error or {},
        goals=plans.GOAL_LABELS, kinds=vocab.EARLY_WIN_KINDS, editing=editing or {},
        commitment_warnings={c.id: plans.warnings_of(c, launch) for c in commitments}), status


def _lost_race(stale: plans.StaleVersion):
    """409: the house's conflict page with what was typed, carrying the version saved now, so
    "Save again" applies it over the other person's change instead of losing the race again."""
    conflict = Conflict()
    conflict.current_version = stale.current
    raise conflict


def _back(area: PriorityArea, anchor: str = "") -> str:
    return url_for("plans.area_plan", area_id=area.id) + anchor


@bp.route("/priority-areas/<int:area_id>/plan")
def area_plan(area_id: int):
    """A priority area's action plan: goals, outcomes, actions, commitments, early wins, notes."""
    area = visible_priority_area(current_user, area_id) or abort(404)
    return _area_page(area)


@bp.post("/priority-areas/<int:area_id>/plan")
def save_plan(area_id: int):
    """Save the plan's goals (3 months, 12 months, 3 years), outcomes and actions (one a line)."""
    area = get_area_or_404(area_id)
    typed = {k: (request.form.get(k) or "")[:20000] for k in (*plans.GOALS, "outcomes", "actions")}
    version = parse_id(request.form.get("version"))
    try:
        plans.save_plan(area, {g: typed[g] for g in plans.GOALS}, _lines("outcomes"), _lines("actions"), version)
    except plans.StaleVersion as stale:
        db.session.rollback()
        _lost_race(stale)
    except plans.PlanError as error:
        db.session.rollback()
        return _area_page(db.session.get(PriorityArea, area_id), 400, typed, {error.field: str(error)})
    db.session.commit()
    flash(f"The plan of {area.name} is saved.", "success")
    return redirect(_back(area, "#plan"), 303)


@bp.post("/priority-areas/<int:area_id>/commitments")
def add_commitment(area_id: int):
    """A commitment: who delivers, what, by when; an early win (a prototype or an activity)."""
    area = get_area_or_404(area_id)
    typed = {k: (request.form.get(k) or "")[:20000] for k in ("owner_id", "text", "due", "early_win",
                                                               "early_win_kind")}
    early = typed["early_win"] in ("1", "on", "yes", "true")
    kind = typed["early_win_kind"] if early and typed["early_win_kind"] in vocab.values(vocab.EARLY_WIN_KINDS) \
        else None
    try:
        owner = visible_person(current_user, typed["owner_id"])
        if owner is None:
            raise plans.PlanError("Choose who delivers it.", "owner_id")
        commitment, said = plans.add_commitment(area, owner, typed["text"], _day(typed["due"]), early, kind,
                                                current_user.id)
    except plans.PlanError as error:
        db.session.rollback()
        return _area_page(db.session.get(PriorityArea, area_id), 400, typed, {error.field: str(error)})
    db.session.commit()
    flash(f"{owner.name} commits to: {commitment.text}.", "success")
    for warning in said:
        flash(warning.message, "info")
    return redirect(_back(area, f"#commitment-{commitment.id}"), 303)


@bp.post("/commitments/<int:commitment_id>/status")
def set_status(commitment_id: int):
    """Mark a commitment done or dropped (or open again); a stale version answers 409."""
    commitment = get_commitment_or_404(commitment_id)
    area = commitment.priority_area
    status = request.form.get("status")
    try:
        plans.set_status(commitment, status, parse_id(request.form.get("version")))
    except plans.StaleVersion as stale:
        db.session.rollback()
        _lost_race(stale)
    except plans.PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_back(area, f"#commitment-{commitment_id}"), 303)
    db.session.commit()
    flash(f"{commitment.text}: {vocab.label(vocab.COMMITMENT_STATUSES, status).lower()}.", "success")
    return redirect(_back(area, f"#commitment-{commitment_id}"), 303)


EDITED = ("owner_id", "text", "due", "early_win", "early_win_kind")


@bp.post("/commitments/<int:commitment_id>/edit")
def edit_commitment(commitment_id: int):
    """Change a commitment's owner, text, due day, early win and kind; a stale version answers
    409 with the page again, what was typed kept in the form, over the version saved now."""
    commitment = get_commitment_or_404(commitment_id)
    area_id = commitment.priority_area_id
    typed = {k: (request.form.get(k) or "")[:20000] for k in EDITED}
    early = typed["early_win"] in ("1", "on", "yes", "true")
    kind = typed["early_win_kind"] if early and typed["early_win_kind"] in vocab.values(vocab.EARLY_WIN_KINDS) \
        else None
    try:
        owner = visible_person(current_user, typed["owner_id"])
        if owner is None:
            raise plans.PlanError("Choose who delivers it.", "owner_id")
        said = plans.edit_commitment(commitment, owner, typed["text"], _day(typed["due"]), early, kind,
                                     parse_id(request.form.get("version")))
    except plans.StaleVersion as stale:
        db.session.rollback()
        message = (f"{stale} It now reads as shown above; what you typed is below: save again to apply it "
                   "over their version.")
        return _area_page(db.session.get(PriorityArea, area_id), 409,
                          editing={"id": commitment_id, "typed": typed, "error": {"version": message}})
    except plans.PlanError as error:
        db.session.rollback()
        return _area_page(db.session.get(PriorityArea, area_id), 400,
                          editing={"id": commitment_id, "typed": typed, "error": {error.field: str(error)}})
    db.session.commit()
    flash(f"Saved: {owner.name} commits to: {commitment.text}.", "success")
    for warning in said:
        flash(warning.message, "info")
    return redirect(_back(commitment.priority_area, f"#commitment-{commitment_id}"), 303)


def _note(area: PriorityArea, commitment: Commitment | None):
    typed = {"note": (request.form.get("note") or "")[:20000], "noted_on": (request.form.get("noted_on") or "")[:40]}
    try:
        day = _day(typed["noted_on"]) or today_for(area.partnership)
        plans.add_note(area, typed["note"], day, commitment, current_user.id)
    except plans.PlanError as error:
        db.session.rollback()
        field = "noted_on" if error.field == "due" else "note"
        return _area_page(db.session.get(PriorityArea, area.id), 400,
                          {**typed, "note_for": commitment.id if commitment else None}, {field: str(error)})
    db.session.commit()
    flash("Progress noted.", "success")
    return redirect(_back(area, f"#commitment-{commitment.id}" if commitment else "#progress"), 303)


@bp.post("/priority-areas/<int:area_id>/progress-notes")
def add_area_note(area_id: int):
    """A dated progress note on the area."""
    return _note(get_area_or_404(area_id), None)


@bp.post("/commitments/<int:commitment_id>/progress-notes")
def add_commitment_note(commitment_id: int):
    """A dated progress note on one commitment."""
    commitment = get_commitment_or_404(commitment_id)
    return _note(commitment.priority_area, commitment)


@bp.route("/partnerships/<int:partnership_id>/plan")
def partnership_plan(partnership_id: int):
    """The partnership's plan: what was promised, by whom (employer or partner), what is done,
    what is late, the early wins; per area and in all."""
    partnership: Partnership = get_partnership_or_404(partnership_id)
    areas = priorities.areas_of(partnership.id)  # with their champions: is each a priority now?
    commitments = plans.commitments_of([a.id for a in areas])
    promises = plans.promises(commitments, partnership.id, partnership.timezone)
    today, launch = today_for(partnership), plans.launch_of(partnership)
    standing = {p.id: rules.standing(p, today) for p in promises}
    by_area: dict[int, list] = {a.id: [] for a in areas}
    for c in commitments:
        by_area[c.priority_area_id].append(c)
    return render_template(
        "launch/partnership_plan.html", partnership=partnership, areas=areas, by_area=by_area,
        plans=plans.plans_of(partnership), sides=rules.by_side(promises, today),
        standing=standing, side={p.id: p.side for p in promises},
        # an area nobody championed is not a priority now (section C): no early win is asked of it
        warnings={a.id: rules.area_warnings([p for p in promises if p.area_id == a.id], launch, today)
                  if area_rules.is_priority(a.champions) else [] for a in areas},
        is_priority=area_rules.is_priority, not_a_priority=area_rules.NOT_A_PRIORITY,
        late=[c for c in commitments if standing[c.id] == "late"],
        launch=launch, deadline=rules.early_win_deadline(launch), today=today)
