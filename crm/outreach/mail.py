"""The outbox: every email is a row with a unique idempotency key, so a restart, a misfire or
a retry never creates or sends it twice; SMTP sends it when configured, and when SMTP is
missing or failing the message waits, visibly, and is retried with backoff: never lost.

Sending claims rows first (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: a conditional
UPDATE whose row count says who won), commits the claim, sends, then marks the row sent. A
process that dies between claim and send leaves the row `sending` with a short lease; when
the lease runs out another run takes it over. The Message-ID is derived from the key, so even
the rare crash between "SMTP accepted" and "marked sent" produces the same Message-ID twice,
which mail systems de-duplicate.
"""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from crm.extensions import db
from crm.headers import address, header_text
from crm.outreach.models import OutboxMessage
from crm.timeutil import as_utc, utcnow

#: how long a claimed message may stay "sending" before another run takes it over.
CLAIM_LEASE = timedelta(minutes=10)
#: the longest wait between two retries.
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: str | None = None


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes after each failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def message_row(key: str, to_email: str, subject: str, body: str, *, to_person_id: int | None = None,
                to_user_id: int | None = None, from_name: str | None = None, reply_to: str | None = None,
                now: datetime | None = None) -> dict:
    """The outbox row for a message (see `enqueue_many`)."""
    now = now or utcnow()
    return {"idempotency_key": key, "to_email": to_email, "subject": subject[:300], "body": body,
            "to_person_id": to_person_id, "to_user_id": to_user_id, "from_name": from_name,
            "reply_to": reply_to, "status": "pending", "attempts": 0, "next_attempt_at": now,
            "created_at": now}


def enqueue_many(rows: list[dict]) -> int:
    """Put messages in the outbox once each: INSERT ... ON CONFLICT (idempotency_key) DO NOTHING,
    on SQLite and PostgreSQL alike, so two processes queueing the same key at once never fail nor
    duplicate, and nothing commits before the caller does. Returns how many were new."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(OutboxMessage.__table__.c.id))
    return len(db.session.execute(stmt, rows).all())  # only the rows actually inserted come back


def enqueue(key: str, to_email: str, subject: str, body: str, **fields) -> bool:
    """Put one message in the outbox once: False if a message with this key already exists."""
    return enqueue_many([message_row(key, to_email, subject, body, **fields)]) == 1


def existing_keys(keys: list[str]) -> set[str]:
    """Which of these idempotency keys are already in the outbox (one query per 500)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(db.session.scalars(select(OutboxMessage.idempotency_key).where(
            OutboxMessage.idempotency_key.in_(keys[i:i + 500]))))
    return found


def claim(now: datetime, limit: int = 50) -> list[int]:
    """Claim up to `limit` messages due for sending and commit, so other processes skip them.

    PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, then UPDATE those rows. SQLite: one
    UPDATE ... WHERE id IN (due ids) RETURNING id, a write from its first statement, so it
    waits for the write lock instead of failing to upgrade a read snapshot.
    """
    db.session.commit()  # start from a fresh transaction (no stale read snapshot)
    due = or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending")
    candidates = (select(OutboxMessage.id).where(due, OutboxMessage.next_attempt_at <= now)
                  .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(candidates.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                               .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
                               .execution_options(synchronize_session=False))
    else:
        ids = db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates.scalar_subquery()), due, OutboxMessage.next_attempt_at <= now)
            .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
            .returning(OutboxMessage.id).execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(ids)


def message_id_for(key: str, sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "convene.local"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The RFC 5322 message for a row (also what an .eml download contains)."""
    email = EmailMessage()
    email["From"] = address(message.from_name, sender)
    email["To"] = address(None, message.to_email)
    if message.reply_to:
        email["Reply-To"] = address(None, message.reply_to)
    email["Subject"] = header_text(message.subject)
    email["Message-ID"] = message_id_for(message.idempotency_key, sender)
    email["X-Convene-Key"] = header_text(message.idempotency_key)
    email.set_content(message.body)
    return email


def _deliver(emails: list[EmailMessage], config: dict) -> list[Exception | None]:
    """Send over one SMTP connection; one result per email (None: accepted)."""
    results: list[Exception | None] = []
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=20) as smtp:
        smtp.ehlo()
        if config.get("SMTP_STARTTLS") and smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        for email in emails:
            try:
                smtp.send_message(email)
                results.append(None)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused) as error:
                results.append(error)
    return results


def send_due(config: dict, now: datetime | None = None, limit: int = 200) -> SendReport:
    """Send what is due: claimed in batches, each row marked sent or rescheduled."""
    report = SendReport()
    if not config.get("SMTP_HOST"):
        report.skipped = "SMTP is not configured: messages wait in the outbox."
        return report
    now = now or utcnow()
    sender = config.get("MAIL_FROM") or "convene@localhost"
    while report.sent + report.retried + report.failed < limit:
        ids = claim(now, min(50, limit))
        if not ids:
            break
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                      .order_by(OutboxMessage.id)).all()
        batch = [(m.id, m.attempts + 1, build_email(m, sender)) for m in messages]
        db.session.rollback()  # hold no transaction while talking to the SMTP server
        try:
            results = _deliver([email for _, _, email in batch], config)
        except (OSError, smtplib.SMTPException) as error:  # server down or refusing: retry all
            results = [error] * len(batch)
        for (message_id, attempts, _), error in zip(batch, results, strict=True):
            values: dict = {"attempts": attempts}
            if error is None:
                values.update(status="sent", sent_at=utcnow(), last_error=None)
                report.sent += 1
            elif isinstance(error, smtplib.SMTPRecipientsRefused):
                values.update(status="failed", last_error=f"refused: {error}"[:2000])
                report.failed += 1
            else:
                values.update(status="pending", last_error=f"{type(error).__name__}: {error}"[:2000],
                              next_attempt_at=now + backoff(attempts))
                report.retried += 1
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
                               .execution_options(synchronize_session=False))
        db.session.commit()
        if report.retried:
            break  # the server is failing: wait for the backoff instead of hammering it
    return report


def outbox_health(now: datetime | None = None) -> dict:
    """What the UI warns about: messages waiting, failing, and the last error."""
    now = now or utcnow()
    waiting = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status.in_(("pending", "sending")))) or 0
    failing = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.attempts > 0)) or 0
    failed = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status == "failed")) or 0
    last = db.session.scalar(select(OutboxMessage).where(OutboxMessage.last_error.is_not(None))
                             .order_by(OutboxMessage.id.desc()).limit(1))
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status.in_(("pending", "sending"))))
    return {"waiting": waiting, "failing": failing, "failed": failed,
            "last_error": last.last_error if last else None,
            "oldest": as_utc(oldest) if oldest else None,
            "warn": bool(failing or failed or (oldest and now - as_utc(oldest) > timedelta(hours=1)))}
