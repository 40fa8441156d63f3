"""The launch meeting's door: the invitee list with one tap per person present, walk-ins added
on the spot, and the room's business-led ratio (issue 14 item 1); the priority areas with their
notes and champions (items 2 and 4). Thin: parse, call
crm.launch.services, render; the htmx fragment `_door.html` is the page's list and room."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from crm.accounts.access import get_partnership_or_404, visible_person
from crm.contacts import queries
from crm.contacts.models import Person
from crm.contacts.services import ContactError
from crm.extensions import db
from crm.ids import parse_id
from crm.launch import areas as area_rules
from crm.launch import priorities, services
from crm.launch.access import get_area_or_404, get_door_meeting_or_404
from crm.launch.attendance import COMMUNITY, EMPLOYER
from crm.outreach.access import can_act_on_tasks
from crm.partnerships.models import Meeting, Membership, Partnership

bp = Blueprint("launch", __name__)

#: how many people the walk-in search offers at once
SEARCH_MATCHES = 8
#: the walk-in form's sides, for an organisation new to Convene
SIDE_CHOICES = ((EMPLOYER, "Employer"), (COMMUNITY, "Community partner"))


def _matches(meeting: Meeting, q: str):
    """Visible people named like `q` who are not already marked present."""
    if not q:
        return []
    present = {s.person_id for s, _p in services.door(meeting)[0] if s.present}
    return [p for p in queries.people_search(q, current_user, limit=SEARCH_MATCHES + len(present))
            if p.id not in present][:SEARCH_MATCHES]


def _page(meeting: Meeting, status: int = 200, walk_in: dict | None = None, error: str | None = None):
    q = (request.args.get("q") or "").strip()[:200]
    seats, room = services.door(meeting)
    return render_template("launch/attendance.html", meeting=meeting, partnership=meeting.partnership,
                           seats=seats, room=room, q=q, matches=_matches(meeting, q), walk_in=walk_in or {},
                           error=error, sides=SIDE_CHOICES), status


def _door_fragment(meeting: Meeting):
    seats, room = services.door(meeting)
    return render_template("launch/_door.html", meeting=meeting, seats=seats, room=room)


@bp.route("/meetings/<int:meeting_id>/attendance")
def attendance(meeting_id: int):
    """The door: invitees (accepted first), one tap each, walk-ins, the room's ratio."""
    return _page(get_door_meeting_or_404(meeting_id))


@bp.post("/meetings/<int:meeting_id>/attendance")
def mark(meeting_id: int):
    """Mark one person present or not (a person not invited comes in as a walk-in)."""
    meeting = get_door_meeting_or_404(meeting_id)
    person = visible_person(current_user, request.form.get("person_id"))
    present = request.form.get("present") in ("1", "true", "on")
    if person is None:
        if request.headers.get("HX-Request"):
            return _door_fragment(meeting), 400
        flash("No such person (or they are archived).", "error")
        return redirect(url_for("launch.attendance", meeting_id=meeting.id), 303)
    try:
        services.set_present(meeting, person, present, current_user.id)
    except services.AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("launch.attendance", meeting_id=meeting.id), 303)
    db.session.commit()
    if request.headers.get("HX-Request"):
        return _door_fragment(meeting)
    flash(f"{person.name}: {'present' if present else 'not present'}.", "success")
    return redirect(url_for("launch.attendance", meeting_id=meeting.id) + f"#seat-{person.id}", 303)


