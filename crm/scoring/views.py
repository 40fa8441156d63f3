"""Scoring pages: a person's trait scores and assessments, and the chairs' review of suggested
invitees (the pipeline board and readiness are the partnership's: crm/partnerships/views.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import vocab
from crm.accounts.access import (
    get_partnership_or_404,
    get_person_or_404,
    require_staff,
    visible_partnership_ids,
)
from crm.contacts.models import Person
from crm.extensions import db
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership
from crm.scoring import services, suggestions, weights
from crm.scoring.forms import AssessmentForm, ReviewForm

bp = Blueprint("scoring", __name__)

#: How many suggestions the review shows at once.
SLATE_SIZE = 10


def _may_review() -> bool:
    return current_user.is_staff or current_user.role == "chair"


def _assessable_partnership(person_id: int) -> int | None:
    """For a chair: the first partnership of theirs the person belongs to (None: cannot assess)."""
    if current_user.role != "chair":
        return None
    return db.session.scalar(select(Membership.partnership_id).where(
        Membership.person_id == person_id,
        Membership.partnership_id.in_(current_user.partnership_ids or [-1]))
        .order_by(Membership.partnership_id).limit(1))


@bp.route("/people/<int:person_id>/traits")
def person_traits(person_id: int):
    """A person's trait scores with their reasons, assessments and the assessment form."""
    person = get_person_or_404(person_id)
    visible = visible_partnership_ids(current_user)  # scores and reasons only from what the user sees
    score = services.person_score(person.id, visible)
    assessments = services.assessments_of(person.id, visible) if current_user.role != "viewer" else []
    chair_partnership = _assessable_partnership(person.id)
    return render_template("scoring/_person_scores.html", person=person, score=score,
                           assessments=assessments, form=AssessmentForm(),
                           chair_partnership=chair_partnership, weights=weights)


def _save_assessment(person, partnership_id):
    form = AssessmentForm()
    if form.validate_on_submit():
        try:
            services.add_assessment(person, form.trait.data, form.rating.data, form.evidence.data,
                                    current_user.id, partnership_id)
        except services.ScoringError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Assessment of {person.name} saved.", "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("contacts.person", person_id=person.id) + "#scores")


@bp.route("/people/<int:person_id>/assessments", methods=["POST"])
def add_assessment(person_id: int):
    """Record a convener's trait assessment of a person."""
    require_staff()
    return _save_assessment(get_person_or_404(person_id), None)


@bp.route("/partnerships/<int:partnership_id>/people/<int:person_id>/assessments", methods=["POST"])
def add_partnership_assessment(partnership_id: int, person_id: int):
    """Record a chair's (or convener's) trait assessment of a member of the partnership."""
    partnership = get_partnership_or_404(partnership_id)
    if not _may_review():
        abort(403)
    if partnerships.membership_of(partnership.id, person_id) is None:
        abort(404)
    return _save_assessment(get_person_or_404(person_id), partnership.id)


def _team(partnership_id: int) -> list[Membership]:
    return db.session.scalars(
        select(Membership).join(Person).where(
            Membership.partnership_id == partnership_id,
            Membership.role.in_(vocab.ASKER_ROLES + ("convener",)))
        .options(selectinload(Membership.person)).order_by(Person.name_key)).all()


@bp.route("/partnerships/<int:partnership_id>/review")
def review(partnership_id: int):
    """The chairs' review: one card per suggested invitee, with decisions and batch actions."""
    partnership = get_partnership_or_404(partnership_id)
    if not _may_review():
        abort(403)
    slate = suggestions.slate_of(partnership)
    total = len(slate)
    shown = suggestions.as_seen_by(slate.top(SLATE_SIZE), current_user)  # introducers: only those seen
    team = _team(partnership.id)
    names = {m.person_id: m.person.name for m in team}
    ids = {pid for s in shown for pid in (s.asker.path if s.asker else ()) if pid is not None}
    ids |= {pid for s in shown for pid in s.knows_on_team}
    if ids - names.keys():
        names.update(dict(db.session.execute(select(Person.id, Person.name).where(
            Person.id.in_(ids - names.keys()))).all()))
    return render_template("review/review.html", partnership=partnership, slate=shown, total=total,
                           team=team, names=names, form=ReviewForm(),
                           decisions=suggestions.decisions_of(partnership.id, 50), weights=weights,
                           gauge=partnerships.readiness(partnership))


@bp.route("/partnerships/<int:partnership_id>/review", methods=["POST"])
def decide(partnership_id: int):
    """Record a review decision on one card, or on every selected card (batch)."""
    partnership = get_partnership_or_404(partnership_id)
    if not _may_review():
        abort(403)
    form = ReviewForm()
    back = redirect(url_for("scoring.review", partnership_id=partnership.id), 303)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return back
    shown = services.last_built(("slate", partnership.id))  # the scores the chair saw, no re-rank
    scores = shown.values if shown is not None else {}
    decided = []
    try:
        for person_id in dict.fromkeys(form.person_id.data):
            if not suggestions.reviewable(partnership, current_user, person_id):
                raise services.ScoringError(suggestions.NO_SUCH_PERSON, "person_id")
            row = suggestions.decide(partnership, person_id, form.decision.data, current_user,
                                     form.reason.data, form.asker_id.data, scores.get(person_id),
                                     form.revisit_on.data)
            decided.append(row.person.name)
    except services.ScoringError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    label = vocab.label(vocab.REVIEW_DECISIONS, form.decision.data)
    flash(f"{label}: {', '.join(decided)}.", "success")
    return back
