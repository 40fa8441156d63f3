"""The launch meeting's summary (issue 14 item 3): the draft as the convener or a chair edited
it, and when it was sent. One row a launch meeting; no row while nobody edited or sent it (the
draft is then drafted afresh from the wall each time it is read)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow


class MeetingSummary(db.Model):
    """A launch meeting's summary: subject and text as saved, the version a save must name
    (two people editing at once: the second save is refused, nothing typed is lost), and the
    first send."""

    __tablename__ = "meeting_summaries"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the first send (a later send reaches only those not yet sent to)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<MeetingSummary meeting{self.meeting_id} v{self.version}>"
