"""The scheduler process (`crm scheduler`): APScheduler's BlockingScheduler with its jobs in a
SQLAlchemyJobStore in the app's own database, started only once this process holds the
database lease, so a second process started by mistake waits harmlessly (APScheduler's FAQ:
one job store must not be shared by two running schedulers). `create_app` never starts it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
import uuid
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from crm.extensions import db
from crm.outreach import jobs, lease
from crm.outreach.schedule import JOB_DEFAULTS, JOBS, LEASE_SECONDS, MISFIRE_GRACE_MINUTES

log = logging.getLogger("crm.scheduler")


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def wait_for_lease(app: Flask, holder: str, once: bool, echo=print) -> bool:
    """Take the lease, waiting while another live process holds it (unless `once`)."""
    announced = False
    while True:
        with app.app_context():
            if lease.acquire(holder):
                return True
        if once:
            return False
        if not announced:
            echo("Another scheduler process holds the lease; waiting (this one is harmless).")
            announced = True
        time.sleep(LEASE_SECONDS / 3)


def run_once(app: Flask, holder: str, now: datetime | None = None) -> dict[str, str]:
    """Every job once, in order (for `crm scheduler --once`, tests and `make run` checks)."""
    jobs.bind(app, holder)
    order = ["heartbeat", "reconcile_closed_doors", "meeting_reminders", "escalate_overdue_asks", "daily_digest",
             "send_outbox"]  # the plan first: the digest then carries the new steps
    return {job_id: jobs.run(job_id, now) for job_id in order}


def build(app: Flask):
    """The configured BlockingScheduler (not started)."""
    with app.app_context():
        engine = db.engine
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")},
        job_defaults={**JOB_DEFAULTS, "misfire_grace_time": MISFIRE_GRACE_MINUTES * 60},
        timezone="UTC",
    )
    for job_id, (trigger, args) in JOBS.items():
        scheduler.add_job("crm.outreach.jobs:run", trigger, args=[job_id], id=job_id, name=job_id,
                          replace_existing=True, **args)
    return scheduler


def serve(app: Flask, once: bool = False, now: datetime | None = None, echo=print) -> int:
    """Run the scheduler until stopped (or every job once). Returns an exit status."""
    holder = holder_name()
    if not wait_for_lease(app, holder, once, echo):
        echo("Another scheduler process holds the lease; nothing to do.")
        return 0
    try:
        if once:
            for job_id, result in run_once(app, holder, now).items():
                echo(f"{job_id}: {result}")
            return 0
        jobs.bind(app, holder)
        scheduler = build(app)
        echo(f"Scheduler {holder} running: {', '.join(JOBS)}.")
        # `make run` stops it with SIGTERM: shut down cleanly so the lease is released at once.
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        return 0
    finally:
        with app.app_context():
            lease.release(holder)
