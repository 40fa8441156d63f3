"""Read-side queries for people and organisations, shared by pages and the API."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from crm.accounts.access import limit_partnerships, limit_people
from crm.audit.models import AuditEntry
from crm.contacts.forms import SearchArgs
from crm.contacts.models import Organisation, Person, Tag, name_key, person_tags
from crm.contacts.services import ties_of
from crm.extensions import db
from crm.outreach.models import Task
from crm.partnerships.models import Invitation, Meeting, Membership
from crm.scoring.models import TraitAssessment


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people_query(args: SearchArgs, user) -> Select:
    """People matching the list page's search, filters and sort, as the user may see them."""
    stmt = select(Person).outerjoin(Organisation, Person.organisation_id == Organisation.id)
    stmt = stmt.where(Person.archived_at.is_not(None) if args.archived else Person.archived_at.is_(None))
    stmt = stmt.where(Person.merged_into_id.is_(None))
    if args.q:
        key = name_key(args.q)
        raw = _like(args.q.lower())
        conditions = [
            func.lower(Person.email).like(raw, escape="\\"),
            func.lower(Person.title).like(raw, escape="\\"),
            exists().where(person_tags.c.person_id == Person.id, person_tags.c.tag_id == Tag.id,
                           func.lower(Tag.name).like(raw, escape="\\")),
        ]
        if key:
            conditions += [Person.name_key.like(_like(key), escape="\\"),
                           Organisation.name_key.like(_like(key), escape="\\")]
        stmt = stmt.where(or_(*conditions))
    if args.side:
        stmt = stmt.where(Organisation.side == args.side)
    if args.kind:
        stmt = stmt.where(Organisation.kind == args.kind)
    if args.sector:
        stmt = stmt.where(func.lower(Organisation.sector) == args.sector.lower())
    if args.county:
        stmt = stmt.where(func.lower(Organisation.county) == args.county.lower())
    if args.tag:
        stmt = stmt.where(exists().where(person_tags.c.person_id == Person.id,
                                         person_tags.c.tag_id == Tag.id,
                                         func.lower(Tag.name) == args.tag.lower()))
    if args.partnership or args.stage:
        # only memberships of partnerships the user may see: a stage elsewhere is not theirs
        member = limit_partnerships(select(Membership.person_id), Membership.partnership_id, user)
        if args.partnership:
            member = member.where(Membership.partnership_id == args.partnership)
        if args.stage:
            member = member.where(Membership.stage == args.stage)
        stmt = stmt.where(Person.id.in_(member))
    stmt = limit_people(stmt, Person.id, user)
    order = {
        "name": (Person.name_key, Person.id),
        "-name": (Person.name_key.desc(), Person.id.desc()),
        "organisation": (Organisation.name_key, Person.name_key, Person.id),
        "-organisation": (Organisation.name_key.desc(), Person.name_key, Person.id),
        "updated": (Person.updated_at, Person.id),
        "-updated": (Person.updated_at.desc(), Person.id.desc()),
    }[args.sort]
    return stmt.order_by(*order)


def page_of_people(args: SearchArgs, user, page_size: int) -> tuple[list[Person], bool]:
    """One page of people (organisations and tags loaded), and whether another page follows."""
    stmt = (
        people_query(args, user)
        .options(selectinload(Person.organisation), selectinload(Person.tags))
        .offset((args.page - 1) * page_size)
        .limit(page_size + 1)
    )
    rows = db.session.scalars(stmt).all()
    return rows[:page_size], len(rows) > page_size


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.archived_at.is_(None))
        .order_by(Organisation.name_key)
    ).all()
    return [(0, "(none)")] + [(oid, name) for oid, name in rows]


def people_search(q: str, user, limit: int = 10, exclude: int | None = None,
                  not_in_partnership: int | None = None):
    """People whose name (or email) starts like `q`, as the user may see them: autocomplete
    (`not_in_partnership`: leave out that partnership's members, for adding people to it)."""
    key = name_key(q)
    if not key:
        return []
    escaped = _like(key)[1:-1]
    stmt = (select(Person).where(Person.archived_at.is_(None), Person.merged_into_id.is_(None),
                                 or_(Person.name_key.like(f"{escaped}%", escape="\\"),
                                     Person.name_key.like(f"% {escaped}%", escape="\\"),
                                     func.lower(Person.email).like(_like(q.strip().lower())[1:], escape="\\")))
            .options(selectinload(Person.organisation))
            .order_by(Person.name_key, Person.id).limit(limit))
    if exclude:
        stmt = stmt.where(Person.id != exclude)
    if not_in_partnership:
        stmt = stmt.where(Person.id.not_in(select(Membership.person_id).where(
            Membership.partnership_id == not_in_partnership)))
    return db.session.scalars(limit_people(stmt, Person.id, user)).all()


def person_page(person: Person, user) -> dict:
    """Everything known about a person that `user` may see, each list loaded in one query."""
    memberships = db.session.scalars(limit_partnerships(
        select(Membership).where(Membership.person_id == person.id)
        .options(selectinload(Membership.partnership)), Membership.partnership_id, user)).all()
    assessments_stmt = select(TraitAssessment).where(TraitAssessment.person_id == person.id)
    if user.is_staff and not user.is_admin:
        assessments_stmt = assessments_stmt.where(or_(
            TraitAssessment.partnership_id.is_(None),
            TraitAssessment.partnership_id.in_(user.partnership_ids or [-1])))
    elif not user.is_staff:
        assessments_stmt = assessments_stmt.where(
            TraitAssessment.partnership_id.in_(user.partnership_ids or [-1]))
    assessments = db.session.scalars(assessments_stmt.order_by(TraitAssessment.created_at.desc())
                                     .limit(100)).all()
    tasks = db.session.scalars(limit_partnerships(
        select(Task).where(or_(Task.person_id == person.id, Task.owner_id == person.id))
        .options(selectinload(Task.person), selectinload(Task.owner))
        .order_by(Task.due.desc()).limit(100), Task.partnership_id, user)).all()
    invitations = db.session.scalars(limit_partnerships(
        select(Invitation).join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Invitation.person_id == person.id)
        .options(selectinload(Invitation.meeting).selectinload(Meeting.partnership))
        .order_by(Meeting.starts_at.desc()).limit(100), Meeting.partnership_id, user)).all()
    ties, history = [], []
    if user.is_staff:
        ties = ties_of(person.id)
        history = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "people", AuditEntry.entity_id == person.id)
            .order_by(AuditEntry.id.desc()).limit(50)).all()
    return {"memberships": memberships, "assessments": assessments, "tasks": tasks,
            "invitations": invitations, "ties": ties, "history": history,
            "knows": [t for t in ties if t.kind == "knows"],
            "referred_by": [t for t in ties if t.kind == "referred" and t.target_id == person.id],
            "referred": [t for t in ties if t.kind == "referred" and t.source_id == person.id]}
