"""The launch's commitments wall in the browser (issue 14 item 2): notes captured first, then
clustered into 4-5 areas by drag-and-drop (static/js/wall.js) or by each note's pick control (a
select and a button: no JavaScript needed, thumb-sized), areas created and renamed on the wall,
champions' names put on and taken off, and the peers attendees name (referrals). Thin: parse,
resolve ids, call crm.launch.wall / priorities / referrals, render. Every change answers the
`_wall.html` fragment to htmx, and a redirect (or the page with what was typed, on an error)
without it."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from crm.accounts.access import visible_person, visible_priority_area, visible_priority_note
from crm.contacts.models import Person
from crm.extensions import db
from crm.launch import areas as area_rules
from crm.launch import priorities, referrals, wall
from crm.launch.access import get_door_meeting_or_404
from crm.launch.attendance import COMMUNITY, EMPLOYER
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404
from crm.partnerships.models import Meeting, Membership, PriorityArea, PriorityNote

bp = Blueprint("wall", __name__)

#: the referral form's sides, for an organisation new to Convene
SIDE_CHOICES = ((EMPLOYER, "Employer"), (COMMUNITY, "Community partner"))
#: the longest text a wall form keeps (what was typed is shown back on an error)
MAX_TYPED = 20000


def _members(meeting: Meeting, present: set[int]) -> tuple[list[Person], list[Person]]:
    """The partnership's people who may put their name on an area: those in the room first."""
    people = db.session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.partnership_id == meeting.partnership_id, Person.archived_at.is_(None))
        .order_by(Person.name_key)).all()
    return [p for p in people if p.id in present], [p for p in people if p.id not in present]


def _context(meeting: Meeting, typed: dict | None = None, error: dict | None = None, said: str | None = None,
             focus: str | None = None) -> dict:
    areas = priorities.areas_of(meeting.partnership_id)
    notes = wall.notes_of(meeting.partnership_id)
    unsorted = wall.unsorted(notes)
    present = referrals.present_ids(meeting)
    in_room, others = _members(meeting, present)
    return dict(meeting=meeting, partnership=meeting.partnership, areas=areas, unsorted=unsorted,
                in_room=in_room, others=others, referrals=referrals.referrals_at(meeting),
                can_act=can_act_on_tasks(current_user, meeting.partnership_id), typed=typed or {},
                error=error or {}, said=said, focus=focus, sides=SIDE_CHOICES,
                hint=area_rules.wall_hint(len(areas), len(unsorted)), is_priority=area_rules.is_priority,
                not_a_priority=area_rules.NOT_A_PRIORITY)


def _answer(meeting: Meeting, said: str | None = None, anchor: str = "", *, typed: dict | None = None,
            error: dict | None = None, focus: str | None = None):
    """The wall after a change: the fragment to htmx (400 with the message on an error); without
    htmx a redirect to the page (the page itself, 400, with what was typed, on an error)."""
    status = 400 if error else 200
    if request.headers.get("HX-Request"):
        return render_template("launch/_wall.html", **_context(meeting, typed, error, said, focus)), status
    if error:
        return render_template("launch/wall.html", **_context(meeting, typed, error)), status
    flash(said, "success")
    return redirect(url_for("wall.page", meeting_id=meeting.id) + anchor, 303)


def _refused(meeting_id: int, error: dict, typed: dict | None = None):
    db.session.rollback()
    return _answer(db.session.get(Meeting, meeting_id), typed=typed, error=error)


def _note_or_404(meeting: Meeting, note_id: int) -> PriorityNote:
    note = visible_priority_note(current_user, note_id)
    if note is None or note.partnership_id != meeting.partnership_id:
        abort(404)
    return note


def _area_or_404(meeting: Meeting, area_id: int) -> PriorityArea:
    area = visible_priority_area(current_user, area_id)
    if area is None or area.partnership_id != meeting.partnership_id:
        abort(404)
    return area


def _picked_area(meeting: Meeting) -> tuple[bool, PriorityArea | None]:
    """(understood, the area) a form's priority_area_id names: empty is the unsorted pile; an
    area of another partnership, missing or invisible, is not understood (one answer for all)."""
    raw = (request.form.get("priority_area_id") or "").strip()
    if not raw:
        return True, None
    area = visible_priority_area(current_user, raw)
    if area is None or area.partnership_id != meeting.partnership_id:
        return False, None
    return True, area


@bp.route("/meetings/<int:meeting_id>/wall")
def page(meeting_id: int):
    """The wall: notes to sort, the areas with their notes and champions, the referrals."""
    meeting = get_meeting_or_404(meeting_id)
    return render_template("launch/wall.html", **_context(meeting))


@bp.post("/meetings/<int:meeting_id>/wall/notes")
def add_notes(meeting_id: int):
    """Notes on the wall (one a line), unsorted, or straight into the area picked."""
    meeting = get_door_meeting_or_404(meeting_id)
    typed = {"text": (request.form.get("text") or "")[:MAX_TYPED], "kind": request.form.get("kind") or ""}
    understood, area = _picked_area(meeting)
    if not understood:
        return _refused(meeting_id, {"text": "No such priority area."}, typed)
    try:
        added = wall.add_notes(meeting.partnership, typed["kind"], re.split(r"\r\n|\r|\n", typed["text"]),
                               meeting, area)
    except priorities.AreaError as error:
        return _refused(meeting_id, {"text": str(error)}, typed)
    db.session.commit()
    said = (f"{len(added)} note{'s' if len(added) != 1 else ''} on the wall." if added
            else "Already on the wall.")
    return _answer(meeting, said, "#capture", focus="text")


