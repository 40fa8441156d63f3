"""Everything held about one person: export it as plain data, or erase it everywhere.

Both walk the schema rather than a list of today's tables, so a feature that adds a table
pointing at `people.id` is exported and erased without an edit here:

- export: the person's row and tags, then every row of every table with a foreign key to
  `people.id` equal to the person, the outbox messages sent to their email, and the audit
  entries about them;
- erase: rows that belong to the person (a non-nullable or cascading foreign key, tasks
  about them, their outbox) are deleted; rows that only point at them (task owner, the
  user linked to a chair) lose the link; then every text and JSON column of every table is
  scrubbed of their email, phone and full name, the audit entries about them and about the
  deleted rows are anonymised, and their user account, if any, is anonymised and disabled.

The service flushes; the caller commits and then calls `purge_free_pages()` so SQLite's
free pages and WAL keep no copy of the erased bytes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import JSON, String, Text, Unicode, UnicodeText, and_, delete, func, or_, select, text, update
from sqlalchemy import cast as sql_cast

from crm.accounts.models import User, new_secret
from crm.audit.models import AuditEntry, record
from crm.contacts.models import Person
from crm.extensions import db

ERASED = "[erased]"
#: (table, column) pairs whose rows are *about* the person: deleted, not unlinked.
DELETE_WHEN_POINTING = {("tasks", "person_id"), ("outbox", "to_person_id")}
#: columns whose text is never scrubbed (keys and hashes, not prose).
NOT_SCRUBBED = {("users", "password_hash"), ("users", "session_token"), ("alembic_version", "version_num")}


class PrivacyError(ValueError):
    """An erasure or export that cannot be carried out, with a message for the person."""


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def person_links() -> list[tuple]:
    """Every (table, column, foreign key) in the schema that points at people.id."""
    people = Person.__table__
    links = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table is people and fk.column.name == "id":
                    links.append((table, column, fk))
    return links


def _rows(table, where) -> list[dict]:
    return [{k: _plain(v) for k, v in row._mapping.items()}
            for row in db.session.execute(select(table).where(where))]


def _json_fragment(value: str) -> str:
    """How `value` appears inside JSON text (non-ASCII escaped, as SQLAlchemy stores it)."""
    return json.dumps(value)[1:-1]


def _audit_mentions(needles: list[str]):
    """A condition: the audit entry's JSON mentions one of `needles`."""
    conditions = []
    for needle in needles:
        for fragment in {needle.lower(), _json_fragment(needle).lower()}:
            pattern = f"%{fragment}%"
            conditions += [func.lower(sql_cast(AuditEntry.before, Text)).like(pattern),
                           func.lower(sql_cast(AuditEntry.after, Text)).like(pattern),
                           func.lower(AuditEntry.summary).like(pattern)]
    return or_(*conditions) if conditions else and_(False)


