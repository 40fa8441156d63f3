"""API endpoints of the launch summary (issue 14 items 3 and 6): read it (the saved edit, else
drafted afresh from the wall), save an edit naming the version read (stale: 409), and send it
through the outbox on the chairs' behalf, as the composer page does (the same service)."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import current_user
from pydantic import BaseModel, Field

from crm.api import bp
from crm.api.outreach import Pace
from crm.api.spec import document
from crm.api.util import ApiError, Body, ok, parse
from crm.extensions import db
from crm.ids import MAX_ID
from crm.launch import summaries, summary
from crm.launch.access import get_launch_or_404
from crm.partnerships.models import Meeting


class SummaryOut(BaseModel):
    subject: str
    text: str = Field(description="plain text, as each recipient receives it")
    html: str = Field(description="the text as HTML: every character of it escaped, paragraphs at blank lines")
    recipient_ids: list[int] = Field(description="people it goes to: present and invited no-shows with an email "
                                                 "address, not archived or merged, each person and address once")
    not_sent_ids: list[int] = Field(description="recipients it has not been sent to yet (a send reaches only them)")
    version: int = Field(description="name it when saving or sending; 0 while nothing is saved (the wall's draft)")
    edited: bool = Field(description="true once saved or sent: the wall's later changes are not in it")
    sent_at: datetime | None = Field(description="the first send")
    due: date | None = Field(description="the plan's send_summary step: a week after the launch")
    pace: Pace | None = Field(description="the step's pace (late after its due day, done once sent)")


class SummaryPatch(Body):
    """Save the summary as edited. `version` is the one read (0 while nothing is saved): a
    stale one answers 409 and saves nothing. A field left out keeps its text."""

    subject: str | None = Field(default=None, min_length=1, max_length=summary.MAX_SUBJECT)
    text: str | None = Field(default=None, min_length=1, max_length=summary.MAX_TEXT)
    version: int = Field(ge=0, le=MAX_ID)


class SendIn(Body):
    """Send the summary as read (`version`: stale answers 409): one message through the outbox
    to each recipient it has not reached yet, from the chairs; sending again sends nothing twice."""

    version: int = Field(ge=0, le=MAX_ID)


class SendOut(SummaryOut):
    queued: int = Field(description="messages put in the outbox by this request")
    already_sent: int = Field(description="recipients who had it already (not sent again)")


def summary_json(meeting: Meeting) -> dict:
    state = summaries.state_of(meeting, current_user)
    return SummaryOut(subject=state.subject, text=state.text, html=state.html,
                      recipient_ids=[r.person_id for r in state.recipients],
                      not_sent_ids=[r.person_id for r in state.sending.to_send], version=state.version,
                      edited=state.edited, sent_at=state.sent_at, due=state.due,
                      pace=state.pace).model_dump(mode="json")


def _refuse(error: Exception):
    if isinstance(error, summaries.SummaryConflict):
        saved = error.saved
        raise ApiError(409, "conflict", "Someone saved this summary since you read it: read it again.",
                       {"version": [f"now {saved.version if saved else 0}"]}) from None
    if error.conflict:
        raise ApiError(409, "conflict", str(error), dict.fromkeys(error.fields, [str(error)])) from None
    raise ApiError(400, "invalid", str(error), {k: [v] for k, v in error.fields.items()}) from None


@bp.get("/meetings/<int:meeting_id>/summary")
@document("get", "/meetings/{meeting_id}/summary", tag="outreach", response=SummaryOut,
          summary="The launch summary: the saved edit, else drafted from the wall; its recipients")
def get_summary(meeting_id: int):
    """A launch meeting's summary (staff of the partnership and its chairs; other meetings 404)."""
    return ok(summary_json(get_launch_or_404(meeting_id)))


@bp.patch("/meetings/<int:meeting_id>/summary")
@document("patch", "/meetings/{meeting_id}/summary", tag="outreach", body=SummaryPatch, response=SummaryOut,
          summary="Save the launch summary as edited (the version read; stale: 409)")
def update_summary(meeting_id: int):
    """Save an edit of the summary (staff of the partnership and its chairs)."""
    meeting = get_launch_or_404(meeting_id)
    data = parse(SummaryPatch)
    state = summaries.state_of(meeting, current_user)
    try:
        summaries.save(meeting, state.subject if data.subject is None else data.subject,
                       state.text if data.text is None else data.text, data.version, current_user.id)
    except (summaries.SummaryError, summaries.SummaryConflict) as error:
        db.session.rollback()
        _refuse(error)
    db.session.commit()
    return ok(summary_json(meeting))


@bp.post("/meetings/<int:meeting_id>/summary/send")
@document("post", "/meetings/{meeting_id}/summary/send", tag="outreach", body=SendIn, response=SendOut,
          summary="Send the launch summary through the outbox to everyone it has not reached yet")
def send_summary(meeting_id: int):
    """Send the summary (staff of the partnership and its chairs); closes the plan's step."""
    meeting = get_launch_or_404(meeting_id)
    data = parse(SendIn)
    state = summaries.state_of(meeting, current_user)
    try:
        sent = summaries.send(meeting, current_user, state.subject, state.text, data.version)
    except (summaries.SummaryError, summaries.SummaryConflict) as error:
        db.session.rollback()
        _refuse(error)
    db.session.commit()
    return ok({**summary_json(meeting), "queued": sent.queued, "already_sent": sent.already})
