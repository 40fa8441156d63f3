"""The scheduler's jobs against a real SMTP server (aiosmtpd) with an injectable clock: the
next day's digest reaches each asker once, overdue asks reach the conveners, SMTP down then
up loses nothing, a restart mid-run duplicates nothing, and the lease keeps a second process
harmless."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.outreach import jobs, lease, mail, scheduler
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage

NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)  # 08:00 in Denver: after the digest hour
TODAY = date(2027, 2, 10)


@pytest.fixture
def app_config(request):
    if "smtp" in request.fixturenames:
        server = request.getfixturevalue("smtp")
        return server.config
    return {}


@pytest.fixture
def asks(db, make_partnership, make_org, make_person, add_member, make_user):
    """A partnership with two employer askers, each owning tasks due today or overdue."""
    partnership = make_partnership("Region X")
    employer = make_org("Prescott Precision")
    karen = make_person("Karen Alvarez", org=employer, email="karen@prescott.example")
    ginger = make_person("Ginger Holloway", org=employer, email="ginger@prescott.example")
    targets = [make_person(f"Target {i}", org=employer) for i in range(3)]
    for p in (karen, ginger):
        add_member(partnership, p, role="champion", stage="champion")
    for t in targets:
        add_member(partnership, t, stage="approved")
    outreach.create_task(partnership, "ask", TODAY, targets[0].id, karen.id)
    outreach.create_task(partnership, "ask", TODAY - timedelta(days=3), targets[1].id, karen.id)
    outreach.create_task(partnership, "ask", TODAY, targets[2].id, ginger.id)
    outreach.create_task(partnership, "custom", TODAY + timedelta(days=5), None, ginger.id)  # not due
    db.session.commit()
    make_user("convener@x.example", "convener", partnerships=[partnership])
    return partnership, karen, ginger


def _run(app, job_id, now=NOW):
    return jobs.run(job_id, now, app=app)


def test_the_digest_reaches_each_asker_exactly_once_even_when_jobs_run_twice(app, smtp, asks):
    _, karen, ginger = asks
    for _ in range(2):
        _run(app, "daily_digest")
        _run(app, "send_outbox")
    assert len(smtp.to(karen.email)) == 1 and len(smtp.to(ginger.email)) == 1
    body = smtp.to(karen.email)[0].get_payload()
    assert "Due today (1)" in body and "Overdue (1)" in body and "Target 0" in body
    assert "1 due, 0 overdue" in smtp.to(ginger.email)[0]["Subject"]
    # the next day: a new digest, again once
    _run(app, "daily_digest", NOW + timedelta(days=1))
    _run(app, "send_outbox", NOW + timedelta(days=1))
    assert len(smtp.to(karen.email)) == 2


def test_no_digest_before_the_digest_hour(app, smtp, asks):
    assert _run(app, "daily_digest", NOW.replace(hour=12)) == "before the digest hour"  # 05:00 Denver


def test_overdue_asks_are_escalated_to_the_conveners_once_a_day(app, smtp, asks):
    for _ in range(2):
        _run(app, "escalate_overdue_asks")
        _run(app, "send_outbox")
    received = smtp.to("convener@x.example")
    assert len(received) == 1 and "Target 1" in received[0].get_payload()
    assert "Target 0" not in received[0].get_payload()  # due today is not overdue


def test_meeting_reminders_go_to_invitees_who_did_not_decline(app, db, smtp, make_partnership, make_person):
    from crm.partnerships.models import Invitation

    partnership = make_partnership("Region Y")
    meeting = outreach.create_meeting(partnership, NOW + timedelta(days=1), "second", title="Second meeting")
    yes = make_person("Yes Person", email="yes@x.example")
    no = make_person("No Person", email="no@x.example")
    db.session.add_all([Invitation(meeting_id=meeting.id, person_id=yes.id, response="accepted"),
                        Invitation(meeting_id=meeting.id, person_id=no.id, response="declined")])
    db.session.commit()
    for _ in range(2):
        _run(app, "meeting_reminders")
        _run(app, "send_outbox")
    assert len(smtp.to("yes@x.example")) == 1 and smtp.to("no@x.example") == []


def test_smtp_down_then_up_loses_nothing_and_sends_once(app, db, smtp, asks, committed):
    smtp.stop()
    _run(app, "daily_digest")
    result = _run(app, "send_outbox")
    assert "retry 2" in result
    health = mail.outbox_health(NOW)
    assert health["waiting"] == 2 and health["failing"] == 2 and health["warn"] and health["last_error"]
    # still down a minute later (backoff): nothing lost
    _run(app, "send_outbox", NOW + timedelta(minutes=1))
    smtp.start()
    assert "sent 0" in _run(app, "send_outbox", NOW + timedelta(seconds=30))  # backoff not over yet
    _run(app, "send_outbox", NOW + timedelta(hours=1))
    assert sorted(smtp.keys()) == sorted(db.session.scalars(select(OutboxMessage.idempotency_key)))
    assert len(smtp.messages) == 2
    committed()  # the jobs ran in their own sessions
    assert mail.outbox_health(NOW + timedelta(hours=1))["waiting"] == 0


def test_without_smtp_configured_messages_wait_in_the_outbox(app, db, asks):
    _run(app, "daily_digest")
    assert "not configured" in _run(app, "send_outbox")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == "pending")) == 2


def test_a_restart_in_the_middle_of_a_run_sends_nothing_twice(app, db, smtp, asks):
    _run(app, "daily_digest")
    claimed = mail.claim(NOW, limit=1)  # a process claims one message, then dies before sending
    assert len(claimed) == 1
    db.session.remove()
    _run(app, "daily_digest")  # the restarted process runs the digest again: nothing new
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    _run(app, "send_outbox")  # sends the unclaimed one; the claimed one waits for its lease
    assert len(smtp.messages) == 1
    _run(app, "send_outbox", NOW + mail.CLAIM_LEASE + timedelta(seconds=1))
    _run(app, "send_outbox", NOW + timedelta(hours=2))
    assert len(smtp.messages) == 2 and len(set(smtp.keys())) == 2


def test_the_lease_lets_one_process_run_jobs_and_hands_over_when_it_expires(app):
    assert lease.acquire("one", NOW)
    assert not lease.acquire("two", NOW + timedelta(seconds=10))
    assert lease.acquire("one", NOW + timedelta(seconds=20))  # renewing
    assert lease.acquire("two", NOW + timedelta(minutes=5))  # one stopped beating
    assert lease.holds("two", NOW + timedelta(minutes=5)) and not lease.holds("one", NOW)


def test_jobs_of_a_process_without_the_lease_do_nothing(app, smtp, asks):
    assert lease.acquire("other-process", NOW)
    jobs.bind(app, "this-process")
    try:
        assert jobs.run("daily_digest", NOW).startswith("skipped")
    finally:
        jobs.bind(None, None)


def test_run_once_runs_every_job_and_records_the_heartbeat(app, smtp, asks):
    results = scheduler.run_once(app, "holder-1", NOW)
    jobs.bind(None, None)
    assert set(results) == {"heartbeat", "meeting_reminders", "escalate_overdue_asks", "daily_digest",
                            "send_outbox", "reconcile_closed_doors"}
    assert len(smtp.messages) == 3  # two digests, one escalation
    assert lease.status(NOW + timedelta(hours=1))["stale"] is False
    assert lease.status(NOW + timedelta(days=2))["stale"] is True


def test_the_scheduler_store_is_configured_to_catch_up_once(app):
    built = scheduler.build(app)
    assert built._job_defaults["coalesce"] is True and built._job_defaults["max_instances"] == 1
    assert built._job_defaults["misfire_grace_time"] >= 60
