"""The scheduler's job functions: each opens the app context, checks this process still holds
the lease, calls a service, commits. `run("daily_digest")` is what APScheduler stores (a
textual reference and an argument, so the persistent job store can load it after a restart).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

from crm.config import default_timezone
from crm.extensions import db
from crm.outreach import digest, lease, mail, reconcile
from crm.timeutil import local, utcnow

log = logging.getLogger("crm.scheduler")

_APP: Flask | None = None
_HOLDER: str | None = None


def bind(app: Flask, holder: str) -> None:
    """The app and lease holder the jobs of this process run with."""
    global _APP, _HOLDER
    _APP, _HOLDER = app, holder


def heartbeat(now: datetime | None = None) -> str:
    return "lease held" if lease.renew(_HOLDER or "", now) else "lease lost"


def send_outbox(now: datetime | None = None) -> str:
    report = mail.send_due(current_app.config, now)
    if report.retried or report.failed:
        log.warning("outbox: %s sent, %s to retry, %s failed", report.sent, report.retried, report.failed)
    return report.skipped or f"sent {report.sent}, retry {report.retried}, failed {report.failed}"


def daily_digest(now: datetime | None = None) -> str:
    hour = int(current_app.config.get("DIGEST_HOUR", 7))
    if local(now or utcnow(), default_timezone()).hour < hour:
        return "before the digest hour"
    return f"queued {digest.queue_digests(current_app.config, now)} digests"


def escalate_overdue_asks(now: datetime | None = None) -> str:
    return f"queued {digest.queue_escalations(current_app.config, now)} escalations"


def meeting_reminders(now: datetime | None = None) -> str:
    return f"queued {digest.queue_meeting_reminders(current_app.config, now)} reminders"


def reconcile_closed_doors(now: datetime | None = None) -> str:
    return f"reconciled {reconcile.reconcile_closed_doors(now)} launches whose door closed"


JOB_FUNCTIONS: dict[str, Callable[..., str]] = {
    "heartbeat": heartbeat,
    "send_outbox": send_outbox,
    "daily_digest": daily_digest,
    "escalate_overdue_asks": escalate_overdue_asks,
    "meeting_reminders": meeting_reminders,
    "reconcile_closed_doors": reconcile_closed_doors,
}


def run(job_id: str, now: datetime | None = None, app: Flask | None = None) -> str:
    """Run one job in an app context if this process holds the lease; commit or roll back."""
    app = app or _APP
    if app is None:
        raise RuntimeError("jobs.bind(app, holder) first (the `crm scheduler` command does).")
    with app.app_context():
        try:
            if _HOLDER is not None and job_id != "heartbeat" and not lease.holds(_HOLDER, now):
                log.warning("%s skipped: another scheduler process holds the lease", job_id)
                return "skipped: not the lease holder"
            db.session.commit()  # end the read snapshot of the check (SQLite: no stale upgrade)
            result = JOB_FUNCTIONS[job_id](now)
            if _HOLDER is not None:
                lease.beat(_HOLDER, now)
            db.session.commit()
            log.info("%s: %s", job_id, result)
            return result
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job_id)
            raise
        finally:
            db.session.remove()
