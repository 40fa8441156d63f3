"""Outreach pages: a partnership's timeline and tasks, meetings (set, move, export), my tasks,
assigning asks with proposed employer askers, invitation letters, the outbox, calendar feeds."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import prose, vocab
from crm.accounts.access import (
    can_edit_partnership,
    get_partnership_or_404,
    limit_partnerships,
    require_staff,
    visible_organisation,
    visible_partnership_ids,
    visible_people,
    visible_person,
)
from crm.accounts.models import User, new_secret, token_digest
from crm.conditional import conditional
from crm.config import installation_id
from crm.contacts.models import Person
from crm.extensions import db
from crm.headers import attachment
from crm.ids import parse_count
from crm.outreach import ics, lease, letters, mail, services, timeline
from crm.outreach.access import can_act_on_tasks, get_meeting_or_404, get_task_or_404
from crm.outreach.forms import (
    AssignForm,
    CompleteTaskForm,
    LetterForm,
    MeetingForm,
    MoveMeetingForm,
    OwnTaskForm,
)
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Meeting, Membership, Partnership
from crm.security import safe_next
from crm.timeutil import local, utcnow, zone

bp = Blueprint("outreach", __name__)
VIEWS = ("all", "today", "week", "overdue")


def _local_to_utc(value, tz_name):
    return value.replace(tzinfo=zone(tz_name))


def _back(default: str):
    return redirect(safe_next(request.form.get("next")) or default)


#: Roles offered as askers: chairs and champions, and (with a reason) conveners and partners.
ASKER_CHOICE_ROLES = (*vocab.ASKER_ROLES, "convener", "community_partner")


def asker_choices(partnership_id: int) -> list[dict]:
    """Members who may make an ask: employer chairs and champions first, then everyone else."""
    members = db.session.scalars(
        select(Membership).where(Membership.partnership_id == partnership_id,
                                 Membership.role.in_(ASKER_CHOICE_ROLES))
        .options(selectinload(Membership.person).selectinload(Person.organisation))).all()
    rank = {r: i for i, r in enumerate(vocab.ASKER_ROLES)}

    def key(m):
        return (not services.is_employer_side(m.person), rank.get(m.role, 99), m.person.name)

    return [{"id": m.person_id, "name": m.person.name, "role": vocab.label(vocab.ROLES, m.role),
             "employer": services.is_employer_side(m.person),
             "org": m.person.organisation.name if m.person.organisation else ""}
            for m in sorted(members, key=key)]


def _task_context(tasks, partnership_id=None, today=None) -> dict:
    today = today or services.today_for(None)
    proposals = {}
    for task in tasks:
        if task.kind == "ask" and task.owner_id is None and task.status == "open" and task.person_id:
            proposals[task.id] = services.propose_asker(task.partnership_id, task.person_id)
    return {"tasks": tasks, "today": today, "pace": timeline.pace, "pace_labels": timeline.PACE_LABELS,
            "proposals": proposals, "needs_reason": services.needs_reason,
            "warnings": services.task_warnings(tasks), "meeting_warnings": services.meeting_warnings}


@bp.app_context_processor
def _outreach_helpers():
    return {"outreach_person_tasks": _person_tasks, "outreach_partnership_summary": _partnership_summary,
            "outreach_health": _health}


def _person_tasks(person):
    ids = visible_partnership_ids(current_user)
    stmt = services.tasks_query(ids, person_id=person.id, status=None)
    owned = services.tasks_query(ids, owner_id=person.id, status="open")
    # where a task about them may be added: their partnerships the user acts in, with the team
    theirs = db.session.scalars(select(Membership.partnership_id).where(Membership.person_id == person.id)).all()
    places = [db.session.get(Partnership, pid) for pid in theirs
              if can_act_on_tasks(current_user, pid) and (ids is None or pid in ids)]
    return {"about": db.session.scalars(stmt.limit(20)).all(), "owned": db.session.scalars(owned.limit(20)).all(),
            "today": services.today_for(None), "pace": timeline.pace, "pace_labels": timeline.PACE_LABELS,
            "places": [(p, team_choices(p.id)) for p in places]}


def team_choices(partnership_id: int) -> list[dict]:
    """Who may own a task: the partnership's members, its team (chairs, champions, conveners) first."""
    members = db.session.scalars(select(Membership).where(Membership.partnership_id == partnership_id)
                                 .options(selectinload(Membership.person))).all()
    rank = {r: i for i, r in enumerate((*vocab.ASKER_ROLES, "convener"))}
    return [{"id": m.person_id, "name": m.person.name, "role": vocab.label(vocab.ROLES, m.role)}
            for m in sorted(members, key=lambda m: (rank.get(m.role, 99), m.person.name))]


