"""Pages for a person's data: a JSON export and an erasure behind a confirmation step.

Admins and conveners only (they keep the contact base); the person must be visible to them.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from crm.accounts.access import get_person_or_404, require_staff
from crm.extensions import db
from crm.headers import attachment
from crm.privacy import services

bp = Blueprint("privacy", __name__)


@bp.route("/people/<int:person_id>/privacy")
def person(person_id: int):
    """What Convene holds about a person, with the export and erase actions."""
    require_staff()
    person = get_person_or_404(person_id)
    held = services.export_person(person.id)
    counts = {table: sum(len(rows) for rows in columns.values()) for table, columns in held["related"].items()}
    return render_template("privacy/person.html", person=person, counts=counts,
                           audit_count=len(held["audit"]), error=None)


@bp.route("/people/<int:person_id>/privacy/export")
def export(person_id: int):
    """Download everything held about a person as JSON."""
    require_staff()
    person = get_person_or_404(person_id)
    body = services.export_json(person.id)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": attachment(f"person-{person.id}.json")})


@bp.route("/people/<int:person_id>/privacy/erase", methods=["POST"])
def erase(person_id: int):
    """Erase a person everywhere, once their name is typed to confirm."""
    require_staff()
    person = get_person_or_404(person_id)
    typed = " ".join((request.form.get("confirm_name") or "").split())
    if typed.casefold() != " ".join(person.name.split()).casefold():
        held = services.export_person(person.id)
        counts = {t: sum(len(r) for r in c.values()) for t, c in held["related"].items()}
        return render_template("privacy/person.html", person=person, counts=counts,
                               audit_count=len(held["audit"]),
                               error="Type the person's full name exactly to confirm the erasure."), 400
    services.erase_person(person.id)
    db.session.commit()
    services.purge_free_pages()
    flash("The person was erased everywhere; the audit log keeps only that an erasure happened.", "success")
    return redirect(url_for("contacts.people"))
