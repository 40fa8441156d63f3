"""Pages for people and organisations: lists, details, create and edit, ties."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.accounts.access import get_person_or_404, limit_partnerships, require_staff
from crm.audit.models import AuditEntry
from crm.contacts import queries, services
from crm.contacts.forms import OrganisationForm, PersonForm, SearchArgs, TieForm
from crm.contacts.models import Organisation, Person, Tie
from crm.extensions import db
from crm.partnerships.models import Membership, Partnership

bp = Blueprint("contacts", __name__)


# --- people ---------------------------------------------------------------------------------

@bp.route("/people")
def people():
    """List people with search, filters, sorting and pagination."""
    args = SearchArgs(request.args)
    rows, has_next = queries.page_of_people(args, current_user, current_app.config["PAGE_SIZE"])
    partnerships = db.session.scalars(
        limit_partnerships(select(Partnership).order_by(Partnership.name), Partnership.id, current_user)
    ).all()
    template = "people/_rows.html" if request.headers.get("HX-Request") else "people/list.html"
    return render_template(template, people=rows, args=args, has_next=has_next,
                           partnerships=partnerships)


def _person_form(person: Person | None = None) -> PersonForm:
    form = PersonForm(obj=person)
    form.organisation_id.choices = queries.organisation_choices()
    if person is not None and request.method == "GET":
        form.tags.data = ", ".join(person.tag_names)
        form.organisation_id.data = person.organisation_id or 0
        form.version.data = str(person.version)
    return form


def _person_data(form: PersonForm) -> dict:
    return {"name": form.name.data, "title": form.title.data,
            "organisation_id": form.organisation_id.data or None, "email": form.email.data,
            "phone": form.phone.data, "notes": form.notes.data, "tags": form.tags.data}


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    """Create a person."""
    require_staff()
    form = _person_form()
    if request.method == "GET" and request.args.get("organisation", "").isdigit():
        form.organisation_id.data = int(request.args["organisation"])
    if form.validate_on_submit():
        person = services.save_person(None, _person_data(form))
        db.session.commit()
        flash(f"{person.name} added.", "success")
        return redirect(url_for("contacts.person", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    """Everything known about one person."""
    person = get_person_or_404(person_id)
    memberships_stmt = limit_partnerships(
        select(Membership).where(Membership.person_id == person.id)
        .options(selectinload(Membership.partnership)),
        Membership.partnership_id, current_user,
    )
    memberships = db.session.scalars(memberships_stmt).all()
    ties = services.ties_of(person.id) if current_user.is_staff else []
    history = []
    if current_user.is_staff:
        history = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "people", AuditEntry.entity_id == person.id)
            .order_by(AuditEntry.id.desc()).limit(50)
        ).all()
    return render_template("people/detail.html", person=person, memberships=memberships,
                           ties=ties, history=history, tie_form=TieForm())


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person(person_id: int):
    """Edit a person; a save over someone else's newer save is refused, showing the changes."""
    require_staff()
    person = get_person_or_404(person_id)
    form = _person_form(person)
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_person(person, _person_data(form), expected_version=form.version.data)
        except services.Conflict as error:
            db.session.rollback()
            conflict = error
            person = db.session.get(Person, person_id)
            form.version.data = str(person.version)
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("contacts.person", person_id=person.id))
    return render_template("people/form.html", form=form, person=person, conflict=conflict), (
        409 if conflict else 200)


@bp.route("/people/<int:person_id>/archive", methods=["POST"])
def archive_person(person_id: int):
    """Archive a person (history is kept; nothing is deleted)."""
    require_staff()
    person = get_person_or_404(person_id)
    if request.form.get("restore"):
        services.restore_person(person)
        flash(f"{person.name} restored.", "success")
    else:
        services.archive_person(person)
        flash(f"{person.name} archived. Their ties and history are kept.", "success")
    db.session.commit()
    return redirect(url_for("contacts.person", person_id=person.id))


@bp.route("/people/<int:person_id>/ties", methods=["POST"])
def add_tie(person_id: int):
    """Record that this person knows, or referred, another person."""
    require_staff()
    person = get_person_or_404(person_id)
    form = TieForm()
    if form.validate_on_submit():
        try:
            services.add_tie(form.kind.data, person.id, form.other_id.data, form.strength.data,
                             form.context.data, source="team", created_by_id=current_user.id)
        except services.ContactError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Tie recorded.", "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("contacts.person", person_id=person.id))