def _partnership_summary(partnership):
    today = services.today_for(partnership)
    not_e2e, asks = services.ask_mix(partnership.id)
    upcoming = db.session.scalars(select(Meeting).where(
        Meeting.partnership_id == partnership.id, Meeting.starts_at >= utcnow() - timedelta(days=1))
        .order_by(Meeting.starts_at).limit(3)).all()
    return {"pace": services.pace_summary(partnership, today), "not_e2e": not_e2e, "asks": asks,
            "meetings": upcoming}


def _health():
    return {"scheduler": lease.status(), "outbox": mail.outbox_health()}


# --- the partnership's outreach -------------------------------------------------------------

#: Tasks per page of a partnership's outreach list (two years of a big partnership hold thousands).
TASKS_PER_PAGE = 100


@bp.route("/partnerships/<int:partnership_id>/outreach")
def partnership_outreach(partnership_id: int):
    """A partnership's meetings and outreach tasks, with on time / at risk / late."""
    partnership = get_partnership_or_404(partnership_id)
    view = request.args.get("view", "all")
    view = view if view in VIEWS else "all"
    today = services.today_for(partnership)
    stmt = services.tasks_query([partnership.id], view=view, today=today,
                                status=None if view == "all" else "open")
    page = parse_count(request.args.get("page"), default=1, maximum=100000)
    page = page if 1 <= page <= 10**6 else 1
    tasks = db.session.scalars(stmt.offset((page - 1) * TASKS_PER_PAGE).limit(TASKS_PER_PAGE + 1)).all()
    context = _task_context(tasks[:TASKS_PER_PAGE], partnership.id, today)
    context.update(task_pager={"has_next": len(tasks) > TASKS_PER_PAGE, "page": page,
                               "endpoint": "outreach.partnership_outreach",
                               "params": {"partnership_id": partnership.id, "view": view}})
    context.update(partnership=partnership, view=view, askers=asker_choices(partnership.id),
                   team=team_choices(partnership.id),
                   can_edit=can_edit_partnership(current_user, partnership.id),
                   can_act=can_act_on_tasks(current_user, partnership.id))
    if request.headers.get("HX-Request"):
        return render_template("outreach/_tasks_swap.html", **context)
    not_e2e, asks = services.ask_mix(partnership.id)
    prefill = services.second_meeting_prefill(partnership, today) \
        if request.args.get("prefill") == "second" and context["can_edit"] else None
    form = _meeting_choices(MeetingForm(formdata=None, data=prefill) if prefill else MeetingForm(), partnership)
    context.update(meetings=services.meetings_of(partnership.id), form=form,
                   counts=services.pace_summary(partnership, today), not_e2e=not_e2e, asks=asks)
    return render_template("outreach/partnership.html", **context)


def _meeting_choices(form: MeetingForm, partnership: Partnership, meeting: Meeting | None = None) -> MeetingForm:
    """The chairs' choices (the partnership's members, chairs first) and the hosts' (their
    organisations, employers first)."""
    members = db.session.scalars(
        select(Membership).where(Membership.partnership_id == partnership.id)
        .options(selectinload(Membership.person).selectinload(Person.organisation))).all()
    members = sorted(members, key=lambda m: (m.role not in vocab.CHAIR_ROLES, m.role not in vocab.ASKER_ROLES,
                                             m.person.name))
    form.chair_ids.choices = [(m.person_id, f"{m.person.name} ({vocab.label(vocab.ROLES, m.role)})")
                              for m in members]
    orgs = {m.person.organisation.id: m.person.organisation for m in members if m.person.organisation}
    if meeting is not None and meeting.host is not None:
        orgs[meeting.host.id] = meeting.host
    ordered = sorted(orgs.values(), key=lambda o: (o.side != "employer", o.name))
    form.host_organisation_id.choices = [("", "Choose the host")] + [
        (o.id, o.name if o.side == "employer" else f"{o.name} (not an employer)") for o in ordered]
    return form


