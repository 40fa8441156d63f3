"""Who may see and change what: the one place every view and API handler asks.

Rules (issue 2, "Accounts and access"):
- admins and conveners see the whole contact base (people, organisations, ties);
- everything that belongs to a partnership is seen only by users given it (admins: all);
- chairs and viewers see people only through the partnerships they were given;
- viewers never change anything; chairs change only their partnerships' reviews and tasks.
An object the user may not see answers 404, never 403, so ids of other partnerships leak
nothing.

Every id a client sends, in the URL, a form field, a query string or a JSON body, goes through
one resolver here (`visible_person(user, raw)`, `visible_organisation`, `visible_partnership`,
`visible_membership`, `visible_meeting`, `visible_task`, `visible_tie`,
`visible_commitment`): it parses the raw value
(crm/ids.py) and answers the object only if it exists and the user may see it, else None. So a
missing id and an id the user may not see get one answer (the same status, the same message)
and nothing tells which ids exist. The `get_..._or_404` helpers are the URL ids' use of them.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.health.models import HealthNote
from crm.ids import parse_id
from crm.launch.models import Commitment
from crm.outreach.models import Task
from crm.partnerships.models import Meeting, Membership, Partnership, PriorityArea, PriorityNote


def visible_partnership_ids(user) -> set[int] | None:
    """Ids of partnerships the user may see; None means all (admin)."""
    if user.is_admin:
        return None
    return user.partnership_ids


def can_see_partnership(user, partnership_id: int) -> bool:
    ids = visible_partnership_ids(user)
    return ids is None or partnership_id in ids


def can_edit_partnership(user, partnership_id: int) -> bool:
    """Conveners and admins edit a partnership's data; chairs only their review and tasks."""
    return user.is_staff and can_see_partnership(user, partnership_id)


def limit_partnerships(stmt: Select, column, user) -> Select:
    """Restrict a query to rows whose `column` (a partnership id) the user may see."""
    ids = visible_partnership_ids(user)
    if ids is None:
        return stmt
    return stmt.where(column.in_(ids or [-1]))


def limit_people(stmt: Select, person_id_column, user) -> Select:
    """Restrict a query of people to those the user may see."""
    if user.is_staff:
        return stmt
    members = select(Membership.person_id).where(
        Membership.partnership_id.in_(user.partnership_ids or [-1])
    )
    return stmt.where(person_id_column.in_(members))


def can_see_person(user, person_id: int) -> bool:
    if user.is_staff:
        return True
    ids = user.partnership_ids
    if not ids:
        return False
    found = db.session.scalar(
        select(Membership.id)
        .where(Membership.person_id == person_id, Membership.partnership_id.in_(ids))
        .limit(1)
    )
    return found is not None


def can_see_organisation(user, organisation_id: int) -> bool:
    """Staff see every organisation; others those of a person they may see."""
    if user.is_staff:
        return True
    stmt = limit_people(select(Person.id).where(Person.organisation_id == organisation_id), Person.id, user)
    return db.session.scalar(stmt.limit(1)) is not None


# --- resolvers: a raw id from anywhere -> the object, or None (missing and invisible alike) ---

def visible_person(user, raw) -> Person | None:
    """The person `raw` names, if `user` may see them."""
    person_id = parse_id(raw)
    if person_id is None or not can_see_person(user, person_id):
        return None
    return db.session.get(Person, person_id)


def visible_organisation(user, raw) -> Organisation | None:
    """The organisation `raw` names, if `user` may see it."""
    organisation_id = parse_id(raw)
    if organisation_id is None or not can_see_organisation(user, organisation_id):
        return None
    return db.session.get(Organisation, organisation_id)


def visible_partnership(user, raw) -> Partnership | None:
    """The partnership `raw` names, if `user` was given it (admins: any)."""
    partnership_id = parse_id(raw)
    if partnership_id is None or not can_see_partnership(user, partnership_id):
        return None
    return db.session.get(Partnership, partnership_id)


def _of_visible_partnership(user, model, raw):
    object_id = parse_id(raw)
    found = db.session.get(model, object_id) if object_id is not None else None
    if found is None or not can_see_partnership(user, found.partnership_id):
        return None
    return found


def visible_membership(user, raw) -> Membership | None:
    """The membership `raw` names, if its partnership is visible to `user`."""
    return _of_visible_partnership(user, Membership, raw)


def visible_meeting(user, raw) -> Meeting | None:
    """The meeting `raw` names, if its partnership is visible to `user`."""
    return _of_visible_partnership(user, Meeting, raw)


def visible_priority_area(user, raw) -> PriorityArea | None:
    """The priority area `raw` names, if its partnership is visible to `user`."""
    return _of_visible_partnership(user, PriorityArea, raw)


def visible_commitment(user, raw) -> Commitment | None:
    """The commitment `raw` names, if its priority area's partnership is visible to `user`."""
    commitment_id = parse_id(raw)
    found = db.session.get(Commitment, commitment_id) if commitment_id is not None else None
    if found is None or not can_see_partnership(user, found.priority_area.partnership_id):
        return None
    return found


def visible_priority_note(user, raw) -> PriorityNote | None:
    """The wall note `raw` names, if its partnership is visible to `user`."""
    return _of_visible_partnership(user, PriorityNote, raw)


def visible_task(user, raw) -> Task | None:
    """The task `raw` names, if its partnership is visible to `user`."""
    return _of_visible_partnership(user, Task, raw)


def visible_health_note(user, raw) -> HealthNote | None:
    """The convener's health note `raw` names, if its partnership is visible to `user`."""
    return _of_visible_partnership(user, HealthNote, raw)


def visible_tie(user, raw) -> Tie | None:
    """The tie `raw` names, if `user` may see both its people."""
    tie_id = parse_id(raw)
    tie = db.session.get(Tie, tie_id) if tie_id is not None else None
    if tie is None or not (can_see_person(user, tie.source_id) and can_see_person(user, tie.target_id)):
        return None
    return tie


def visible_person_ids(user, ids: list[int]) -> list[int]:
    """Those of `ids` (parsed ids) naming people `user` may see, in order: for bulk actions,
    where a missing and an invisible id are both skipped alike."""
    if not ids:
        return []
    found = set(db.session.scalars(limit_people(select(Person.id).where(Person.id.in_(ids)), Person.id, user)))
    return [i for i in ids if i in found]


def visible_people(user, raw_ids) -> list[Person] | None:
    """Every person `raw_ids` name, in order, once each, if `user` may see them all; None as
    soon as one is missing, invisible or not an id (one answer for all three)."""
    found: dict[int, Person] = {}
    for raw in raw_ids:
        person = visible_person(user, raw)
        if person is None:
            return None
        found.setdefault(person.id, person)
    return list(found.values())


# --- URL ids: the same resolvers, answering 404 -----------------------------------------------

def get_partnership_or_404(partnership_id: int, edit: bool = False):
    """The partnership if the current user may see it (and edit it, if asked)."""
    partnership = visible_partnership(current_user, partnership_id)
    if partnership is None:
        abort(404)
    if edit and not can_edit_partnership(current_user, partnership.id):
        abort(403)
    return partnership


def get_person_or_404(person_id: int):
    """The person if the current user may see them."""
    return visible_person(current_user, person_id) or abort(404)


def get_organisation_or_404(organisation_id: int):
    """The organisation if the current user may see it."""
    return visible_organisation(current_user, organisation_id) or abort(404)


def require_staff() -> None:
    """Abort unless the current user is an admin or convener."""
    if not current_user.is_staff:
        abort(403)


def require_admin() -> None:
    if not current_user.is_admin:
        abort(403)
