"""Suggested ties, loaded for the pure core (crm/contacts/tie_suggestions.py): colleagues at
the same organisation and people who attended the same meeting of a partnership the user sees;
confirmed one at a time (a `knows` tie whose source says why) or dismissed (not suggested again).
Flush only; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from crm.accounts.access import limit_partnerships
from crm.contacts import services
from crm.contacts.models import Organisation, Person, Tie, TieDismissal
from crm.contacts.tie_suggestions import Suggestion, pair, suggest
from crm.extensions import db
from crm.partnerships.models import Invitation, Meeting, Partnership

#: what a confirmed suggestion records as its tie's source
SOURCES = {"colleagues": "suggested: same organisation", "attended": "suggested: same meeting"}


@dataclass
class Shown:
    """A suggestion with the names a page shows."""

    suggestion: Suggestion
    first: Person
    second: Person
    where: str


def _live(stmt):
    return stmt.where(Person.archived_at.is_(None), Person.merged_into_id.is_(None))


def suggestions(user, person_id: int | None = None, limit: int = 50) -> list[Shown]:
    """Up to `limit` ties worth suggesting (only those of `person_id` when given)."""
    org_stmt = _live(select(Person.id, Person.organisation_id).where(Person.organisation_id.is_not(None)))
    meet_stmt = (select(Invitation.meeting_id, Invitation.person_id).join(Meeting, Meeting.id == Invitation.meeting_id)
                 .join(Person, Person.id == Invitation.person_id).where(Invitation.attended.is_(True)))
    meet_stmt = _live(limit_partnerships(meet_stmt, Meeting.partnership_id, user))
    tie_stmt = select(Tie.source_id, Tie.target_id).where(Tie.kind == "knows")
    if person_id is not None:
        me = db.session.get(Person, person_id)
        org_stmt = org_stmt.where(Person.organisation_id == (me.organisation_id if me else -1))
        mine = select(Invitation.meeting_id).where(Invitation.person_id == person_id,
                                                   Invitation.attended.is_(True))
        meet_stmt = meet_stmt.where(Invitation.meeting_id.in_(mine))
        tie_stmt = tie_stmt.where(or_(Tie.source_id == person_id, Tie.target_id == person_id))
    colleagues: dict[int, list[int]] = {}
    for pid, org_id in db.session.execute(org_stmt):
        colleagues.setdefault(org_id, []).append(pid)
    attendance: dict[int, list[int]] = {}
    for meeting_id, pid in db.session.execute(meet_stmt):
        attendance.setdefault(meeting_id, []).append(pid)
    tied = {pair(a, b) for a, b in db.session.execute(tie_stmt)}
    dismissed = {pair(a, b) for a, b in db.session.execute(
        select(TieDismissal.person_a_id, TieDismissal.person_b_id))}
    found = suggest(colleagues, attendance, tied, dismissed, person=person_id, limit=limit)
    ids = {i for s in found for i in (s.first, s.second)}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids or [-1])))}
    orgs = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({s.where for s in found if s.why == "colleagues"} or [-1]))).all())
    meetings = {m.id: m for m in db.session.scalars(select(Meeting).where(
        Meeting.id.in_({s.where for s in found if s.why == "attended"} or [-1])))}
    partnerships = dict(db.session.execute(select(Partnership.id, Partnership.name).where(
        Partnership.id.in_({m.partnership_id for m in meetings.values()} or [-1]))).all())

    def where(s: Suggestion) -> str:
        if s.why == "colleagues":
            return f"both at {orgs.get(s.where, 'the same organisation')}"
        meeting = meetings[s.where]
        return f"both attended {partnerships.get(meeting.partnership_id, '')} {meeting.kind} " \
               f"of {meeting.starts_at:%d %b %Y}".replace("  ", " ")

    return [Shown(s, people[s.first], people[s.second], where(s)) for s in found]


def still_suggested(user, first: int, second: int) -> Suggestion | None:
    """The suggestion for this pair if it is (still) one the user would be offered."""
    for shown in suggestions(user, person_id=first, limit=10**6):
        if pair(first, second) == (shown.suggestion.first, shown.suggestion.second):
            return shown.suggestion
    return None


def confirm(suggestion: Suggestion, user_id: int | None) -> Tie:
    """Record the suggested tie, its source saying why it was suggested."""
    return services.add_tie("knows", suggestion.first, suggestion.second, suggestion.strength,
                            source=SOURCES[suggestion.why], created_by_id=user_id)


def dismiss(suggestion: Suggestion, user_id: int | None) -> None:
    """Never suggest this pair again."""
    db.session.add(TieDismissal(person_a_id=suggestion.first, person_b_id=suggestion.second,
                                dismissed_by_id=user_id))
    db.session.flush()
