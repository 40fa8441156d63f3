"""Outreach tasks (asks, calls, reminders), the mail outbox and the scheduler's lease."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import vocab
from crm.changes.tracking import Tracked
from crm.contacts.models import Person
from crm.extensions import db
from crm.timeutil import utcnow


class Task(db.Model):
    """An outreach step: who (owner, the asker) does what (kind) for whom (person) by when."""

    __tablename__ = "tasks"
    __audited__ = True
    #: commitments kept (tasks done as owner) are a trait signal
    __tracked__ = Tracked(facts=("owner_id", "status"), person="owner_id")
    __table_args__ = (
        CheckConstraint(vocab.check("kind", vocab.TASK_KINDS), name="kind"),
        CheckConstraint(vocab.check("status", vocab.TASK_STATUSES), name="status"),
        CheckConstraint(
            "outcome IS NULL OR " + vocab.check("outcome", vocab.TASK_OUTCOMES), name="outcome"
        ),
        #: a meeting's generated steps are keyed so regenerating never duplicates them.
        UniqueConstraint("meeting_id", "step_key", name="uq_tasks_meeting_step"),
        Index("ix_tasks_due_status", "due", "status"),
        Index("ix_tasks_partnership_due", "partnership_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    priority_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="SET NULL")
    )
    step_key: Mapped[str | None] = mapped_column(String(80))
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    #: why a non-employer asks an employer (workbook section B: "The best ask is employer-to-employer").
    asker_reason: Mapped[str | None] = mapped_column(Text)
    #: the owner was chosen by hand: the plan keeps it against the roles (chairs, convener).
    owner_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    #: why the plan closed this step (None: open, or closed by a person); the plan reopens
    #: the steps it closed when they are wanted again, never those a person closed.
    closed_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the last change (its calendar event's DTSTAMP and LAST-MODIFIED, crm/outreach/ics.py)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.kind} due {self.due} {self.status}>"


class OutboxMessage(db.Model):
    """An email waiting to go out, or sent; the idempotency key makes each send happen once."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    to_email: Mapped[str] = mapped_column(String(320))
    to_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: sent "from the asker's name": a display name on the From line, replies to the asker.
    from_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} {self.idempotency_key!r}>"


class SchedulerLease(db.Model):
    """Which scheduler process is active; a second one waits until the lease expires."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<SchedulerLease {self.name} {self.holder} until {self.expires_at}>"


class LetterTemplate(db.Model):
    """A partnership's invitation letter (modelled on the workbook's sample, section C), with {{ fields }}."""

    __tablename__ = "letter_templates"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True
    )
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<LetterTemplate partnership{self.partnership_id}>"


#: APScheduler's persistent job store (SQLAlchemyJobStore), declared here so that migrations
#: create it and the schema stays identical to the models; the scheduler only reads/writes it.
scheduler_jobs = Table(
    "apscheduler_jobs",
    db.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
