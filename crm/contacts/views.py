"""Pages for people and organisations: lists, details, create and edit, ties."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from crm import vocab
from crm.accounts.access import (
    get_organisation_or_404,
    get_person_or_404,
    limit_partnerships,
    require_staff,
    visible_partnership,
    visible_person,
    visible_person_ids,
    visible_tie,
)
from crm.contacts import queries, services, suggested_ties
from crm.contacts.forms import OrganisationForm, PersonForm, SearchArgs, TieForm
from crm.contacts.models import Organisation, Person
from crm.extensions import db
from crm.ids import parse_count, parse_id, parse_ids
from crm.partnerships.models import Partnership

bp = Blueprint("contacts", __name__)


# --- people ---------------------------------------------------------------------------------

@bp.route("/people")
def people():
    """List people with search, filters, sorting and pagination."""
    args = SearchArgs(request.args)
    if args.partnership and visible_partnership(current_user, args.partnership) is None:
        abort(404)  # a partnership the user may not see answers as a missing one
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
    organisation_id = parse_id(request.args.get("organisation"))
    if request.method == "GET" and organisation_id:
        form.organisation_id.data = organisation_id
    duplicates = []
    if form.validate_on_submit():
        data = _person_data(form)
        if request.form.get("not_a_duplicate") != "1":
            duplicates = services.possible_duplicates(data["name"], data["email"],
                                                      data["organisation_id"])
        if not duplicates:
            person = services.save_person(None, data)
            db.session.commit()
            flash(f"{person.name} added.", "success")
            return redirect(url_for("contacts.person", person_id=person.id))
    return render_template("people/form.html", form=form, person=None, duplicates=duplicates)


@bp.route("/people/<int:person_id>")
def person(person_id: int):
    """Everything known about one person (only what the user may see)."""
    person = get_person_or_404(person_id)
    return render_template("people/detail.html", person=person, tie_form=TieForm(),
                           **queries.person_page(person, current_user))


@bp.route("/people/search")
def search_people():
    """Autocomplete: people whose name or email starts like `q`, as radio choices (a fragment)."""
    q = (request.args.get("q") or "").strip()[:200]
    name = request.args.get("field", "other_id")
    if name not in ("other_id", "knower"):
        name = "other_id"
    matches = queries.people_search(q, current_user, limit=8,
                                    exclude=parse_id(request.args.get("exclude"))) if q else []
    return render_template("people/_choices.html", matches=matches, q=q, field_name=name)


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
    """Record that this person knows, or referred, another person (htmx: the ties fragment)."""
    require_staff()
    person = get_person_or_404(person_id)
    form = TieForm()
    message = None
    if form.validate_on_submit():
        try:
            other = visible_person(current_user, form.other_id.data)
            if other is None:  # missing or not visible: one answer
                raise services.ContactError(f"No person #{form.other_id.data}.")
            ends = (person.id, other.id)
            if form.kind.data == "referred" and request.form.get("direction") == "in":
                ends = ends[::-1]  # the other person referred this one
            tie = services.add_tie(form.kind.data, *ends, form.strength.data, form.context.data,
                                   source="team", created_by_id=current_user.id)
        except services.ContactError as error:
            db.session.rollback()
            message = (str(error), "error")
        else:
            db.session.commit()
            other = db.session.get(Person, tie.other(person.id))
            message = (f"Recorded: {person.name} {'knows' if tie.kind == 'knows' else 'referred'} "
                       f"{other.name}." if tie.source_id == person.id or tie.kind == "knows" else
                       f"Recorded: {other.name} referred {person.name}.", "success")
    else:
        message = ("; ".join(m for errors in form.errors.values() for m in errors), "error")
    if request.headers.get("HX-Request"):
        db.session.expire_all()
        return render_template("people/_ties.html", person=person, tie_form=TieForm(formdata=None),
                               message=message, **queries.person_page(person, current_user))
    flash(*message)
    return redirect(url_for("contacts.person", person_id=person.id))


@bp.route("/ties/suggested")
def suggested():
    """Ties worth recording (colleagues, people who met at a meeting): confirm or dismiss each."""
    require_staff()
    person_id = parse_id(request.args.get("person"))
    person = get_person_or_404(person_id) if person_id else None
    shown = suggested_ties.suggestions(current_user, person.id if person else None)
    return render_template("people/suggested_ties.html", shown=shown, person=person)


def _suggestion_from_form():
    """The pair a confirm/dismiss button names, if it is still a suggestion the user may act on."""
    first = visible_person(current_user, request.form.get("first"))
    second = visible_person(current_user, request.form.get("second"))
    if first is None or second is None:
        return None
    return suggested_ties.still_suggested(current_user, first.id, second.id)


def _suggestion_done(message: str, category: str = "success"):
    if request.headers.get("HX-Request"):
        return render_template("people/_suggestion_done.html", message=message, category=category)
    flash(message, category)
    return redirect(url_for("contacts.suggested"))


@bp.route("/ties/suggested/confirm", methods=["POST"])
def confirm_suggested():
    """Record one suggested tie (one click)."""
    require_staff()
    suggestion = _suggestion_from_form()
    if suggestion is None:
        return _suggestion_done("That suggestion is no longer open.", "error")
    tie = suggested_ties.confirm(suggestion, current_user.id)
    db.session.commit()
    return _suggestion_done(f"Recorded: {tie.source_person.name} knows {tie.target_person.name}.")


@bp.route("/ties/suggested/dismiss", methods=["POST"])
def dismiss_suggested():
    """Dismiss one suggested tie (one click): it is not suggested again."""
    require_staff()
    suggestion = _suggestion_from_form()
    if suggestion is None:
        return _suggestion_done("That suggestion is no longer open.", "error")
    suggested_ties.dismiss(suggestion, current_user.id)
    db.session.commit()
    return _suggestion_done("Dismissed.")


@bp.route("/ties/bulk", methods=["GET", "POST"])
def bulk_ties():
    """"Who do you know?": tick the people one person knows and record all the ties at once."""
    require_staff()
    knower_id = current_user.person_id
    if "knower" in request.values:  # knower=0: choose someone else
        raw = request.values.get("knower", "").strip()
        knower_id = parse_id(raw) if raw not in ("", "0") else None
        if knower_id is None and raw not in ("", "0"):
            abort(404)  # not an id: answered as a missing person
    knower = get_person_or_404(knower_id) if knower_id else None
    args = SearchArgs(request.args)
    report = None
    if request.method == "POST" and knower is not None:
        strength = parse_count(request.form.get("strength"), default=1, maximum=3)
        ids = visible_person_ids(current_user, parse_ids(request.form.getlist("known"), limit=500))
        report = services.add_ties_bulk(knower.id, ids, strength,
                                        request.form.get("context"), created_by_id=current_user.id)
        db.session.commit()
    rows, has_next = queries.page_of_people(args, current_user, 100) if knower else ([], False)
    known = services.known_ids(knower.id) if knower else set()
    return render_template("people/bulk_ties.html", knower=knower, people=rows, has_next=has_next,
                           args=args, known=known, report=report)


@bp.route("/ties/<int:tie_id>/delete", methods=["POST"])
def delete_tie(tie_id: int):
    """Remove a tie (the audit log keeps what it was)."""
    require_staff()
    tie = visible_tie(current_user, tie_id) or abort(404)
    back = parse_id(request.form.get("person_id")) or tie.source_id
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
    kind = request.args.get("kind") if request.args.get("kind") in vocab.values(vocab.ORG_KINDS) else ""
    sector = (request.args.get("sector") or "").strip()[:120]
    county = (request.args.get("county") or "").strip()[:120]
    page = parse_count(request.args.get("page"), default=1, maximum=100000)
    size = current_app.config["PAGE_SIZE"]
    people_count = queries.limit_people(  # only the people the user may see are counted
        select(func.count(Person.id)).where(Person.organisation_id == Organisation.id,
                                            Person.archived_at.is_(None)), Person.id, current_user,
    ).correlate(Organisation).scalar_subquery()
    stmt = select(Organisation, people_count).where(Organisation.archived_at.is_(None))
    if not current_user.is_staff:
        visible = queries.limit_people(select(Person.organisation_id), Person.id, current_user)
        stmt = stmt.where(Organisation.id.in_(visible))
    if q:
        stmt = stmt.where(Organisation.name_key.like(queries._like(services.name_key(q)), escape="\\"))
    if side:
        stmt = stmt.where(Organisation.side == side)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if sector:
        stmt = stmt.where(func.lower(Organisation.sector) == sector.lower())
    if county:
        stmt = stmt.where(func.lower(Organisation.county) == county.lower())
    rows = db.session.execute(
        stmt.order_by(Organisation.name_key, Organisation.id).offset((page - 1) * size).limit(size + 1)
    ).all()
    return render_template("organisations/list.html", rows=rows[:size], has_next=len(rows) > size,
                           q=q, side=side, page=page,
                           filters={"q": q, "side": side, "kind": kind, "sector": sector, "county": county})


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


@bp.route("/organisations/<int:org_id>")
def organisation(org_id: int):
    """One organisation and its people."""
    org = get_organisation_or_404(org_id)
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
    org = get_organisation_or_404(org_id)
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
    org = get_organisation_or_404(org_id)
    services.archive_organisation(org)
    db.session.commit()
    flash(f"{org.name} archived.", "success")
    return redirect(url_for("contacts.organisations"))