@bp.post("/meetings/<int:meeting_id>/wall/notes/<int:note_id>/area")
def move_note(meeting_id: int, note_id: int):
    """Put a note in an area (or back among those to sort): the pick control, and what a drop does."""
    meeting = get_door_meeting_or_404(meeting_id)
    note = _note_or_404(meeting, note_id)
    understood, area = _picked_area(meeting)
    if not understood:
        return _refused(meeting_id, {"wall": "No such priority area."})
    wall.move_note(note, area)
    db.session.commit()
    return _answer(meeting, f"“{note.text}” → {area.name if area else 'to sort'}.", f"#note-{note.id}")


@bp.post("/meetings/<int:meeting_id>/wall/notes/<int:note_id>/delete")
def remove_note(meeting_id: int, note_id: int):
    """Take a note off the wall."""
    meeting = get_door_meeting_or_404(meeting_id)
    note = _note_or_404(meeting, note_id)
    text = note.text
    wall.remove_note(note)
    db.session.commit()
    return _answer(meeting, f"“{text}” taken off the wall.")


@bp.post("/meetings/<int:meeting_id>/wall/areas")
def add_area(meeting_id: int):
    """A new strategy area on the wall (not a priority until someone puts their name on it)."""
    meeting = get_door_meeting_or_404(meeting_id)
    typed = {"area_name": (request.form.get("name") or "")[:MAX_TYPED]}
    try:
        area = priorities.create_area(meeting.partnership, typed["area_name"])
    except priorities.AreaError as error:
        return _refused(meeting_id, {"area_name": str(error)}, typed)
    db.session.commit()
    return _answer(meeting, f"{area.name} added: move notes into it, and put champions' names on it.",
                   f"#area-{area.id}")


@bp.post("/meetings/<int:meeting_id>/wall/areas/<int:area_id>/name")
def rename_area(meeting_id: int, area_id: int):
    """A new name for an area."""
    meeting = get_door_meeting_or_404(meeting_id)
    area = _area_or_404(meeting, area_id)
    typed = {f"name-{area.id}": (request.form.get("name") or "")[:MAX_TYPED]}
    try:
        wall.rename_area(area, typed[f"name-{area.id}"])
    except priorities.AreaError as error:
        return _refused(meeting_id, {f"area-{area_id}": str(error)}, typed)
    db.session.commit()
    return _answer(meeting, f"Renamed {area.name}.", f"#area-{area.id}")


@bp.post("/meetings/<int:meeting_id>/wall/areas/<int:area_id>/champions")
def add_champion(meeting_id: int, area_id: int):
    """Someone puts their name on an area (its lead, if ticked: the old lead stays a champion)."""
    meeting = get_door_meeting_or_404(meeting_id)
    area = _area_or_404(meeting, area_id)
    person = visible_person(current_user, request.form.get("person_id"))
    if person is None:
        return _refused(meeting_id, {f"area-{area_id}": "Choose who puts their name on the area."})
    lead = request.form.get("lead") in ("yes", "on", "true", "1")
    try:
        priorities.add_champion(area, person, lead, current_user.id)
    except priorities.AreaError as error:
        return _refused(meeting_id, {f"area-{area_id}": str(error)})
    db.session.commit()
    return _answer(meeting, f"{person.name} champions {area.name}{' as its lead' if lead else ''}.",
                   f"#area-{area.id}")


@bp.post("/meetings/<int:meeting_id>/wall/areas/<int:area_id>/champions/<int:person_id>/delete")
def remove_champion(meeting_id: int, area_id: int, person_id: int):
    """Someone takes their name off an area (a lead leaving leaves it without a lead)."""
    meeting = get_door_meeting_or_404(meeting_id)
    area = _area_or_404(meeting, area_id)
    person = visible_person(current_user, person_id)
    if person is None:
        abort(404)
    try:
        wall.remove_champion(area, person.id)
    except priorities.AreaError as error:
        return _refused(meeting_id, {f"area-{area_id}": str(error)})
    db.session.commit()
    left = "" if area.champions else f": {area_rules.NOT_A_PRIORITY.lower()}"
    return _answer(meeting, f"{person.name} took their name off {area.name}{left}.", f"#area-{area.id}")


@bp.post("/meetings/<int:meeting_id>/wall/referrals")
def refer(meeting_id: int):
    """An attendee names a peer who should be involved: a person (matched if known), a
    referred tie from the attendee, a candidate in the pipeline."""
    meeting = get_door_meeting_or_404(meeting_id)
    typed = {k: (request.form.get(k) or "").strip()[:300] for k in ("name", "organisation_name", "email", "title",
                                                                    "side", "referrer_id")}
    referrer = visible_person(current_user, request.form.get("referrer_id"))
    if referrer is None:
        return _refused(meeting_id, {"referral": "Choose who in the room names the peer."}, typed)
    try:
        made = referrals.refer(meeting, referrer, typed["name"], current_user, typed["organisation_name"],
                               typed["email"], typed["title"], typed["side"] or None)
    except referrals.ReferralError as error:
        return _refused(meeting_id, {"referral": str(error)}, typed)
    db.session.commit()
    who = made.person.name + ("" if made.person_created else " (already in Convene)")
    said = (f"{referrer.name} referred {who}: a candidate in the pipeline." if made.created
            else f"Already recorded: {referrer.name} referred {made.person.name}.")
    return _answer(meeting, said, "#referrals", focus="referral")