#: what setting a meeting of another kind than the launch does to the plan
MEETING_SET_NOTE = {"launch": "; its tasks are laid out below.", "second": "; the plan's second-meeting step is done."}


def _meeting_fields(form: MeetingForm, tz: str) -> dict:
    """The form's values, every id resolved through what the user may see (else a field error)."""
    chairs = visible_people(current_user, form.chair_ids.data or [])
    if chairs is None:
        raise services.OutreachError(services.NO_SUCH_CHAIR, "chair_ids")
    host = None
    if form.host_organisation_id.data is not None:
        host = visible_organisation(current_user, form.host_organisation_id.data)
        if host is None:
            raise services.OutreachError(services.NO_SUCH_HOST, "host_organisation_id")
    return {"starts_at": _local_to_utc(form.starts_at.data, tz),
            "ends_at": _local_to_utc(form.ends_at.data, tz) if form.ends_at.data else None,
            "title": form.title.data, "location": form.location.data,
            "host_organisation_id": host.id if host else None, "chair_ids": [c.id for c in chairs]}


def _field_error(form: MeetingForm, error: services.OutreachError) -> None:
    field = getattr(form, error.field or "starts_at", None) or form.starts_at
    field.errors = [*field.errors, str(error)] if isinstance(field.errors, list) else [str(error)]


def _flash_setup(meeting: Meeting) -> None:
    for warning in services.setup_warnings(meeting):
        flash(warning.message, "warning")


@bp.post("/partnerships/<int:partnership_id>/outreach/meetings")
def create_meeting(partnership_id: int):
    """Set a meeting (start, end, place, chairs, host); a launch lays out the workbook's tasks (sections B-D)."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    form = _meeting_choices(MeetingForm(), partnership)
    if form.validate_on_submit():
        try:
            fields = _meeting_fields(form, partnership.timezone)
            meeting = services.create_meeting(partnership, kind=form.kind.data, **fields)
        except services.OutreachError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(f"{vocab.label(vocab.MEETING_KINDS, meeting.kind)} set{MEETING_SET_NOTE.get(meeting.kind, '.')}",
                  "success")
            _flash_setup(meeting)
            return redirect(url_for("outreach.meeting", meeting_id=meeting.id))
    today = services.today_for(partnership)
    tasks = db.session.scalars(services.tasks_query([partnership.id], today=today, status=None).limit(500)).all()
    context = _task_context(tasks, partnership.id, today)
    not_e2e, asks = services.ask_mix(partnership.id)
    context.update(partnership=partnership, view="all", askers=asker_choices(partnership.id), can_edit=True,
                   can_act=True, meetings=services.meetings_of(partnership.id), form=form,
                   counts=services.pace_summary(partnership, today), not_e2e=not_e2e, asks=asks)
    return render_template("outreach/partnership.html", **context), 400


@bp.post("/partnerships/<int:partnership_id>/tasks")
def add_task(partnership_id: int):
    """Add a task of one's own (what, for whom, owner, due) from the partnership or person page."""
    partnership = get_partnership_or_404(partnership_id)
    if not can_act_on_tasks(current_user, partnership.id):
        abort(403)
    default = url_for("outreach.partnership_outreach", partnership_id=partnership.id)
    form = OwnTaskForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(default)
    try:
        task = services.add_own_task(partnership, current_user, form.title.data, form.due.data, form.owner_id.data,
                                     form.person_id.data)
    except services.OutreachError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(default)
    db.session.commit()
    flash(f"Task added: {task.title}, due {task.due:%d %b %Y}.", "success")
    return _back(default)