@bp.post("/meetings/<int:meeting_id>/walk-ins")
def walk_in(meeting_id: int):
    """A walk-in: a person picked from the matches, or someone new typed in, marked present."""
    meeting = get_door_meeting_or_404(meeting_id)
    typed = {k: (request.form.get(k) or "").strip()[:300] for k in ("name", "organisation_name", "side", "email")}
    raw = request.form.get("person_id")
    try:
        if raw:
            person = visible_person(current_user, raw) if parse_id(raw) else None
            if person is None:
                raise services.AttendanceError("No such person (or they are archived).")
            services.set_present(meeting, person, True, current_user.id)
        else:
            person = services.add_walk_in(meeting, typed["name"], typed["organisation_name"], typed["side"] or None,
                                          typed["email"] or None, current_user.id)
    except (services.AttendanceError, ContactError) as error:
        db.session.rollback()
        return _page(db.session.get(Meeting, meeting_id), 400, typed, str(error))
    db.session.commit()
    flash(f"{person.name} added as a walk-in, present.", "success")
    return redirect(url_for("launch.attendance", meeting_id=meeting.id) + f"#seat-{person.id}", 303)


@bp.route("/meetings/<int:meeting_id>/attendance/people-search")
def people_search(meeting_id: int):
    """Walk-ins as you type: visible people not yet marked present, as radio choices (a fragment;
    the page's Search button gives the same choices without JavaScript)."""
    meeting = get_door_meeting_or_404(meeting_id)
    q = (request.args.get("q") or "").strip()[:200]
    return render_template("people/_choices.html", matches=_matches(meeting, q), q=q, field_name="person_id")



# --- priority areas and champions (items 2 and 4) -------------------------------------------

def _lines(name: str) -> list[str]:
    # a line is what the textarea breaks at: not str.splitlines' vertical tab, \x1c-\x1e or \x85
    return re.split(r"\r\n|\r|\n", request.form.get(name) or "")


def _areas_page(partnership: Partnership, status: int = 200, typed: dict | None = None, error: dict | None = None):
    members = db.session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.partnership_id == partnership.id, Person.archived_at.is_(None)).order_by(Person.name_key)).all()
    areas = priorities.areas_of(partnership.id)
    return render_template("launch/areas.html", partnership=partnership, areas=areas, members=members,
                           can_act=can_act_on_tasks(current_user, partnership.id), typed=typed or {},
                           error=error or {}, is_priority=area_rules.is_priority,
                           not_a_priority=area_rules.NOT_A_PRIORITY), status


@bp.route("/partnerships/<int:partnership_id>/priority-areas")
def priority_areas(partnership_id: int):
    """The partnership's priority areas: notes, champions (the lead first), "not a priority now"."""
    return _areas_page(get_partnership_or_404(partnership_id))


@bp.post("/partnerships/<int:partnership_id>/priority-areas")
def create_priority_area(partnership_id: int):
    """A new priority area with its opportunities and requirements (one note a line)."""
    partnership = get_partnership_or_404(partnership_id)
    if not can_act_on_tasks(current_user, partnership.id):
        abort(403)
    typed = {k: (request.form.get(k) or "")[:20000] for k in ("name", "opportunities", "requirements")}
    try:
        area = priorities.create_area(partnership, typed["name"], _lines("opportunities"), _lines("requirements"))
    except priorities.AreaError as error:
        db.session.rollback()
        return _areas_page(db.session.get(Partnership, partnership_id), 400, typed, {error.field: str(error)})
    db.session.commit()
    flash(f"{area.name} added: put champions' names on it, or it is not a priority now.", "success")
    return redirect(url_for("launch.priority_areas", partnership_id=partnership.id) + f"#area-{area.id}", 303)


@bp.post("/priority-areas/<int:area_id>/champions")
def add_champion(area_id: int):
    """Someone puts their name on an area (as its lead, if ticked: the old lead stays a champion)."""
    area = get_area_or_404(area_id)
    back = url_for("launch.priority_areas", partnership_id=area.partnership_id) + f"#area-{area.id}"
    person = visible_person(current_user, request.form.get("person_id"))
    if person is None:
        flash("Choose who puts their name on the area.", "error")
        return redirect(back, 303)
    lead = request.form.get("lead") in ("yes", "on", "true", "1")
    try:
        priorities.add_champion(area, person, lead, current_user.id)
    except priorities.AreaError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back, 303)
    db.session.commit()
    flash(f"{person.name} champions {area.name}{' as its lead' if lead else ''}.", "success")
    return redirect(back, 303)
