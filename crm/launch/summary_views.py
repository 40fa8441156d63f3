"""The launch summary's pages (issue 14 item 3): the composer (the draft from the wall,
editable, saved with its version, a preview, Send through the outbox on the chairs' behalf)
and a printable page. Staff of the partnership and its chairs; thin: parse, call
crm.launch.summaries, render."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import prose
from crm.extensions import db
from crm.ids import parse_id
from crm.launch import services as door
from crm.launch import summaries, summary
from crm.launch.access import get_launch_or_404
from crm.outreach.timeline import PACE_LABELS
from crm.partnerships.models import Meeting
from crm.timeutil import local

bp = Blueprint("summary", __name__)


def _typed() -> dict:
    return {"subject": (request.form.get("subject") or "")[:summary.MAX_SUBJECT * 2],
            "text": (request.form.get("text") or "")[:summary.MAX_TEXT * 2]}


def _version() -> int | None:
    raw = request.form.get("version")
    return 0 if raw == "0" else parse_id(raw)


def _page(meeting: Meeting, status: int = 200, typed: dict | None = None, errors: dict | None = None,
          theirs=None, version: int | None = None):
    state = summaries.state_of(meeting, current_user)
    form = typed or {"subject": state.subject, "text": state.text}
    return render_template("launch/summary.html", meeting=meeting, partnership=meeting.partnership, state=state,
                           form=form, errors=errors or {}, theirs=theirs,
                           version=state.version if version is None else version,
                           preview=summary.html_of(form["text"]), pace_labels=PACE_LABELS,
                           from_name=summaries.sender_of(meeting, current_user)[0],
                           started=door.started(meeting)), status


@bp.route("/meetings/<int:meeting_id>/summary")
def compose(meeting_id: int):
    """The summary's composer: the draft (or the saved edit), its recipients, a preview, Send."""
    return _page(get_launch_or_404(meeting_id))


def _refused(meeting_id: int, error: Exception, typed: dict):
    """Nothing lost: the page again with what was typed, the reason, and (on a race) theirs."""
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting_id)
    if isinstance(error, summaries.SummaryConflict):
        saved = summaries.saved_of(meeting)
        return _page(meeting, 409, typed, {"version": str(error)}, theirs=saved,
                     version=saved.version if saved else 0)
    return _page(meeting, 400, typed, error.fields)


@bp.post("/meetings/<int:meeting_id>/summary")
def save(meeting_id: int):
    """Save the summary as typed (the version read must still be the saved one)."""
    meeting = get_launch_or_404(meeting_id)
    typed = _typed()
    try:
        summaries.save(meeting, typed["subject"], typed["text"], _version(), current_user.id)
    except (summaries.SummaryError, summaries.SummaryConflict) as error:
        return _refused(meeting_id, error, typed)
    db.session.commit()
    flash("Summary saved: the preview shows it as it will be sent.", "success")
    return redirect(url_for("summary.compose", meeting_id=meeting.id) + "#preview", 303)


@bp.post("/meetings/<int:meeting_id>/summary/send")
def send(meeting_id: int):
    """Save what is typed and send it to everyone it has not reached yet (once each)."""
    meeting = get_launch_or_404(meeting_id)
    typed = _typed()
    try:
        sent = summaries.send(meeting, current_user, typed["subject"], typed["text"], _version())
    except summaries.SummaryConflict as error:
        return _refused(meeting_id, error, typed)
    except summaries.SummaryError as error:
        if "recipients" in error.fields:  # the draft itself is fine: keep it saved
            db.session.commit()
            flash(error.fields["recipients"], "error")
            return redirect(url_for("summary.compose", meeting_id=meeting.id), 303)
        return _refused(meeting_id, error, typed)
    db.session.commit()
    tz = meeting.partnership.timezone
    if sent.queued:
        flash(f"Summary queued in the outbox for {prose.plural(sent.queued, 'person', 'people')}"
              + (f" ({sent.already} had it already)." if sent.already else "."), "success")
    else:
        flash(f"Already sent on {local(sent.sent_at, tz):%A %d %B at %H:%M}: nobody new to send "
              "it to, nothing sent twice.", "success")
    return redirect(url_for("summary.compose", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/summary/reset")
def reset(meeting_id: int):
    """Drop the edits and draft it again from the wall (not once sent)."""
    meeting = get_launch_or_404(meeting_id)
    try:
        summaries.reset(meeting, _version())
    except (summaries.SummaryError, summaries.SummaryConflict) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("summary.compose", meeting_id=meeting_id), 303)
    db.session.commit()
    flash("Edits dropped: the draft is the wall's again.", "success")
    return redirect(url_for("summary.compose", meeting_id=meeting.id), 303)


@bp.route("/meetings/<int:meeting_id>/summary/print")
def printable(meeting_id: int):
    """The summary on one or two printed pages (no navigation)."""
    meeting = get_launch_or_404(meeting_id)
    state = summaries.state_of(meeting, current_user)
    return render_template("launch/summary_print.html", meeting=meeting, partnership=meeting.partnership,
                           state=state)
