"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import func, select, text

from crm.accounts.access import limit_partnerships
from crm.extensions import db
from crm.partnerships.models import Membership, Partnership

bp = Blueprint("main", __name__)


@bp.route("/")
def dashboard():
    """The signed-in user's start page: their partnerships at a glance."""
    from flask_login import current_user

    stmt = limit_partnerships(
        select(Partnership).where(Partnership.archived_at.is_(None)).order_by(Partnership.name),
        Partnership.id, current_user,
    )
    partnerships = db.session.scalars(stmt).all()
    counts = dict(
        db.session.execute(
            select(Membership.partnership_id, func.count(Membership.id))
            .where(Membership.partnership_id.in_([p.id for p in partnerships] or [-1]))
            .group_by(Membership.partnership_id)
        ).all()
    )
    return render_template("main/dashboard.html", partnerships=partnerships, counts=counts)


@bp.route("/healthz")
def healthz():
    """Liveness for load balancers: is the database reachable."""
    try:
        db.session.execute(text("SELECT 1"))
        ok = True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        ok = False
    return jsonify({"status": "ok" if ok else "error", "database": ok}), 200 if ok else 503
