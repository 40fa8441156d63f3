"""People, organisations and the ties between them: the convening team's shared memory."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import vocab
from crm.changes.tracking import Tracked
from crm.extensions import db
from crm.timeutil import utcnow


def name_key(name: str | None) -> str:
    """Normalised name used for matching: no accents, case, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


person_tags = Table(
    "person_tags",
    db.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_person_tags_tag_id", "tag_id"),
)


class Organisation(db.Model):
    """An employer of the sector or a community partner organisation."""

    __tablename__ = "organisations"
    __audited__ = True
    #: the network shows name, side and sector; fit (suggestions) also reads the county
    __tracked__ = Tracked(graph=("name", "side", "sector"), facts=("county",))
    __table_args__ = (
        CheckConstraint(vocab.check("side", vocab.SIDES), name="side"),
        CheckConstraint(vocab.check("kind", vocab.ORG_KINDS), name="kind"),
        CheckConstraint(
            "(side = 'employer' AND kind = 'employer') OR (side = 'community' AND kind <> 'employer')",
            name="side_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    side: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    sector: Mapped[str | None] = mapped_column(String(120), index=True)
    naics: Mapped[str | None] = mapped_column(String(6))
    county: Mapped[str | None] = mapped_column(String(120), index=True)
    city: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    people: Mapped[list[Person]] = relationship(back_populates="organisation")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_employer(self) -> bool:
        return self.side == "employer"

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.side}>"


class Tag(db.Model):
    """A free label on people (civic roles, interests, sources)."""

    __tablename__ = "tags"
    #: a renamed tag changes the civic roles read from it (scores reload, nobody is named)
    __tracked__ = Tracked(facts=("name",))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class Person(db.Model):
    """A leader: employer CEO, champion, community partner staff, convener."""

    __tablename__ = "people"
    __audited__ = True
    __tracked__ = Tracked(graph=("name", "organisation_id", "merged_into_id", "archived_at"),
                          facts=("title", "tags"), person="id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    #: set when this record was merged into another (kept for undo and history).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")
    tags: Mapped[list[Tag]] = relationship(secondary=person_tags, order_by="Tag.name")

    __mapper_args__ = {"version_id_col": version}

    @property
    def side(self) -> str | None:
        """Employer or community side, which follows from the organisation."""
        return self.organisation.side if self.organisation else None

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name!r}>"


class Tie(db.Model):
    """A relationship between two people.

    `knows` is mutual: stored once with source_id < target_id. `referred` is directed:
    source referred target, in a partnership, at a meeting or call.
    """

    __tablename__ = "ties"
    __audited__ = True
    __tracked__ = Tracked(graph=("kind", "source_id", "target_id", "strength"), keys=("source_id", "target_id"))
    __table_args__ = (
        CheckConstraint(vocab.check("kind", vocab.TIE_KINDS), name="kind"),
        CheckConstraint("source_id <> target_id", name="not_self"),
        CheckConstraint("strength BETWEEN 1 AND 3", name="strength"),
        UniqueConstraint("kind", "source_id", "target_id", name="uq_ties_kind_pair"),
        Index("ix_ties_target", "target_id", "kind"),
        Index("ix_ties_source", "source_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    strength: Mapped[int] = mapped_column(Integer, default=1)
    context: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(120))
    since: Mapped[date | None] = mapped_column(Date)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    source_person: Mapped[Person] = relationship(foreign_keys=[source_id])
    target_person: Mapped[Person] = relationship(foreign_keys=[target_id])

    def other(self, person_id: int) -> int:
        """The id at the other end of the tie from `person_id`."""
        return self.target_id if self.source_id == person_id else self.source_id

    def __repr__(self) -> str:
        return f"<Tie {self.id} {self.source_id}-{self.kind}->{self.target_id}>"


class TieDismissal(db.Model):
    """A suggested tie a convener dismissed (crm/contacts/tie_suggestions.py): the pair is not
    suggested again. Either order of the pair counts (a merge may move either end)."""

    __tablename__ = "tie_dismissals"
    __table_args__ = (UniqueConstraint("person_a_id", "person_b_id", name="uq_tie_dismissals_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<TieDismissal {self.person_a_id}-{self.person_b_id}>"
