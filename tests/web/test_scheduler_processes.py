"""Two scheduler processes at once (real subprocesses, on the test database: a SQLite file,
or PostgreSQL with CRM_TEST_DATABASE_URL) send each message exactly once: the lease keeps the
second `crm scheduler` idle, and even two senders racing without it claim each row once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm.outreach import mail
from crm.outreach import services as outreach
from tests.web.smtp_fixture import TestSmtpServer

pytestmark = pytest.mark.slow  # real scheduler processes

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)


def _env(database_url: str, smtp: TestSmtpServer) -> dict:
    env = dict(os.environ)
    env.update(CRM_DATABASE_URL=database_url, CRM_SECRET_KEY="test-secret", CRM_SMTP_HOST="127.0.0.1",
               CRM_SMTP_PORT=str(smtp.port), CRM_SMTP_STARTTLS="0", FLASK_APP="crm")
    return env


def _start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _finish(processes) -> list[str]:
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0, out
        outputs.append(out)
    return outputs


def test_two_scheduler_processes_at_once_send_each_digest_once(app, db, smtp, database_url, make_partnership,
                                                                make_org, make_person, add_member):
    partnership = make_partnership("Region X")
    employer = make_org("Prescott Precision")
    askers = [make_person(f"Asker {i}", org=employer, email=f"asker{i}@x.example") for i in range(8)]
    for i, asker in enumerate(askers):
        target = make_person(f"Target {i}", org=employer)
        add_member(partnership, target, stage="approved")
        outreach.create_task(partnership, "ask", NOW.date(), target.id, asker.id)
    db.session.commit()
    flask = str(Path(sys.executable).with_name("flask"))
    args = [flask, "--app", "crm", "scheduler", "--once", "--now", NOW.isoformat()]
    env = _env(database_url, smtp)
    outputs = _finish([_start(args, env), _start(args, env)])
    assert len(smtp.messages) == 8 and len(set(smtp.keys())) == 8, outputs
    _finish([_start(args, env)])  # and a third run later: nothing new
    assert len(smtp.messages) == 8


SENDER = """
import sys
from datetime import datetime
from crm import create_app
from crm.outreach import mail

app = create_app()
with app.app_context():
    now = datetime.fromisoformat(sys.argv[1])
    total = 0
    for _ in range(20):
        report = mail.send_due(app.config, now, limit=7)
        total += report.sent
        if not report.sent:
            break
    print("sent", total)
"""


def test_two_senders_racing_without_the_lease_still_claim_each_message_once(app, db, smtp, database_url):
    for i in range(60):
        mail.enqueue(f"race:{i}", f"person{i}@x.example", f"Message {i}", "Hello", now=NOW)
    db.session.commit()
    env = _env(database_url, smtp)
    later = (NOW + timedelta(minutes=1)).isoformat()
    outputs = _finish([_start([sys.executable, "-c", SENDER, later], env) for _ in range(2)])
    sent = [int(line.split()[-1]) for out in outputs for line in out.splitlines() if line.startswith("sent ")]
    assert sum(sent) == 60, outputs
    assert len(smtp.messages) == 60 and len(set(smtp.keys())) == 60
