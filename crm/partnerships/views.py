"""Partnership pages: list, create, the partnership page with its members, the pipeline board,
the one stage move (from the partnership page or the board) and the launch-readiness gauge."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm import prose, vocab
from crm.accounts.access import (
    get_partnership_or_404,
    limit_partnerships,
    limit_people,
    require_staff,
    visible_partnership,
    visible_person,
)
from crm.contacts import queries as contact_queries
from crm.contacts.models import Person
from crm.extensions import db
from crm.ids import parse_count, parse_id
from crm.partnerships import services
from crm.partnerships.forms import AddPeopleForm, MemberForm, PartnershipForm, StageForm
from crm.partnerships.models import Membership, Partnership
from crm.scoring.suggestions import decisions_of
from crm.security import safe_next

bp = Blueprint("partnerships", __name__)


@bp.route("/partnerships")
def index():
    """The partnerships this user may see."""
    stmt = limit_partnerships(select(Partnership).order_by(Partnership.name), Partnership.id, current_user)
    return render_template("partnerships/list.html", partnerships=db.session.scalars(stmt).all())


@bp.route("/partnerships/new", methods=["GET", "POST"])
def new():
    """Create a partnership (administrators and conveners, who run them)."""
    require_staff()
    form = PartnershipForm()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "notes")}
        try:
            partnership = services.create_partnership(**data, creator=current_user)
        except services.PartnershipError as error:
            form.name.errors.append(str(error))
        else:
            partnership.notes = form.notes.data or None
            db.session.commit()
            flash(f"{partnership.name} created.", "success")
            return redirect(url_for("partnerships.detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form)


#: Members per page of the partnership page (each row carries its role and stage form; a
#: state-wide partnership can hold several hundred members: the pipeline board shows them all).
MEMBERS_PER_PAGE = 100


@bp.route("/partnerships/<int:partnership_id>")
def detail(partnership_id: int):
    """A partnership: its members by role and stage, its priority areas."""
    partnership = get_partnership_or_404(partnership_id)
    page = parse_count(request.args.get("page"), default=1, maximum=100000)
    page = page if 1 <= page <= 10**6 else 1
    mine = Membership.partnership_id == partnership.id
    total = db.session.scalar(select(func.count()).select_from(Membership).where(mine))
    members = db.session.scalars(
        select(Membership).where(mine)
        .join(Person).options(selectinload(Membership.person).selectinload(Person.organisation))
        .order_by(Membership.role, Person.name_key, Membership.id)
        .offset((page - 1) * MEMBERS_PER_PAGE).limit(MEMBERS_PER_PAGE)
    ).all()
    q = (request.args.get("q") or "").strip()[:200]
    matches = _addable(partnership, q) if q and current_user.is_staff else []
    return render_template("partnerships/detail.html", partnership=partnership, members=members,
                           member_total=total, page=page, has_next=page * MEMBERS_PER_PAGE < total,
                           member_form=MemberForm(), stage_form=StageForm(), q=q, matches=matches)


#: How many people the "add people" search offers at once.
SEARCH_MATCHES = 8


def _addable(partnership: Partnership, q: str) -> list[Person]:
    """People the user may see, named like `q`, not yet in the partnership."""
    return contact_queries.people_search(q, current_user, limit=SEARCH_MATCHES,
                                         not_in_partnership=partnership.id)


@bp.route("/partnerships/<int:partnership_id>/people-search")
def people_search(partnership_id: int):
    """Autocomplete for adding people: visible people not yet in it, as radio choices (a
    fragment; the partnership page's search form gives the same choices without JavaScript)."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    q = (request.args.get("q") or "").strip()[:200]
    return render_template("people/_choices.html", matches=_addable(partnership, q) if q else [], q=q,
                           field_name="person_id")


def _who(people: list[Person]) -> str:
    return prose.and_list(p.name for p in people) if len(people) <= 5 else prose.plural(len(people), "person", "people")


@bp.app_context_processor
def _partnership_helpers():
    return {"partnerships_to_add": _partnerships_to_add}


def _partnerships_to_add(person: Person) -> list[Partnership]:
    """The partnerships the user may add this person to (for the person page's form)."""
    if not current_user.is_staff:
        return []
    stmt = select(Partnership).where(
        Partnership.archived_at.is_(None),
        Partnership.id.not_in(select(Membership.partnership_id).where(Membership.person_id == person.id)))
    return db.session.scalars(limit_partnerships(stmt, Partnership.id, current_user)
                              .order_by(Partnership.name)).all()


#: The most people one bulk action adds (a page of the people list is far fewer).
BULK_LIMIT = 500


@bp.route("/people/partnerships", methods=["POST"])
def add_people():
    """Add people to a partnership: the ticked people of the people list (as candidates), or
    the one person of a person page (with a role and stage). Back to where it was sent from."""
    require_staff()
    form = AddPeopleForm()
    back = safe_next(request.form.get("next")) or url_for("contacts.people")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(back, 303)
    partnership = visible_partnership(current_user, form.partnership_id.data)
    if partnership is None:
        flash("Choose a partnership.", "error")
        return redirect(back, 303)
    ids = {i for i in (parse_id(raw) for raw in request.form.getlist("person_id")[:BULK_LIMIT]) if i}
    people = db.session.scalars(limit_people(select(Person).where(Person.id.in_(ids or [-1])),
                                             Person.id, current_user).order_by(Person.name_key)).all()
    if not people:
        flash("Tick the people to add." if not ids else services.NO_SUCH_PERSON, "error")
        return redirect(back, 303)
    added, already = services.add_people(partnership, people, form.role.data, form.stage.data,
                                         user_id=current_user.id)
    db.session.commit()
    stage = vocab.label(vocab.STAGES, form.stage.data)
    if added:
        flash(f"Added {_who(added)} to {partnership.name} ({stage}).", "success")
    if already:
        flash(f"Already in {partnership.name}: {_who(already)}.", "info")
    if not added and not already:
        flash(services.NO_SUCH_PERSON, "error")
    return redirect(back, 303)


@bp.route("/partnerships/<int:partnership_id>/members", methods=["POST"])
def add_member(partnership_id: int):
    """Add a person to the partnership."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            if visible_person(current_user, form.person_id.data) is None:  # missing or not visible
                raise services.PartnershipError(services.NO_SUCH_PERSON)
            services.add_member(partnership, form.person_id.data, form.role.data, form.stage.data,
                                user_id=current_user.id)
        except services.PartnershipError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Member added.", "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("partnerships.detail", partnership_id=partnership.id))


@bp.route("/partnerships/<int:partnership_id>/members/<int:membership_id>", methods=["POST"],
          endpoint="update_member")
@bp.route("/partnerships/<int:partnership_id>/pipeline/<int:membership_id>", methods=["POST"],
          endpoint="move")
def move(partnership_id: int, membership_id: int):
    """Move a member along the pipeline, and change their role if one is sent (the move is
    recorded). The partnership page and the pipeline board post here; each gets its page back."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    membership = services.membership_in(partnership, membership_id) or abort(404)
    on_board = request.endpoint == "partnerships.move"
    form = StageForm()
    if form.validate_on_submit():
        try:
            services.move_stage(membership, form.stage.data, user_id=current_user.id,
                                reason=form.reason.data, role=form.role.data or None,
                                revisit_on=form.revisit_on.data)
        except services.PartnershipError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{membership.person.name}: {vocab.label(vocab.STAGES, membership.stage)}"
                  + (f", {vocab.label(vocab.ROLES, membership.role)}." if form.role.data else "."), "success")
    else:
        flash("Choose a valid role and stage." if form.role.data else "Choose a stage.", "error")
    page = "partnerships.pipeline" if on_board else "partnerships.detail"
    return redirect(url_for(page, partnership_id=partnership.id), 303)


