"""The launch meeting's door: the invitee list with one tap per person present, walk-ins added
on the spot, and the room's business-led ratio (issue 14 item 1). Thin: parse, call
crm.launch.services, render; the htmx fragment `_door.html` is the page's list and room."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.accounts.access import visible_person
from crm.contacts import queries
from crm.contacts.services import ContactError
from crm.extensions import db
from crm.ids import parse_id
from crm.launch import services
from crm.launch.attendance import COMMUNITY, EMPLOYER
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404
from crm.partnerships.models import Meeting

bp = Blueprint("launch", __name__)

#: how many people the walk-in search offers at once
SEARCH_MATCHES = 8
#: the walk-in form's sides, for an organisation new to Convene
SIDE_CHOICES = ((EMPLOYER, "Employer"), (COMMUNITY, "Community partner"))


def _door_meeting(meeting_id: int) -> Meeting:
    """The meeting, if the user may take its attendance (staff of its partnership, its chairs)."""
    meeting = get_meeting_or_404(meeting_id)
    if not can_act_on_tasks(current_user, meeting.partnership_id):
        abort(403)
    return meeting


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
    return _page(_door_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/attendance")
def mark(meeting_id: int):
    """Mark one person present or not (a person not invited comes in as a walk-in)."""
    meeting = _door_meeting(meeting_id)
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
    meeting = _door_meeting(meeting_id)
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
    meeting = _door_meeting(meeting_id)
    q = (request.args.get("q") or "").strip()[:200]
    return render_template("people/_choices.html", matches=_matches(meeting, q), q=q, field_name="person_id")

