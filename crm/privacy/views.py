"""Pages for a person's data: a JSON export and an erasure behind a confirmation step.

Admins and conveners only (they keep the contact base); the person must be visible to them,
and what is shown of them comes only from the partnerships the user was given.
Erasing a person linked to a user account (a chair's record) is for admins only, since it
disables that account.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.accounts.access import get_person_or_404, require_staff, visible_partnership_ids
from crm.extensions import db
from crm.headers import attachment
from crm.privacy import services

bp = Blueprint("privacy", __name__)


def _page(person, error: str | None = None, status: int = 200):
    held = services.export_person(person.id, visible_partnership_ids(current_user))
    counts = {table: sum(len(rows) for rows in columns.values()) for table, columns in held["related"].items()}
    linked = services.linked_users(person.id)
    refusal = services.erase_refusal(current_user, linked)
    return render_template("privacy/person.html", person=person, counts=counts,
                           audit_count=len(held["audit"]), linked=linked, refusal=refusal,
                           error=error), status


@bp.route("/people/<int:person_id>/privacy")
def person(person_id: int):
    """What Convene holds about a person, with the export and erase actions."""
    require_staff()
    return _page(get_person_or_404(person_id))


@bp.route("/people/<int:person_id>/privacy/export")
def export(person_id: int):
    """Download everything held about a person as JSON."""
    require_staff()
    person = get_person_or_404(person_id)
    body = services.export_json(person.id, visible_partnership_ids(current_user))
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": attachment(f"person-{person.id}.json")})


@bp.route("/people/<int:person_id>/privacy/erase", methods=["POST"])
def erase(person_id: int):
    """Erase a person (by key: their rows only), once their name is typed to confirm."""
    require_staff()
    person = get_person_or_404(person_id)
    refusal = services.erase_refusal(current_user, services.linked_users(person.id))
    if refusal:
        return _page(person, error=refusal, status=403)
    if not services.name_confirmed(person, request.form.get("confirm_name")):
        return _page(person, error="Type the person's full name exactly to confirm the erasure.", status=400)
    services.erase_person(person.id)
    db.session.commit()
    services.purge_free_pages()
    flash("The person was erased; the audit log keeps only that an erasure happened.", "success")
    return redirect(url_for("contacts.people"))
