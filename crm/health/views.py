"""The health page of a partnership (issue 15 item 1): each red flag and green light with its
state (a colour and a word), the figure, one sentence of why and links to the people and items
concerned; the convener's grant game and turf trap notes, recorded and cleared here. Thin:
parse, call crm.health.services, render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import vocab
from crm.accounts.access import can_edit_partnership, get_partnership_or_404, visible_health_note
from crm.extensions import db
from crm.health import services
from crm.health.signals import LIGHT_WORDS, STATE_WORDS, TITLES
from crm.partnerships.models import Partnership
from crm.timeutil import check_date_range

bp = Blueprint("health", __name__)

def item_link(partnership: Partnership, item) -> str:
    """Where a signal's item leads: the object's own page, or the list that shows it."""
    if item.type == "meeting":
        return url_for("outreach.meeting", meeting_id=item.id)
    if item.type == "task":
        return url_for("outreach.partnership_outreach", partnership_id=partnership.id,
                       view="all") + f"#task-{item.id}"
    if item.type == "priority_area":
        return url_for("launch.priority_areas", partnership_id=partnership.id) + f"#area-{item.id}"
    if item.type == "commitment":
        return url_for("launch.priority_areas", partnership_id=partnership.id)
    return url_for("health.page", partnership_id=partnership.id) + f"#note-{item.id}"


def _page(partnership: Partnership, status: int = 200, typed: dict | None = None, error: dict | None = None):
    report = services.report(partnership, current_user)
    return render_template("health/page.html", partnership=partnership, report=report, titles=TITLES,
                           state_words=STATE_WORDS, light_words=LIGHT_WORDS, item_link=item_link,
                           can_record=can_edit_partnership(current_user, partnership.id),
                           calls=vocab.JUDGEMENT_CALLS, typed=typed or {}, error=error or {},
                           today=services.today_for(partnership)), status


def _date(raw: str | None, field: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return check_date_range(date.fromisoformat(raw))
    except ValueError as error:
        message = str(error) if "between" in str(error) else "Type the date as YYYY-MM-DD."
        raise services.NoteError(message, field) from None


@bp.route("/partnerships/<int:partnership_id>/health")
def page(partnership_id: int):
    """The partnership's red flags and green lights, each explained."""
    return _page(get_partnership_or_404(partnership_id))


@bp.post("/partnerships/<int:partnership_id>/health/notes")
def record_note(partnership_id: int):
    """The convener records a grant game or a turf trap they saw, with its date."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    typed = {k: (request.form.get(k) or "")[:5000] for k in ("code", "noted_on", "text")}
    try:
        note = services.record_note(partnership, typed["code"], _date(typed["noted_on"], "noted_on"),
                                    typed["text"], current_user.id)
    except services.NoteError as error:
        db.session.rollback()
        return _page(db.session.get(Partnership, partnership_id), 400, typed, {error.field: str(error)})
    db.session.commit()
    flash(f"{vocab.label(vocab.JUDGEMENT_CALLS, note.code)} recorded.", "success")
    return redirect(url_for("health.page", partnership_id=partnership.id) + f"#{note.code}", 303)


@bp.post("/health-notes/<int:note_id>/clear")
def clear_note(note_id: int):
    """The convener says a recorded grant game or turf trap no longer holds."""
    note = visible_health_note(current_user, note_id)
    if note is None:
        abort(404)
    if not can_edit_partnership(current_user, note.partnership_id):
        abort(403)
    back = url_for("health.page", partnership_id=note.partnership_id) + f"#{note.code}"
    try:
        services.clear_note(note, _date(request.form.get("cleared_on"), "cleared_on"))
    except services.NoteError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back, 303)
    db.session.commit()
    flash(f"{vocab.label(vocab.JUDGEMENT_CALLS, note.code)} cleared.", "success")
    return redirect(back, 303)
