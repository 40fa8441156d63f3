"""Trait assessments (evidence of the three civic-entrepreneur traits, one row per assessor)
and the chairs' review decisions on suggested invitees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

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


# --- the scoring inputs' version -------------------------------------------------------------
#: Tables whose rows feed the trait scores (memberships and decisions do not: they re-rank only).
SCORING_TABLES = frozenset({"people", "organisations", "ties", "tags", "tasks", "invitations",
                            "priority_areas", "priority_champions", "trait_assessments"})
#: The row of the network's one-row version table that scoring keeps (the network's is id 1).
SCORING_VERSION_ROW = 2


def bump_scoring_version(session: Session) -> None:
    """Give the scoring inputs a new version on the session's connection (commits with the
    change, seen by every process): the network's version mechanism, on its own row."""
    from crm.network.models import bump

    bump(session, SCORING_VERSION_ROW)


def _touches_scores(objects) -> bool:
    return any(getattr(obj, "__tablename__", None) in SCORING_TABLES for obj in objects)


@event.listens_for(Session, "before_flush")
def _bump_before_flush(session: Session, flush_context, instances) -> None:
    if _touches_scores(session.new) or _touches_scores(session.dirty) or _touches_scores(session.deleted):
        bump_scoring_version(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_statement(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    for mapper in state.all_mappers:
        if mapper.local_table is not None and mapper.local_table.name in SCORING_TABLES:
            bump_scoring_version(state.session)
            return