# --- meetings --------------------------------------------------------------------------------

def _edit_form(meeting: Meeting, form: MeetingForm | None = None) -> MeetingForm:
    tz = meeting.partnership.timezone
    if form is None:
        form = MeetingForm(formdata=None, data={
            "kind": meeting.kind, "title": meeting.title, "location": meeting.location,
            "starts_at": local(meeting.starts_at, tz).replace(tzinfo=None),
            "ends_at": local(meeting.ends_at, tz).replace(tzinfo=None) if meeting.ends_at else None,
            "host_organisation_id": meeting.host_organisation_id, "chair_ids": [c.id for c in meeting.chairs]})
    return _meeting_choices(form, meeting.partnership, meeting)


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id: int, edit_form: MeetingForm | None = None, status: int = 200):
    """A meeting, its generated steps with their pace, and the forms to edit or move it."""
    meeting = get_meeting_or_404(meeting_id)
    partnership = meeting.partnership
    today = services.today_for(partnership)
    tasks = db.session.scalars(select(Task).where(Task.meeting_id == meeting.id)
                               .options(selectinload(Task.person), selectinload(Task.owner))
                               .order_by(Task.due, Task.id)).all()
    form = MoveMeetingForm(starts_at=local(meeting.starts_at, partnership.timezone).replace(tzinfo=None))
    context = _task_context(tasks, partnership.id, today)
    context.update(meeting=meeting, partnership=partnership, form=form, view="all",
                   edit_form=edit_form or _edit_form(meeting), setup=services.setup_warnings(meeting),
                   askers=asker_choices(partnership.id),
                   can_edit=can_edit_partnership(current_user, partnership.id),
                   can_act=can_act_on_tasks(current_user, partnership.id),
                   counts=timeline.pace_counts([(t.due, t.status) for t in tasks], today))
    return render_template("meetings/detail.html", **context), status


@bp.post("/meetings/<int:meeting_id>/edit")
def edit_meeting(meeting_id: int):
    """Edit a meeting's start, end, place, chairs and host (a new start moves its open steps)."""
    meeting = get_meeting_or_404(meeting_id, edit=True)
    form = _edit_form(meeting, MeetingForm())
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, **_meeting_fields(form, meeting.partnership.timezone))
        except services.OutreachError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash("Meeting saved.", "success")
            _flash_setup(meeting)
            return redirect(url_for("outreach.meeting", meeting_id=meeting.id))
    return meeting_view_with(meeting.id, form)


def meeting_view_with(meeting_id: int, form: MeetingForm):
    """The meeting page with a refused edit form (what was typed kept), answered 400."""
    return meeting(meeting_id, edit_form=form, status=400)


