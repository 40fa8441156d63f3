"""Partnerships, who belongs to them in which role and pipeline stage, and their meetings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from crm import rules, vocab
from crm.changes.tracking import Tracked
from crm.config import default_timezone
from crm.contacts.models import Organisation, Person
from crm.extensions import db
from crm.timeutil import utcnow


class Partnership(db.Model):
    """A sector partnership: employers of one sector in one region."""

    __tablename__ = "partnerships"
    __audited__ = True
    __table_args__ = (CheckConstraint(vocab.check("stage", vocab.PARTNERSHIP_STAGES), name="stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str] = mapped_column(String(120))
    #: counties of the region, comma-separated as people write them.
    region: Mapped[str | None] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64), default=default_timezone)
    stage: Mapped[str] = mapped_column(String(30), default="scoping")
    launch_target_low: Mapped[int] = mapped_column(Integer, default=rules.LAUNCH_TARGET_LOW)
    launch_target_high: Mapped[int] = mapped_column(Integer, default=rules.LAUNCH_TARGET_HIGH)
    launch_minimum: Mapped[int] = mapped_column(Integer, default=rules.LAUNCH_MINIMUM)
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    memberships: Mapped[list[Membership]] = relationship(back_populates="partnership")
    priority_areas: Mapped[list[PriorityArea]] = relationship(
        back_populates="partnership", order_by="PriorityArea.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def counties(self) -> list[str]:
        return [c.strip() for c in (self.region or "").split(",") if c.strip()]

    def __repr__(self) -> str:
        return f"<Partnership {self.id} {self.name!r}>"


class Membership(db.Model):
    """A person's place in a partnership: role and pipeline stage."""

    __tablename__ = "memberships"
    __audited__ = True
    #: the network shows who is in which partnership; a stage move re-ranks suggestions, never
    #: re-scores; a role does (chairing a partnership is a trait signal)
    __tracked__ = Tracked(graph=("partnership_id", "person_id", "role", "stage"),
                          keys=("partnership_id", "person_id"), facts=("role",), person="person_id",
                          scores=False)
    __table_args__ = (
        UniqueConstraint("partnership_id", "person_id", name="uq_memberships_partnership_person"),
        CheckConstraint(vocab.check("role", vocab.ROLES), name="role"),
        CheckConstraint(vocab.check("stage", vocab.STAGES), name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30), default="member")
    stage: Mapped[str] = mapped_column(String(30), default="candidate", index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: "not now": when the chairs mean to look at this person again (optional).
    revisit_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    partnership: Mapped[Partnership] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Membership p{self.partnership_id} person{self.person_id} {self.role}/{self.stage}>"


class StageChange(db.Model):
    """One move of a membership along the pipeline, with who, when and why."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<StageChange m{self.membership_id} {self.from_stage}->{self.to_stage}>"


class PriorityArea(db.Model):
    """A strategy area the launch meeting clustered, with its champions."""

    __tablename__ = "priority_areas"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="priority_areas")
    champions: Mapped[list[PriorityChampion]] = relationship(
        back_populates="priority_area", cascade="all, delete-orphan", order_by="PriorityChampion.id"
    )
    #: the wall's notes clustered here; a note outlives its area (back to the wall's unsorted pile)
    notes: Mapped[list[PriorityNote]] = relationship(
        back_populates="priority_area", cascade="save-update, merge", passive_deletes=True,
        order_by="PriorityNote.id"
    )

    def __repr__(self) -> str:
        return f"<PriorityArea {self.id} {self.name!r}>"


class PriorityChampion(db.Model):
    """A champion who put their name on a priority area (lead champion if `lead`)."""

    __tablename__ = "priority_champions"
    __tracked__ = Tracked(facts=("person_id", "lead"), person="person_id")
    __table_args__ = (UniqueConstraint("priority_area_id", "person_id", name="uq_priority_champion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_area_id: Mapped[int] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)

    priority_area: Mapped[PriorityArea] = relationship(back_populates="champions")
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<PriorityChampion area{self.priority_area_id} person{self.person_id}>"


class PriorityNote(db.Model):
    """A short note of the launch's wall (section C): an opportunity or a requirement. Captured
    first, on the partnership's wall (at its launch meeting, if given), then clustered into a
    priority area; `priority_area_id` is empty while the note is still unsorted."""

    __tablename__ = "priority_notes"
    __audited__ = True
    __table_args__ = (CheckConstraint(vocab.check("kind", vocab.NOTE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    #: the meeting whose wall it was written on (the launch), if any
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    priority_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    priority_area: Mapped[PriorityArea | None] = relationship(back_populates="notes")

    @validates("priority_area")
    def _on_the_areas_wall(self, _key, area: PriorityArea | None) -> PriorityArea | None:
        """A note put in an area (`area.notes.append(note)` included) is on that area's
        partnership's wall, unless it says which already."""
        if area is not None and self.partnership_id is None:
            self.partnership_id = area.partnership_id
        return area

    def __repr__(self) -> str:
        return f"<PriorityNote p{self.partnership_id} area{self.priority_area_id} {self.kind}>"


meeting_chairs = Table(
    "meeting_chairs",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(db.Model):
    """A partnership meeting or call (launch, second meeting, champion call)."""

    __tablename__ = "meetings"
    __audited__ = True
    __table_args__ = (CheckConstraint(vocab.check("kind", vocab.MEETING_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30), default="launch")
    title: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    location: Mapped[str | None] = mapped_column(String(300))
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    priority_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_areas.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(Text)
    #: what was agreed to do next (a champion call's next steps, one a line)
    next_steps: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the last change (its calendar event's DTSTAMP and LAST-MODIFIED, crm/outreach/ics.py)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    #: when its date was last set (created or moved): the notice the invitations had.
    date_set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    partnership: Mapped[Partnership] = relationship()
    host: Mapped[Organisation | None] = relationship()
    chairs: Mapped[list[Person]] = relationship(secondary=meeting_chairs)
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.kind} {self.starts_at:%Y-%m-%d}>"


class Invitation(db.Model):
    """A person invited to a meeting, their answer, and whether they attended."""

    __tablename__ = "invitations"
    __audited__ = True
    __tracked__ = Tracked(facts=("person_id", "attended"), person="person_id")
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_invitations_meeting_person"),
        CheckConstraint(
            "response IN ('pending', 'accepted', 'declined', 'no_answer')", name="response"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    response: Mapped[str] = mapped_column(String(20), default="pending")
    attended: Mapped[bool | None] = mapped_column(Boolean)
    #: came to the meeting without an invitation (added at the door): never a no-show.
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation meeting{self.meeting_id} person{self.person_id} {self.response}>"
