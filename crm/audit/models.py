"""The audit log table and the session hook that fills it.

Models opt in with `__audited__ = True` (and may hide columns with `__audit_exclude__`).
After every flush, one row per inserted, updated or deleted object is written on the same
connection, so the entry commits or rolls back with the change itself. Who made the change
comes from `actor`, a context variable the web request, CLI command or job sets.
"""

from __future__ import annotations

import contextvars
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow

#: (user_id or None, a short label such as "cli" or "scheduler")
actor: contextvars.ContextVar[tuple[int | None, str]] = contextvars.ContextVar(
    "audit_actor", default=(None, "system")
)

_SKIP = {"created_at", "updated_at", "version"}


class AuditEntry(db.Model):
    """One change: who, when, what, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(40), default="system")
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.entity}#{self.entity_id}>"


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj):
    mapper = inspect(obj).mapper
    skip = _SKIP | set(getattr(obj, "__audit_exclude__", ()))
    return [c for c in mapper.column_attrs if c.key not in skip]


def _snapshot(obj) -> dict:
    return {c.key: _plain(getattr(obj, c.key)) for c in _columns(obj)}


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for col in _columns(obj):
        hist = state.attrs[col.key].history
        if hist.has_changes():
            before[col.key] = _plain(hist.deleted[0]) if hist.deleted else None
            after[col.key] = _plain(hist.added[0]) if hist.added else None
    return before, after


def record(session: Session, action: str, entity: str, entity_id: int | None,
           summary: str | None = None, before: dict | None = None, after: dict | None = None):
    """Write an explicit audit entry (merge, erase, login...) on the session's connection."""
    user_id, label = actor.get()
    session.connection().execute(
        AuditEntry.__table__.insert(),
        [dict(at=utcnow(), user_id=user_id, actor_label=label, action=action, entity=entity,
              entity_id=entity_id, summary=summary, before=before, after=after)],
    )


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, flush_context) -> None:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(("create", obj, None, _snapshot(obj)))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after or before:
                rows.append(("update", obj, before, after))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append(("delete", obj, _snapshot(obj), None))
    if not rows:
        return
    user_id, label = actor.get()
    now = utcnow()
    session.connection().execute(
        AuditEntry.__table__.insert(),
        [
            dict(at=now, user_id=user_id, actor_label=label, action=action,
                 entity=obj.__tablename__, entity_id=getattr(obj, "id", None),
                 summary=None, before=before, after=after)
            for action, obj, before, after in rows
        ],
    )
