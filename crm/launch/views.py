"""The launch meeting's door: the invitee list with one tap per person present, walk-ins added
on the spot, and the room's business-led ratio (issue 14 item 1); the priority areas with their
notes and champions (items 2 and 4); each area's champion call, recorded (item 4). Thin: parse, call
crm.launch.services, render; the htmx fragment `_door.html` is the page's list and room."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.accounts.access import get_partnership_or_404, visible_person
from crm.contacts import queries
from crm.contacts.models import Person
from crm.contacts.services import ContactError
from crm.extensions import db
from crm.ids import parse_id, parse_ids
from crm.launch import areas as area_rules
from crm.launch import champion_calls, priorities, services
from crm.launch.access import get_area_or_404, get_door_meeting_or_404
from crm.launch.attendance import COMMUNITY, EMPLOYER
from crm.launch.forms import ChampionCallForm
from crm.outreach import services as outreach
from crm.outreach.access import can_act_on_tasks
from crm.partnerships import services as partnerships
from crm.partnerships.models import Meeting, Membership, Partnership, PriorityArea
from crm.timeutil import local, utcnow, zone

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
                           not_a_priority=area_rules.NOT_A_PRIORITY,
                           area_warnings=champion_calls.area_warnings), status


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


# --- the champion call of a priority area (item 4) ------------------------------------------

def _call_form(area: PriorityArea, meeting: Meeting | None) -> ChampionCallForm:
    tz = area.partnership.timezone
    if meeting is None:
        return ChampionCallForm(formdata=None, data={"starts_at": local(utcnow(), tz).replace(minute=0, second=0,
                                                                                         microsecond=0, tzinfo=None)})
    return ChampionCallForm(formdata=None, data={
        "starts_at": local(meeting.starts_at, tz).replace(tzinfo=None),
        "ends_at": local(meeting.ends_at, tz).replace(tzinfo=None) if meeting.ends_at else None,
        "notes": meeting.notes, "next_steps": meeting.next_steps})


def _call_page(area: PriorityArea, form: ChampionCallForm | None = None, ticked: set | None = None,
               status: int = 200):
    partnership = area.partnership
    meeting = champion_calls.call_of(area)
    listed = champion_calls.call_list(area, meeting)
    if ticked is None:  # a new call: the employer champions ticked; a recorded one: who was on it
        ticked = {p.id for p, on, employer in listed if on or (meeting is None and employer)}
    on_list = {p.id for p, _on, _employer in listed}
    members = db.session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.partnership_id == partnership.id, Person.archived_at.is_(None))
        .options(selectinload(Person.organisation)).order_by(Person.name_key)).all()
    others = sorted((p for p in members if p.id not in on_list), key=lambda p: champion_calls.side_of(p) != EMPLOYER)
    return render_template("launch/champion_call.html", area=area, partnership=partnership, meeting=meeting,
                           form=form or _call_form(area, meeting), listed=listed, ticked=ticked, others=others,
                           left_off=[c.person for c in area.champions if champion_calls.side_of(c.person) != EMPLOYER],
                           area_warnings=champion_calls.area_warnings(area),
                           call_warnings=outreach.meeting_warnings(meeting) if meeting else []), status


@bp.route("/priority-areas/<int:area_id>/call")
def champion_call(area_id: int):
    """The area's champion call: record it (when, who was on it, notes, next steps) or edit it."""
    return _call_page(get_area_or_404(area_id))


@bp.post("/priority-areas/<int:area_id>/call")
def record_champion_call(area_id: int):
    """Save the champion call as a meeting of the area (who was on it through the door's
    attendance); the plan's champion-call step closes as done."""
    area = get_area_or_404(area_id)
    form = ChampionCallForm()
    ids = parse_ids(request.form.getlist("person_id"), limit=200)
    joined = (request.form.get("joined_id") or "").strip()
    ticked = set(ids)
    if not form.validate_on_submit():
        return _call_page(area, form, ticked, 400)
    tz = area.partnership.timezone
    try:
        people = [visible_person(current_user, pid) for pid in ids]
        if joined:
            people.append(visible_person(current_user, joined) if parse_id(joined) else None)
        if any(p is None for p in people):
            raise champion_calls.CallError(partnerships.NO_SUCH_PERSON, "person_id")
        meeting = champion_calls.record_call(
            area, form.starts_at.data.replace(tzinfo=zone(tz)), people, form.notes.data, form.next_steps.data,
            form.ends_at.data.replace(tzinfo=zone(tz)) if form.ends_at.data else None, current_user.id)
    except (champion_calls.CallError, services.AttendanceError) as error:
        db.session.rollback()
        area = db.session.get(PriorityArea, area_id)
        field = getattr(form, getattr(error, "field", ""), None)
        if field is not None:
            field.errors = [*field.errors, str(error)]
        else:
            flash(str(error), "error")
        return _call_page(area, form, ticked, 400)
    db.session.commit()
    flash(f"Champion call for {area.name} recorded; its step is done.", "success")
    for warning in outreach.meeting_warnings(meeting):
        flash(warning.message, "warning")
    return redirect(url_for("launch.champion_call", area_id=area.id), 303)
