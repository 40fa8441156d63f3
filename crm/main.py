"""The dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select, text

from crm import dashboard as dashboard_view
from crm.extensions import db
from crm.outreach.models import SchedulerLease
from crm.timeutil import as_utc, utcnow

bp = Blueprint("main", __name__)


@bp.route("/")
def dashboard():
    """The signed-in user's start page: what to do next in their role (crm/dashboard.py)."""
    return render_template("main/dashboard.html", **dashboard_view.for_user(current_user))


@bp.route("/favicon.ico")
def favicon():
    """Browsers and tools that ask for /favicon.ico get the icon base.html links (static/)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/healthz")
def healthz():
    """Health for load balancers: database reachability and the scheduler's last heartbeat."""
    try:
        db.session.execute(text("SELECT 1"))
        ok = True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        ok = False
    body = {"status": "ok" if ok else "error", "database": ok,
            "scheduler": _scheduler_status() if ok else None}
    return jsonify(body), 200 if ok else 503


def _scheduler_status() -> dict:
    """The scheduler lease: who holds it, when it last beat, and whether the lease is current.

    A stale scheduler does not make the app unhealthy (the pages still work); it is reported
    so monitoring can alert on it."""
    try:
        lease = db.session.scalar(select(SchedulerLease).order_by(SchedulerLease.heartbeat_at.desc())
                                  .limit(1))
    except Exception:  # noqa: BLE001 - a missing table (not migrated yet) is "unknown"
        db.session.rollback()
        return {"state": "unknown"}
    if lease is None:
        return {"state": "never_ran", "heartbeat_at": None}
    now = utcnow()
    beat = as_utc(lease.heartbeat_at)
    return {"state": "running" if as_utc(lease.expires_at) > now else "stale",
            "heartbeat_at": beat.isoformat(timespec="seconds"),
            "heartbeat_age_s": round((now - beat).total_seconds(), 1)}
