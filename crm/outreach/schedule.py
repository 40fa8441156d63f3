"""The scheduler's periodic jobs, as plain data (like redash's tasks/schedule.py).

Tasks and messages are rows; these few jobs poll for what is due. Every job is idempotent
(the outbox's keys), so a run caught up after a restart or misfire sends nothing twice.
"""

from __future__ import annotations

#: job id -> (APScheduler trigger, its arguments)
JOBS: dict[str, tuple[str, dict]] = {
    "heartbeat": ("interval", {"seconds": 30}),
    "send_outbox": ("interval", {"minutes": 1}),
    "daily_digest": ("cron", {"minute": "*/15"}),  # queues once a day, from DIGEST_HOUR on
    "escalate_overdue_asks": ("cron", {"minute": "5,35"}),
    "meeting_reminders": ("interval", {"minutes": 30}),
    #: the plan's reconnect steps once a launch's door has closed (no change need come first)
    "reconcile_closed_doors": ("interval", {"minutes": 15}),
}

#: every job: one run at a time, missed runs coalesced into one, caught up within minutes.
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1}
MISFIRE_GRACE_MINUTES = 15
#: the lease: how long it lasts without a heartbeat.
LEASE_SECONDS = 90
#: the dashboard fails loudly when the scheduler has not run for this long.
STALE_AFTER_HOURS = 24