@bp.post("/meetings/<int:meeting_id>/move")
def move_meeting(meeting_id: int):
    """Reschedule a meeting: open tasks move with it, done ones stay."""
    meeting = get_meeting_or_404(meeting_id, edit=True)
    form = MoveMeetingForm()
    if not form.validate_on_submit():
        flash(" ".join(form.starts_at.errors) or "Choose the new date and time.", "error")
        return redirect(url_for("outreach.meeting", meeting_id=meeting.id))
    old = meeting.starts_at
    services.move_meeting(meeting, _local_to_utc(form.starts_at.data, meeting.partnership.timezone))
    db.session.commit()
    days = (services.meeting_day(meeting) - local(old, meeting.partnership.timezone).date()).days
    direction = "later" if days >= 0 else "earlier"
    flash(f"Meeting moved {prose.plural(abs(days), 'day')} {direction}; open tasks moved with it, done tasks stayed.",
          "success")
    return redirect(url_for("outreach.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/calendar.ics")
def meeting_ics(meeting_id: int):
    """The meeting as an ICS file."""
    meeting = get_meeting_or_404(meeting_id)
    return _ics(ics.calendar_of(meeting.partnership.name, installation_id(), meetings=[meeting]),
                f"meeting-{meeting.id}.ics")


def _ics(calendar: tuple[bytes, object], filename: str, dated: bool = True) -> Response:
    """An ICS answer with an ETag (304 when unchanged); `dated`: with Last-Modified too, where
    the newest event's change is the file's (a feed also changes when an event leaves it)."""
    data, changed = calendar
    return conditional(data, "text/calendar", last_modified=changed if dated else None,
                       headers={"Content-Disposition": attachment(filename)})


# --- tasks ---------------------------------------------------------------------------------------

@bp.route("/tasks")
def my_tasks():
    """My asks and other tasks (owned by my person record), today / this week / overdue."""
    view = request.args.get("view", "week")
    view = view if view in VIEWS else "week"
    person_id = current_user.person_id
    tasks = []
    if person_id:
        stmt = services.tasks_query(visible_partnership_ids(current_user), owner_id=person_id, view=view,
                                    today=services.today_for(None))
        tasks = db.session.scalars(stmt.limit(500)).all()
    context = _task_context(tasks)
    context.update(view=view, linked=bool(person_id), can_act=True, askers=[], partnership=None,
                   can_edit=False)
    if request.headers.get("HX-Request"):
        return render_template("outreach/_tasks_swap.html", **context)
    return render_template("outreach/my_tasks.html", **context)


@bp.post("/tasks/<int:task_id>")
def update_task(task_id: int):
    """Complete a task with an outcome, or assign an ask's asker."""
    task = get_task_or_404(task_id, act=True)
    default = url_for("outreach.partnership_outreach", partnership_id=task.partnership_id)
    try:
        if request.form.get("action") == "assign":
            form = AssignForm()
            if not form.validate_on_submit():
                raise services.OutreachError("Choose an asker.")
            if form.owner_id.data and visible_person(current_user, form.owner_id.data) is None:
                raise services.OutreachError(services.NO_SUCH_OWNER, "owner_id")
            services.assign_owner(task, form.owner_id.data, form.asker_reason.data, current_user.id)
            message = "Asker assigned."
        else:
            form = CompleteTaskForm()
            if not form.validate_on_submit():
                raise services.OutreachError("; ".join(e for errs in form.errors.values() for e in errs))
            referred = {"name": form.referred_name.data, "email": form.referred_email.data or None}
            new_person = services.complete_task(task, form.status.data, form.outcome.data or None,
                                                form.notes.data, referred, current_user.id)
            message = f"Task marked {vocab.label(vocab.TASK_STATUSES, task.status).lower()}."
            if new_person is not None:
                message += f" {new_person.name} added as a referral."
    except services.OutreachError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(default)
    db.session.commit()
    flash(message, "success")
    return _back(default)


@bp.route("/tasks/<int:task_id>/calendar.ics")
def task_ics(task_id: int):
    """The task as an ICS file (an all-day event on its due date)."""
    task = get_task_or_404(task_id)
    return _ics(ics.calendar_of("Convene task", installation_id(), tasks=[task]), f"task-{task.id}.ics")


# --- invitations -----------------------------------------------------------------------------------

@bp.route("/tasks/<int:task_id>/invitation")
def invitation(task_id: int):
    """The invitation letter for an ask: preview, download (.txt, .eml) or send from the asker."""
    task = get_task_or_404(task_id, act=True)
    fmt = request.args.get("format", "html")
    try:
        letter = letters.letter_for(task, html=False)
    except letters.LetterError as error:
        flash(str(error), "error")
        return redirect(url_for("outreach.letter", partnership_id=task.partnership_id))
    name = f"invitation-{task.id}"
    if fmt == "txt":
        return Response(f"Subject: {letter.subject}\n\n{letter.body}", mimetype="text/plain",
                        headers={"Content-Disposition": attachment(f"{name}.txt")})
    if fmt == "eml":
        owner, person = task.owner, task.person
        data = letters.as_eml(letter, person.name if person else "", person.email if person else None,
                              owner.name if owner else "", owner.email if owner else None)
        return Response(data, mimetype="message/rfc822",
                        headers={"Content-Disposition": attachment(f"{name}.eml")})
    return render_template("outreach/invitation.html", task=task, letter=letter)


@bp.post("/tasks/<int:task_id>/invitation")
def send_invitation(task_id: int):
    """Queue the invitation in the outbox, from the asker's name (replies go to the asker)."""
    task = get_task_or_404(task_id, act=True)
    back = url_for("outreach.invitation", task_id=task.id)
    if not (task.person and task.person.email):
        flash("This invitee has no email address: download the letter instead.", "error")
        return redirect(back)
    try:
        letter = letters.letter_for(task)
    except letters.LetterError as error:
        flash(str(error), "error")
        return redirect(back)
    owner = task.owner
    queued = mail.enqueue(f"invitation:{task.id}:{task.person.email}", task.person.email, letter.subject,
                          letter.body, to_person_id=task.person_id,
                          from_name=owner.name if owner else None, reply_to=owner.email if owner else None)
    db.session.commit()
    flash("Invitation queued in the outbox." if queued else "This invitation was already queued.", "success")
    return redirect(back)


@bp.route("/partnerships/<int:partnership_id>/letter", methods=["GET", "POST"])
def letter(partnership_id: int):
    """Edit the partnership's invitation letter (fields in {{ double braces }})."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    subject, body = letters.template_for(partnership.id)
    form = LetterForm(data={"subject": subject, "body": body}) if request.method == "GET" else LetterForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                letters.save_template(partnership.id, form.subject.data, form.body.data)
            except letters.LetterError as error:
                form.body.errors = [str(error)]
            else:
                db.session.commit()
                flash("Invitation letter saved.", "success")
                return redirect(url_for("outreach.letter", partnership_id=partnership.id))
        status = 400
    return render_template("outreach/letter.html", partnership=partnership, form=form,
                           fields=letters.FIELDS), status


# --- outbox and calendars -------------------------------------------------------------------------

@bp.route("/outbox")
def outbox():
    """Messages waiting, failing or sent, newest first (staff)."""
    require_staff()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("outreach/outbox.html", messages=messages, health=_health())


@bp.route("/calendar/<feed_token>.ics")
def feed(feed_token: str):
    """A user's private calendar feed: their open tasks and their partnerships' meetings."""
    user = db.session.scalar(select(User).where(User.ics_token_hash == token_digest(feed_token),
                                                User.active.is_(True)))
    if user is None:
        # Gone, in words a calendar program shows: only token hashes are kept, so a rotated,
        # revoked or never-issued token look alike here (which tells a guesser nothing)
        return Response("This calendar feed was turned off or replaced. Subscribe again with the "
                        "URL from your Convene tasks page.\n", status=410, mimetype="text/plain")
    tasks = []
    if user.person_id:
        tasks = db.session.scalars(services.tasks_query(visible_partnership_ids(user), owner_id=user.person_id)
                                   .limit(2000)).all()
    meetings = db.session.scalars(limit_partnerships(
        select(Meeting).where(Meeting.starts_at >= utcnow() - timedelta(days=90)), Meeting.partnership_id, user)
        .join(Partnership, Partnership.id == Meeting.partnership_id).order_by(Meeting.starts_at, Meeting.id)).all()
    return _ics(ics.calendar_of("Convene", installation_id(), meetings=meetings, tasks=tasks),
                "convene.ics", dated=False)


@bp.post("/calendar/feed")
def rotate_feed():
    """Create a new private calendar feed URL (the old one stops working)."""
    token = new_secret()
    user = db.session.get(User, current_user.id)
    user.ics_token_hash = token_digest(token)
    db.session.commit()
    flash("Your new private calendar URL (shown once; paste it into your calendar): "
          + url_for("outreach.feed", feed_token=token, _external=True), "success")
    return redirect(url_for("outreach.my_tasks"))


@bp.post("/calendar/feed/revoke")
def revoke_feed():
    """Turn the private calendar feed off."""
    user = db.session.get(User, current_user.id)
    user.ics_token_hash = None
    db.session.commit()
    flash("Your calendar feed is turned off.", "success")
    return redirect(url_for("outreach.my_tasks"))
