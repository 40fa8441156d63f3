"""Pages to find likely duplicate people, merge a pair, and undo a merge."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.accounts.access import get_person_or_404, require_staff
from crm.contacts import duplicates, merge
from crm.contacts.models import Person
from crm.extensions import db
from crm.ids import parse_id

bp = Blueprint("duplicates", __name__)


@bp.route("/duplicates")
def index():
    """Likely duplicate pairs: same email, or similar names at the same organisation."""
    require_staff()
    rows = db.session.execute(select(Person.id, Person.name_key, Person.email, Person.organisation_id)
                              .where(Person.merged_into_id.is_(None), Person.archived_at.is_(None)))
    pairs = duplicates.likely_pairs([duplicates.Candidate(*r) for r in rows], limit=200)
    ids = {i for p in pairs for i in (p.first, p.second)}
    people = {p.id: p for p in db.session.scalars(
        select(Person).where(Person.id.in_(ids or [-1]))
        .options(selectinload(Person.organisation), selectinload(Person.tags)))}
    return render_template("duplicates/index.html", pairs=pairs, people=people)


@bp.route("/duplicates/merge", methods=["POST"])
def merge_pair():
    """Merge one person into another (ties, memberships, tasks... all kept); undoable."""
    require_staff()
    keep_id, drop_id = parse_id(request.form.get("keep")), parse_id(request.form.get("drop"))
    if not keep_id or not drop_id:
        flash("Choose the two records to merge.", "error")
        return redirect(url_for("duplicates.index"))
    keep, drop = get_person_or_404(keep_id), get_person_or_404(drop_id)
    try:
        entry = merge.merge(keep, drop)
    except merge.MergeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("duplicates.index"))
    db.session.commit()
    flash(f"Merged {drop.name} into {keep.name}. Every tie, membership, task and the history are kept.",
          "success")
    return redirect(url_for("duplicates.merged", merge_id=entry.id))


@bp.route("/merges/<int:merge_id>")
def merged(merge_id: int):
    """The result of a merge, with what moved and a button to undo it."""
    require_staff()
    entry = merge.merge_entry(merge_id)
    if entry is None:
        flash("No such merge.", "error")
        return redirect(url_for("duplicates.index"))
    keep = db.session.get(Person, entry.before["keep_id"])
    drop = db.session.get(Person, entry.before["drop_id"])
    return render_template("duplicates/merged.html", entry=entry, keep=keep, drop=drop,
                           undone=merge.is_undone(entry))


@bp.route("/merges/<int:merge_id>/undo", methods=["POST"])
def undo(merge_id: int):
    """Undo a merge: both records come back as they were."""
    require_staff()
    entry = merge.merge_entry(merge_id)
    if entry is None:
        flash("No such merge.", "error")
        return redirect(url_for("duplicates.index"))
    try:
        restored = merge.undo(entry)
    except merge.MergeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("duplicates.merged", merge_id=merge_id))
    db.session.commit()
    flash(f"Merge undone: {restored.name} is a separate record again.", "success")
    return redirect(url_for("contacts.person", person_id=restored.id))
