"""The outbox: a key is queued once, retries back off up to a ceiling, and the message built
for a row is stable (same Message-ID for the same key), from the asker's name."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from crm.outreach import mail
from crm.outreach.models import OutboxMessage


def test_a_key_is_queued_once_and_nothing_commits_before_the_caller(db):
    assert mail.enqueue("digest:1:2027-02-10", "a@x.example", "Subject", "Body") is True
    assert mail.enqueue("digest:1:2027-02-10", "a@x.example", "Subject again", "Body") is False
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_many_keys_at_once_skip_those_already_queued(db):
    mail.enqueue("k:1", "a@x.example", "s", "b")
    rows = [mail.message_row(f"k:{i}", "a@x.example", "s", "b") for i in range(1, 4)]
    mail.enqueue_many(rows)
    db.session.commit()
    assert sorted(db.session.scalars(select(OutboxMessage.idempotency_key))) == ["k:1", "k:2", "k:3"]


def test_backoff_doubles_up_to_six_hours():
    assert [mail.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2),
                                                    timedelta(minutes=4)]
    assert mail.backoff(30) == timedelta(hours=6)


def test_the_email_is_from_the_askers_name_with_a_stable_message_id(db):
    mail.enqueue("invitation:7:x@y.example", "x@y.example", "Join us", "Dear X", from_name="Karen Alvarez",
                 reply_to="karen@prescott.example")
    message = db.session.scalar(select(OutboxMessage))
    first = mail.build_email(message, "convene@region.example")
    again = mail.build_email(message, "convene@region.example")
    assert first["From"] == "Karen Alvarez <convene@region.example>"
    assert first["Reply-To"] == "karen@prescott.example"
    assert first["Message-ID"] == again["Message-ID"] and first["Message-ID"].endswith("@region.example>")