@bp.route("/ties/<int:tie_id>/delete", methods=["POST"])
def delete_tie(tie_id: int):
    """Remove a tie (the audit log keeps what it was)."""
    require_staff()
    tie = db.session.get(Tie, tie_id)
    if tie is None:
        abort(404)
    back = request.form.get("person_id", type=int) or tie.source_id
    db.session.delete(tie)
    db.session.commit()
    flash("Tie removed.", "success")
    return redirect(url_for("contacts.person", person_id=back))


# --- organisations -------------------------------------------------------------------------

@bp.route("/organisations")
def organisations():
    """List organisations (staff: all; others: those of people they may see)."""
    q = (request.args.get("q") or "").strip()[:200]
    side = request.args.get("side") if request.args.get("side") in ("employer", "community") else ""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    size = current_app.config["PAGE_SIZE"]
    people_count = (
        select(func.count(Person.id)).where(Person.organisation_id == Organisation.id,
                                            Person.archived_at.is_(None))
        .correlate(Organisation).scalar_subquery()
    )
    stmt = select(Organisation, people_count).where(Organisation.archived_at.is_(None))
    if not current_user.is_staff:
        visible = queries.limit_people(select(Person.organisation_id), Person.id, current_user)
        stmt = stmt.where(Organisation.id.in_(visible))
    if q:
        stmt = stmt.where(Organisation.name_key.like(queries._like(services.name_key(q)), escape="\\"))
    if side:
        stmt = stmt.where(Organisation.side == side)
    rows = db.session.execute(
        stmt.order_by(Organisation.name_key, Organisation.id).offset((page - 1) * size).limit(size + 1)
    ).all()
    return render_template("organisations/list.html", rows=rows[:size], has_next=len(rows) > size,
                           q=q, side=side, page=page)


def _organisation_data(form: OrganisationForm) -> dict:
    return {f: getattr(form, f).data for f in services.ORGANISATION_FIELDS}


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    """Create an employer or community partner organisation."""
    require_staff()
    form = OrganisationForm()
    if form.validate_on_submit():
        org = services.save_organisation(None, _organisation_data(form))
        db.session.commit()
        flash(f"{org.name} added.", "success")
        return redirect(url_for("contacts.organisation", org_id=org.id))
    return render_template("organisations/form.html", form=form, org=None)


def _get_organisation_or_404(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    if not current_user.is_staff:
        visible = queries.limit_people(
            select(Person.id).where(Person.organisation_id == org_id), Person.id, current_user)
        if db.session.scalar(visible.limit(1)) is None:
            abort(404)
    return org


@bp.route("/organisations/<int:org_id>")
def organisation(org_id: int):
    """One organisation and its people."""
    org = _get_organisation_or_404(org_id)
    people_stmt = queries.limit_people(
        select(Person).where(Person.organisation_id == org.id).order_by(Person.name_key),
        Person.id, current_user,
    )
    return render_template("organisations/detail.html", org=org,
                           people=db.session.scalars(people_stmt).all())


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
def edit_organisation(org_id: int):
    """Edit an organisation, refusing to overwrite a newer save."""
    require_staff()
    org = _get_organisation_or_404(org_id)
    form = OrganisationForm(obj=org)
    if request.method == "GET":
        form.version.data = str(org.version)
        form.size.data = org.size or ""
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_organisation(org, _organisation_data(form), expected_version=form.version.data)
        except services.Conflict as error:
            db.session.rollback()
            conflict = error
            org = db.session.get(Organisation, org_id)
            form.version.data = str(org.version)
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("contacts.organisation", org_id=org.id))
    return render_template("organisations/form.html", form=form, org=org, conflict=conflict), (
        409 if conflict else 200)


@bp.route("/organisations/<int:org_id>/archive", methods=["POST"])
def archive_organisation(org_id: int):
    """Archive an organisation; its people and history are kept."""
    require_staff()
    org = _get_organisation_or_404(org_id)
    services.archive_organisation(org)
    db.session.commit()
    flash(f"{org.name} archived.", "success")
    return redirect(url_for("contacts.organisations"))