def export_person(person_id: int) -> dict:
    """Everything held about a person as plain, JSON-ready data."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise PrivacyError(f"No person #{person_id}.")
    data: dict = {
        "person": _rows(Person.__table__, Person.__table__.c.id == person_id)[0],
        "organisation": person.organisation.name if person.organisation else None,
        "tags": person.tag_names,
        "related": {},
    }
    for table, column, _fk in person_links():
        if table is Person.__table__:
            continue
        rows = _rows(table, column == person_id)
        if rows:
            data["related"].setdefault(table.name, {})[column.name] = rows
    if person.email:
        outbox = db.metadata.tables.get("outbox")
        if outbox is not None and "to_email" in outbox.c:
            data["related"].setdefault("outbox", {})["to_email"] = _rows(
                outbox, func.lower(outbox.c.to_email) == person.email.lower())
    needles = [n for n in (person.email, person.phone) if n]
    audit = AuditEntry.__table__
    data["audit"] = _rows(audit, or_(and_(audit.c.entity == "people", audit.c.entity_id == person_id),
                                     _audit_mentions(needles)))
    data["exported_at"] = _plain(datetime.now().astimezone())
    return data


def export_json(person_id: int) -> str:
    return json.dumps(export_person(person_id), indent=2, ensure_ascii=False, default=str)


# --- erasure ---------------------------------------------------------------------------------

def _needles(person: Person) -> list[str]:
    """The strings that must leave no trace: email, phone, and a distinctive full name."""
    needles = [person.email, person.phone]
    name = (person.name or "").strip()
    if len(name) >= 5 and " " in name:  # "Paul" alone would scrub unrelated text
        needles.append(name)
    return [n for n in needles if n]


def _scrub_text(value: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        value = pattern.sub(ERASED, value)
    return value


def _scrub_json(value, patterns):
    if isinstance(value, str):
        return _scrub_text(value, patterns)
    if isinstance(value, list):
        return [_scrub_json(v, patterns) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, patterns) for k, v in value.items()}
    return value


def _is_text(column) -> bool:
    return isinstance(column.type, String | Text | Unicode | UnicodeText) and not isinstance(column.type, JSON)


def _scrub_everywhere(needles: list[str]) -> int:
    """Replace every mention of the needles in every text and JSON column; returns cells changed."""
    patterns = [re.compile(re.escape(n), re.IGNORECASE) for n in needles]
    patterns += [re.compile(re.escape(_json_fragment(n)), re.IGNORECASE) for n in needles
                 if _json_fragment(n) != n]
    changed = 0
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if not pk:
            continue
        for column in table.columns:
            if (table.name, column.name) in NOT_SCRUBBED or column.primary_key:
                continue
            if _is_text(column):
                where = or_(*[func.lower(column).like(f"%{n.lower()}%") for n in needles])
            elif isinstance(column.type, JSON):
                text_of = func.lower(sql_cast(column, Text))
                where = or_(*[text_of.like(f"%{f.lower()}%") for n in needles
                              for f in {n, _json_fragment(n)}])
            else:
                continue
            for row in db.session.execute(select(*pk, column).where(where)).all():
                value = row[-1]
                new = _scrub_json(value, patterns) if isinstance(column.type, JSON) else _scrub_text(value, patterns)
                if new != value:
                    if isinstance(column.type, String) and column.type.length:
                        new = new[: column.type.length]
                    key = and_(*[c == row[i] for i, c in enumerate(pk)])
                    db.session.execute(update(table).where(key).values({column.name: new}))
                    changed += 1
    return changed


def _anonymise_audit(entity: str, ids: list[int]) -> None:
    if not ids:
        return
    db.session.execute(
        update(AuditEntry.__table__)
        .where(AuditEntry.__table__.c.entity == entity, AuditEntry.__table__.c.entity_id.in_(ids))
        .values(before=None, after=None, summary="anonymised: the person was erased")
    )


def _anonymise_users(person: Person) -> None:
    users = db.session.scalars(select(User).where(or_(
        User.person_id == person.id,
        *([func.lower(User.email) == person.email.lower()] if person.email else []),
    ))).all()
    for user in users:
        # Core update: the ORM audit hook would copy the old email into a new audit entry.
        db.session.execute(update(User.__table__).where(User.__table__.c.id == user.id).values(
            email=f"erased-user-{user.id}@invalid", name=None, person_id=None, active=False,
            session_token=new_secret(), ics_token_hash=None))
        db.session.expire(user)


def erase_person(person_id: int) -> dict:
    """Erase a person everywhere; returns counts of what went. Flushes; the caller commits."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise PrivacyError(f"No person #{person_id}.")
    db.session.flush()
    needles = _needles(person)
    email = person.email
    _anonymise_users(person)
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA secure_delete=ON"))
    counts: dict[str, int] = {}
    people = Person.__table__
    for table, column, fk in person_links():
        if table is people:
            continue
        nullable = column.nullable and not column.primary_key
        deletes = (not nullable or (fk.ondelete or "").upper() == "CASCADE"
                   or (table.name, column.name) in DELETE_WHEN_POINTING)
        if deletes:
            pk = [c for c in table.primary_key.columns]
            if len(pk) == 1:
                ids = [r[0] for r in db.session.execute(select(pk[0]).where(column == person_id))]
                _anonymise_audit(table.name, ids)
            result = db.session.execute(delete(table).where(column == person_id))
        else:
            result = db.session.execute(update(table).where(column == person_id).values({column.name: None}))
        if result.rowcount:
            counts[f"{table.name}.{column.name}"] = result.rowcount
    outbox = db.metadata.tables.get("outbox")
    if email and outbox is not None and "to_email" in outbox.c:
        result = db.session.execute(delete(outbox).where(func.lower(outbox.c.to_email) == email.lower()))
        if result.rowcount:
            counts["outbox.to_email"] = result.rowcount
    # Rows that cascade from the deleted rows in the database (stage changes...) go with them.
    db.session.execute(update(people).where(people.c.merged_into_id == person_id).values(merged_into_id=None))
    _anonymise_audit("people", [person_id])
    db.session.expunge(person)
    db.session.execute(delete(people).where(people.c.id == person_id))
    counts["people"] = 1
    counts["scrubbed_cells"] = _scrub_everywhere(needles) if needles else 0
    record(db.session, "erase", "people", person_id, summary="person erased on request")
    db.session.flush()
    return counts


def purge_free_pages() -> None:
    """After the erasure is committed: leave no copy of deleted bytes in SQLite's free pages
    or write-ahead log (PostgreSQL's dumps never include dead rows; autovacuum reclaims them)."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.remove()
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        previous = raw.isolation_level
        raw.isolation_level = None  # VACUUM cannot run inside a transaction
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as error:
            # Busy readers: the erasure is committed and secure_delete zeroed the freed pages;
            # the next checkpoint copies them over the old ones.
            current_app.logger.warning("erasure: VACUUM postponed (%s)", error)
        finally:
            raw.isolation_level = previous
