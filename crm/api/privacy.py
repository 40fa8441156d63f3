"""API endpoints for a person's data, as the privacy pages (crm/privacy/views.py): everything
held about a person as JSON, and their erasure by key (admins and conveners; a person linked
to a user account only by an admin), confirmed by their name as on the page."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from crm.accounts.access import get_person_or_404, visible_partnership_ids
from crm.api import bp
from crm.api.spec import document
from crm.api.util import ApiError, ok, parse
from crm.extensions import db
from crm.privacy import services


def _require_staff() -> None:
    if not current_user.is_staff:
        raise ApiError(403, "forbidden", "Only conveners and administrators export or erase a person's data.")


class PrivacyExportOut(BaseModel):
    """What Convene holds about a person: their row, every row pointing at them by key (of
    the partnerships the requester was given), and the audit entries about those; no secret."""

    person: dict[str, Any]
    organisation: str | None
    tags: list[str]
    related: dict[str, dict[str, list[dict[str, Any]]]] = Field(
        description="table -> column pointing at the person -> rows")
    audit: list[dict[str, Any]]
    exported_at: str


class EraseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm_name: str = Field(max_length=400, description="the person's full name, as on the erase page")


class EraseOut(BaseModel):
    erased: int = Field(description="the id of the person erased")
    counts: dict[str, int] = Field(description="rows erased or unlinked, by table.column")


@bp.get("/people/<int:person_id>/privacy")
@document("get", "/people/{person_id}/privacy", summary="Everything held about a person (admins "
          "and conveners; only the partnerships they were given)", response=PrivacyExportOut)
def export_person_data(person_id: int):
    """The privacy export, as the page's download."""
    _require_staff()
    person = get_person_or_404(person_id)
    return ok(services.export_person(person.id, visible_partnership_ids(current_user)))


@bp.post("/people/<int:person_id>/erase")
@document("post", "/people/{person_id}/erase", summary="Erase a person by key: their own rows only "
          "(admins and conveners; a person linked to a user account: admins only)",
          body=EraseIn, response=EraseOut)
def erase_person(person_id: int):
    """403 when the requester may not erase this person; 400 unless the name confirms it."""
    _require_staff()
    person = get_person_or_404(person_id)
    refusal = services.erase_refusal(current_user, services.linked_users(person.id))
    if refusal:
        raise ApiError(403, "forbidden", refusal)
    data = parse(EraseIn)
    if not services.name_confirmed(person, data.confirm_name):
        message = "Type the person's full name exactly to confirm the erasure."
        raise ApiError(400, "invalid", message, {"confirm_name": [message]})
    counts = services.erase_person(person.id)
    db.session.commit()
    services.purge_free_pages()
    return ok({"erased": person_id, "counts": counts})
