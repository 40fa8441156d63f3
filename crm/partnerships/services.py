"""Partnership operations: create, add members, move them along the pipeline (the one stage
move), and load the launch-readiness gauge (computed by the pure crm.partnerships.readiness).
Flush only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from crm import vocab
from crm.accounts.models import PartnershipAccess
from crm.config import default_timezone
from crm.contacts.models import Organisation, Person
from crm.extensions import db
from crm.partnerships.models import Membership, Partnership, PriorityArea, PriorityChampion, StageChange
from crm.partnerships.readiness import Member, Readiness, launch_readiness
from crm.timeutil import utcnow


class PartnershipError(ValueError):
    """A change refused, with a message for the person who asked."""


def create_partnership(name: str, sector: str, region: str | None = None,
                       timezone: str | None = None, stage: str = "scoping", creator=None,
                       **targets) -> Partnership:
    """A new partnership. A convener who creates one runs it, so `creator` (a user other than
    an admin, who sees every partnership anyway) is given access to it at once."""
    name = (name or "").strip()
    if not name:
        raise PartnershipError("A partnership needs a name.")
    if db.session.scalar(select(Partnership.id).where(Partnership.name == name)):
        raise PartnershipError(f"A partnership named {name!r} already exists.")
    if stage not in vocab.values(vocab.PARTNERSHIP_STAGES):
        raise PartnershipError(f"Unknown stage {stage!r}.")
    partnership = Partnership(name=name, sector=(sector or "").strip(), region=region,
                              timezone=timezone or default_timezone(), stage=stage, **targets)
    db.session.add(partnership)
    db.session.flush()
    if creator is not None and not creator.is_admin:
        creator.accesses.append(PartnershipAccess(partnership_id=partnership.id))
        db.session.flush()
    return partnership


def membership_of(partnership_id: int, person_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.person_id == person_id))


#: the answer to a person id naming no one the user may add (missing, archived or not visible)
NO_SUCH_PERSON = "No such person (or they are archived)."


def add_member(partnership: Partnership, person_id: int, role: str = "member",
               stage: str = "candidate", user_id: int | None = None) -> Membership:
    """Add a person to a partnership in a role and pipeline stage."""
    if role not in vocab.values(vocab.ROLES):
        raise PartnershipError(f"Unknown role {role!r}.")
    if stage not in vocab.values(vocab.STAGES):
        raise PartnershipError(f"Unknown stage {stage!r}.")
    person = db.session.get(Person, person_id)
    if person is None or person.archived_at is not None:
        raise PartnershipError(NO_SUCH_PERSON)
    if membership_of(partnership.id, person_id) is not None:
        raise PartnershipError(f"{person.name} is already in {partnership.name}.")
    membership = Membership(partnership_id=partnership.id, person_id=person_id, role=role, stage=stage)
    db.session.add(membership)
    db.session.flush()
    db.session.add(StageChange(membership_id=membership.id, from_stage=None, to_stage=stage,
                               user_id=user_id))
    db.session.flush()
    return membership


def add_people(partnership: Partnership, people, role: str = "member", stage: str = "candidate",
               user_id: int | None = None) -> tuple[list[Person], list[Person]]:
    """Add several people at once (the people list's bulk action, the person page): returns
    (added, already members). Archived or merged-away people are neither: the caller resolved
    who the user may see; nobody is added twice."""
    people = [p for p in dict.fromkeys(people) if p.archived_at is None and p.merged_into_id is None]
    inside = set(db.session.scalars(select(Membership.person_id).where(
        Membership.partnership_id == partnership.id,
        Membership.person_id.in_([p.id for p in people] or [-1]))))
    added, already = [], []
    for person in people:
        if person.id in inside:
            already.append(person)
        else:
            add_member(partnership, person.id, role, stage, user_id=user_id)
            added.append(person)
    return added, already


def membership_in(partnership: Partnership, membership_id: int) -> Membership | None:
    """A membership of this partnership by id (None if there is none, or it is another's)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.partnership_id != partnership.id:
        return None
    return membership


def move_stage(membership: Membership, stage: str, user_id: int | None = None,
               reason: str | None = None, role: str | None = None,
               revisit_on: date | None = None) -> Membership:
    """Move a member along the pipeline (and give them a new role, if one is given); every
    move of stage is recorded, with the reason if there is one. "Not now" needs a reason
    and may carry a date to revisit; leaving it clears the date. A reason given without a move
    (a new reason for "not now", a role change with a note) is recorded on the stage it stays
    at, unless it repeats the newest reason: what was typed is never dropped."""
    if stage not in vocab.values(vocab.STAGES):
        raise PartnershipError(f"Unknown stage {stage!r}.")
    if role is not None:
        if role not in vocab.values(vocab.ROLES):
            raise PartnershipError(f"Unknown role {role!r}.")
        membership.role = role
    reason = reason or None
    if stage == "not_now" and not reason:
        raise PartnershipError("Say why not now (a few words are enough).")
    membership.revisit_on = revisit_on if stage == "not_now" else None
    if stage == membership.stage:
        if reason and reason != _newest_reason(membership.id):
            db.session.add(StageChange(membership_id=membership.id, from_stage=stage, to_stage=stage,
                                       user_id=user_id, reason=reason))
            db.session.flush()
        return membership
    db.session.add(StageChange(membership_id=membership.id, from_stage=membership.stage,
                               to_stage=stage, user_id=user_id, reason=reason))
    membership.stage = stage
    membership.stage_changed_at = utcnow()
    db.session.flush()
    return membership


def _newest_reason(membership_id: int) -> str | None:
    return db.session.scalar(select(StageChange.reason).where(
        StageChange.membership_id == membership_id, StageChange.reason.is_not(None))
        .order_by(StageChange.id.desc()).limit(1))


def add_priority_area(partnership: Partnership, name: str, champion_ids=(), lead_id=None,
                      description: str | None = None) -> PriorityArea:
    area = PriorityArea(partnership_id=partnership.id, name=name, description=description)
    area.champions = [PriorityChampion(person_id=pid, lead=(pid == lead_id)) for pid in champion_ids]
    db.session.add(area)
    db.session.flush()
    return area


def readiness(partnership: Partnership) -> Readiness:
    """The launch-readiness gauge of a partnership, from its pipeline ("not now" is a stage of
    its own, never an answer to an ask)."""
    return readiness_of([partnership])[partnership.id]


def readiness_of(partnerships) -> dict[int, Readiness]:
    """The gauge of each partnership, from one query however many partnerships and members
    (the dashboard shows every partnership's): members counted by stage, role and side."""
    m, p, o = Membership.__table__.c, Person.__table__.c, Organisation.__table__.c
    by_id = {partnership.id: partnership for partnership in partnerships}
    rows = db.session.execute(
        select(m.partnership_id, m.stage, m.role, o.side, func.count())
        .select_from(Membership.__table__.join(Person.__table__, p.id == m.person_id)
                     .outerjoin(Organisation.__table__, o.id == p.organisation_id))
        .where(m.partnership_id.in_(list(by_id) or [-1]))
        .group_by(m.partnership_id, m.stage, m.role, o.side)).all()
    members: dict[int, list[Member]] = {pid: [] for pid in by_id}
    for pid, stage, role, side, count in rows:
        members[pid].extend([Member(stage, side == "employer", role)] * count)
    return {pid: launch_readiness(members[pid], partnership.launch_target_low,
                                  partnership.launch_target_high, partnership.launch_minimum)
            for pid, partnership in by_id.items()}
