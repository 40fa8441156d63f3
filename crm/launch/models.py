"""Action plans per priority area (issue 14 item 5; the workbook, sections D-E): the area's
goals at 3 months, 12 months and 3 years, its measurable outcomes and actions, the commitments
with who delivers and by when (one or two of them early wins), and progress notes.

Audited like their siblings (the priority areas). Not `__tracked__`: neither the network nor
the trait scores read them (a tracked row with no reader would only make caches rebuild)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import vocab
from crm.contacts.models import Person
from crm.extensions import db
from crm.partnerships.models import PriorityArea
from crm.timeutil import utcnow


class ActionPlan(db.Model):
    """One priority area's plan (section E, "action plan"): goals, outcomes, actions."""

    __tablename__ = "action_plans"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_area_id: Mapped[int] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="CASCADE"), unique=True
    )
    goal_3_months: Mapped[str | None] = mapped_column(Text)
    goal_12_months: Mapped[str | None] = mapped_column(Text)
    goal_3_years: Mapped[str | None] = mapped_column(Text)
    #: measurable outcomes, one line each (e.g. "20 apprentices placed by June")
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: the actions to get there, one line each
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    priority_area: Mapped[PriorityArea] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<ActionPlan area{self.priority_area_id}>"


class Commitment(db.Model):
    """Something a named person promised to deliver for a priority area, by a date (section D:
    "commitments with the names of who delivers, and a timeline"); an early win is one due
    within 60 days of the launch, ideally a prototype or first step (crm/launch/action_plans.py)."""

    __tablename__ = "commitments"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(vocab.check("status", vocab.COMMITMENT_STATUSES), name="status"),
        CheckConstraint(vocab.check("early_win_kind", vocab.EARLY_WIN_KINDS), name="early_win_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_area_id: Mapped[int] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="CASCADE"), index=True
    )
    #: who delivers: their organisation's side says employer or community partner
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    early_win: Mapped[bool] = mapped_column(Boolean, default=False)
    #: an early win's kind: "prototype" (a prototype or first step: preferred) or "activity"
    early_win_kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    priority_area: Mapped[PriorityArea] = relationship()
    owner: Mapped[Person] = relationship()
    notes: Mapped[list[ProgressNote]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="ProgressNote.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Commitment {self.id} area{self.priority_area_id} {self.status}>"


class ProgressNote(db.Model):
    """A dated note of progress on a priority area, or on one of its commitments."""

    __tablename__ = "progress_notes"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_area_id: Mapped[int] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="CASCADE"), index=True
    )
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    noted_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commitment: Mapped[Commitment | None] = relationship(back_populates="notes")

    def __repr__(self) -> str:
        return f"<ProgressNote area{self.priority_area_id} commitment{self.commitment_id}>"
