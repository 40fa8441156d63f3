"""Trait assessments: evidence of the three civic-entrepreneur traits, one row per assessor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm import vocab
from crm.contacts.models import Person
from crm.extensions import db
from crm.timeutil import utcnow


class TraitAssessment(db.Model):
    """One assessor's rating (0-3) of one trait of one person, with the evidence."""

    __tablename__ = "trait_assessments"
    __audited__ = True
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
