"""Who may see and change what: the one place every view and API handler asks.

Rules (issue 2, "Accounts and access"):
- admins and conveners see the whole contact base (people, organisations, ties);
- everything that belongs to a partnership is seen only by users given it (admins: all);
- chairs and viewers see people only through the partnerships they were given;
- viewers never change anything; chairs change only their partnerships' reviews and tasks.
An object the user may not see answers 404, never 403, so ids of other partnerships leak
nothing.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from crm.contacts.models import Person
from crm.extensions import db
from crm.partnerships.models import Membership, Partnership


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


def get_partnership_or_404(partnership_id: int, edit: bool = False):
    """The partnership if the current user may see it (and edit it, if asked)."""
    if not can_see_partnership(current_user, partnership_id):
        abort(404)
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        abort(404)
    if edit and not can_edit_partnership(current_user, partnership_id):
        abort(403)
    return partnership


def get_person_or_404(person_id: int):
    """The person if the current user may see them."""
    person = db.session.get(Person, person_id)
    if person is None or not can_see_person(current_user, person_id):
        abort(404)
    return person


def require_staff() -> None:
    """Abort unless the current user is an admin or convener."""
    if not current_user.is_staff:
        abort(403)


def require_admin() -> None:
    if not current_user.is_admin:
        abort(403)
