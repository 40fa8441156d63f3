"""Referrals named on the launch's wall (issue 14 item 2): an attendee names a peer who should
be involved; the peer becomes a person (matched if already recorded), a `referred` tie from the
attendee, at that meeting, and a candidate in the partnership's pipeline. Flush only; the
request commits."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from crm.accounts.access import can_see_person
from crm.contacts import services as contacts
from crm.contacts.models import Person, Tie, name_key
from crm.extensions import db
from crm.launch.attendance import COMMUNITY, EMPLOYER
from crm.launch.referral_rules import pick_match, referral_problem
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Meeting, Membership

#: where a referral's tie says it came from
TIE_SOURCE = "launch wall"


class ReferralError(ValueError):
    """Input a referral cannot take; `field` names the input at fault."""

    def __init__(self, message: str, field: str = "name"):
        super().__init__(message)
        self.field = field


@dataclass
class Referral:
    """What one referral recorded, and which of the three rows it made now."""

    person: Person
    tie: Tie
    membership: Membership
    person_created: bool
    tie_created: bool
    membership_created: bool

    @property
    def created(self) -> bool:
        return self.person_created or self.tie_created or self.membership_created


def present_ids(meeting: Meeting) -> set[int]:
    """People marked present at the meeting (walk-ins included)."""
    return set(db.session.scalars(select(Invitation.person_id).where(
        Invitation.meeting_id == meeting.id, Invitation.attended.is_(True))))


def referrals_at(meeting: Meeting) -> list[Tie]:
    """The referrals named at this meeting, oldest first."""
    return db.session.scalars(select(Tie).where(Tie.kind == "referred", Tie.meeting_id == meeting.id)
                              .order_by(Tie.id)).all()


def _match(user, name: str, email: str | None, organisation_id: int | None) -> Person | None:
    """The person already recorded that the referral names, among those `user` may see: the
    same email, or the same name at the same organisation, or (no organisation, no email given)
    the one live person of exactly that name."""
    found = [(p.id, why) for p, why in contacts.possible_duplicates(name, email, organisation_id, limit=20)
             if can_see_person(user, p.id)]
    if not found and not organisation_id and not email:
        same = db.session.scalars(select(Person.id).where(
            Person.name_key == name_key(name), Person.archived_at.is_(None),
            Person.merged_into_id.is_(None)).limit(3)).all()
        same = [pid for pid in same if can_see_person(user, pid)]
        found = [(same[0], "same name")] if len(same) == 1 else []
    person_id = pick_match(found)
    return db.session.get(Person, person_id) if person_id is not None else None


def refer(meeting: Meeting, referrer: Person, name: str, user, organisation_name: str | None = None,
          email: str | None = None, title: str | None = None, side: str | None = None) -> Referral:
    """Record that `referrer` (present at `meeting`) names a peer who should be involved.
    A new organisation is recorded on `side` (an employer unless said otherwise: peers named on
    the wall are mostly employers)."""
    name = " ".join((name or "").split())
    if not name:
        raise ReferralError("Name the peer who should be involved.")
    if len(name) > 200:
        raise ReferralError("That name is too long (200 characters at most).")
    email = (email or "").strip().lower() or None
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as error:
            raise ReferralError(f"That email does not look right: {error}", "email") from None
    if side not in (None, "", EMPLOYER, COMMUNITY):
        raise ReferralError("Side is employer or community.", "side")
    present = present_ids(meeting)
    problem = referral_problem(present, referrer.id, None)
    if problem:
        raise ReferralError(problem[1], problem[0])
    organisation_name = " ".join((organisation_name or "").split())
    org = contacts.find_organisation(organisation_name) if organisation_name else None
    person = _match(user, name, email, org.id if org else None)
    problem = referral_problem(present, referrer.id, person.id if person else None)
    if problem:
        raise ReferralError(problem[1], problem[0])
    person_created = person is None
    if person is None:
        try:
            if organisation_name and org is None:
                org = contacts.save_organisation(None, {"name": organisation_name,
                                                        "kind": "other" if side == COMMUNITY else "employer"})
            person = contacts.save_person(None, {"name": name, "email": email, "title": title or None,
                                                 "organisation_id": org.id if org else None})
        except contacts.ContactError as error:
            raise ReferralError(str(error)) from None
    tie = db.session.scalar(select(Tie).where(Tie.kind == "referred", Tie.source_id == referrer.id,
                                              Tie.target_id == person.id))
    tie_created = tie is None
    if tie is None:
        tie = contacts.add_tie("referred", referrer.id, person.id, context=f"named at {meeting_title(meeting)}",
                               source=TIE_SOURCE, partnership_id=meeting.partnership_id,
                               created_by_id=getattr(user, "id", None))
        tie.meeting_id = meeting.id
    membership = partnerships.membership_of(meeting.partnership_id, person.id)
    membership_created = membership is None
    if membership is None:
        community = person.organisation is not None and person.organisation.side == COMMUNITY
        membership = partnerships.add_member(meeting.partnership, person.id,
                                             "community_partner" if community else "member", "candidate",
                                             getattr(user, "id", None))
    db.session.flush()
    return Referral(person, tie, membership, person_created, tie_created, membership_created)


def meeting_title(meeting: Meeting) -> str:
    return meeting.title or f"the {meeting.kind.replace('_', ' ')} meeting of {meeting.starts_at:%d %b %Y}"
