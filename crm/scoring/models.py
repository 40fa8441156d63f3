"""Trait assessments (evidence of the three civic-entrepreneur traits, one row per assessor)
and the chairs' review decisions on suggested invitees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import vocab
from crm.changes.tracking import Tracked
from crm.contacts.models import Person
from crm.extensions import db
from crm.timeutil import utcnow


class TraitAssessment(db.Model):
    """One assessor's rating (0-3) of one trait of one person, with the evidence."""

    __tablename__ = "trait_assessments"
    __audited__ = True
    __tracked__ = Tracked(facts=("person_id", "trait", "rating", "assessor_id"), person="person_id")
    __table_args__ = (
        CheckConstraint(vocab.check("trait", vocab.TRAITS), name="trait"),
        CheckConstraint("rating BETWEEN 0 AND 3", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: the partnership the assessment was made for (None: for the contact base).
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    trait: Mapped[str] = mapped_column(String(20))
    rating: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<TraitAssessment person{self.person_id} {self.trait}={self.rating}>"


class ReviewDecision(db.Model):
    """A chair's (or convener's) decision on a suggested invitee: kept with who and when."""

    __tablename__ = "review_decisions"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(vocab.check("decision", vocab.REVIEW_DECISIONS), name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    #: why "not now" (required), or any note.
    reason: Mapped[str | None] = mapped_column(Text)
    #: who makes the ask ("I'll ask": the chair's person; "someone else": the one named).
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: the score when decided, so later readers see what the chair saw.
    score: Mapped[float | None] = mapped_column(Float)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    asker: Mapped[Person | None] = relationship(foreign_keys=[asker_id])
    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ReviewDecision p{self.partnership_id} person{self.person_id} {self.decision}>"
