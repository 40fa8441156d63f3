"""The convener's judgement calls on a partnership's health (section F: "the grant game" and
"the turf trap" are recorded, never computed): a note with a date, cleared when it no longer
holds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm import vocab
from crm.extensions import db
from crm.timeutil import utcnow


class HealthNote(db.Model):
    """A red flag the convener saw and wrote down (grant game, turf trap), and when it cleared."""

    __tablename__ = "health_notes"
    __audited__ = True
    __table_args__ = (CheckConstraint(vocab.check("code", vocab.JUDGEMENT_CALLS), name="code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<HealthNote {self.id} {self.code} {self.noted_on}>"