@bp.route("/partnerships/<int:partnership_id>/pipeline")
def pipeline(partnership_id: int):
    """The pipeline board: the partnership's people by stage, and the launch-readiness gauge."""
    partnership = get_partnership_or_404(partnership_id)
    members = db.session.scalars(
        select(Membership).join(Person).where(Membership.partnership_id == partnership.id)
        .options(selectinload(Membership.person).selectinload(Person.organisation))
        .order_by(Person.name_key)).all()
    columns = {stage: [] for stage, _label in vocab.STAGES}
    for m in members:
        columns.setdefault(m.stage, []).append(m)
    return render_template("partnerships/pipeline.html", partnership=partnership, columns=columns,
                           open_stages=[s for s, _ in vocab.STAGES if s not in BOARD_FOLDED],
                           folded_stages=BOARD_FOLDED, gauge=services.readiness(partnership),
                           form=StageForm())


#: Stages the board shows folded into one column (counts first, people on demand), so every
#: stage fits a 1280-pixel screen: those past the ask (attended, champion) and those out of
#: the active pipeline (declined, not now).
BOARD_FOLDED = ("attended", "champion", *vocab.INACTIVE_STAGES)


@bp.route("/partnerships/<int:partnership_id>/readiness")
def readiness(partnership_id: int):
    """The launch-readiness gauge and the latest review decisions (a fragment of the partnership page)."""
    partnership = get_partnership_or_404(partnership_id)
    may_review = current_user.is_staff or current_user.role == "chair"
    decisions = decisions_of(partnership.id, 5) if may_review else []
    return render_template("partnerships/_readiness.html", partnership=partnership,
                           gauge=services.readiness(partnership), decisions=decisions)


@bp.route("/partnerships/<int:partnership_id>/edit", methods=["GET", "POST"])
def edit(partnership_id: int):
    """Edit a partnership's name, region, stage and launch targets."""
    partnership = get_partnership_or_404(partnership_id, edit=True)
    require_staff()
    form = PartnershipForm(obj=partnership)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Partnership.id).where(
            Partnership.name == form.name.data.strip(), Partnership.id != partnership.id))
        if clash:
            form.name.errors.append("Another partnership has that name.")
        else:
            form.populate_obj(partnership)
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("partnerships.detail", partnership_id=partnership.id))
    return render_template("partnerships/form.html", form=form, partnership=partnership)
