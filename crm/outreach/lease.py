"""The scheduler lease: one row in scheduler_lease names the process that may run jobs.

Taking it is one conditional UPDATE (free, expired or already ours) or an INSERT guarded by
the primary key, so two processes racing for it cannot both win, on SQLite or PostgreSQL.
A second scheduler started by mistake therefore only waits. Every job run beats the heart.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from crm.extensions import db
from crm.outreach.models import SchedulerLease
from crm.outreach.schedule import LEASE_SECONDS, STALE_AFTER_HOURS
from crm.timeutil import as_utc, utcnow

NAME = "scheduler"


def acquire(holder: str, now: datetime | None = None, seconds: int = LEASE_SECONDS) -> bool:
    """Take (or keep) the lease; True if `holder` has it now. Commits."""
    now = now or utcnow()
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == NAME,
               or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
        .values(holder=holder, expires_at=now + timedelta(seconds=seconds), heartbeat_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        db.session.commit()
        return True
    db.session.rollback()
    taken = db.session.get(SchedulerLease, NAME) is not None
    # End that read before inserting: on SQLite a transaction that read and then writes must
    # upgrade its snapshot, which fails at once ("database is locked", whatever the busy
    # timeout) when the other scheduler committed in between; a fresh one just waits its turn.
    db.session.rollback()
    if taken:
        return False
    try:
        db.session.add(SchedulerLease(name=NAME, holder=holder, heartbeat_at=now,
                                      expires_at=now + timedelta(seconds=seconds)))
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def renew(holder: str, now: datetime | None = None) -> bool:
    """Extend our lease (or take it back if it expired meanwhile)."""
    return acquire(holder, now)


def holds(holder: str, now: datetime | None = None) -> bool:
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == NAME))
    return bool(lease and lease.holder == holder and as_utc(lease.expires_at) >= (now or utcnow()))


def beat(holder: str, now: datetime | None = None) -> None:
    """Record that a job ran (the dashboard's "scheduler last ran ...")."""
    db.session.execute(update(SchedulerLease).where(SchedulerLease.name == NAME,
                                                    SchedulerLease.holder == holder)
                       .values(heartbeat_at=now or utcnow())
                       .execution_options(synchronize_session=False))


def release(holder: str) -> None:
    """Give the lease up at a clean shutdown (keeping the last heartbeat)."""
    db.session.execute(update(SchedulerLease).where(SchedulerLease.name == NAME,
                                                    SchedulerLease.holder == holder)
                       .values(expires_at=utcnow() - timedelta(seconds=1))
                       .execution_options(synchronize_session=False))
    db.session.commit()


def status(now: datetime | None = None) -> dict:
    """When the scheduler last ran, and whether that is too long ago."""
    now = now or utcnow()
    lease = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == NAME))
    if lease is None:
        return {"last_ran": None, "stale": True, "holder": None}
    last = as_utc(lease.heartbeat_at)
    return {"last_ran": last, "stale": now - last > timedelta(hours=STALE_AFTER_HOURS),
            "holder": lease.holder}
