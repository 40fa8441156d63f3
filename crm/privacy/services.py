"""Everything held about one person: export it as plain data, or erase it by key.

Both walk the schema rather than a list of today's tables, so a feature that adds a table
pointing at `people.id` is exported and erased without an edit here:

- export: the person's row and tags, then every row of every table with a foreign key to
  `people.id` equal to the person, and the audit entries about them;
- erase: rows that belong to the person (a non-nullable or cascading foreign key, tasks
  about them, their outbox) are deleted; rows that only point at them (task owner) lose the
  link; the audit entries about their record and the deleted rows are anonymised; the user
  account linked to them, and only that one, is anonymised and disabled. Nothing is found by
  searching text: a phone of "." or a decoy carrying someone else's email touches nobody else.

The service flushes; the caller commits and then calls `purge_free_pages()` so SQLite's
free pages and WAL keep no copy of the erased bytes.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, delete, or_, select, text, true, update

from crm.accounts.models import ApiToken, User, new_secret, secret_columns
from crm.audit.models import AuditEntry, record
from crm.contacts.models import Person
from crm.extensions import db
from crm.timeutil import utcnow

#: (table, column) pairs whose rows are *about* the person: deleted, not unlinked.
DELETE_WHEN_POINTING = {("tasks", "person_id"), ("outbox", "to_person_id")}


#: how long the compaction after an erasure waits for other connections' reads to end (then
#: it is postponed: secure_delete already zeroed the freed pages)
PURGE_WAIT_MS = 500


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


def _shown_columns(table) -> list:
    """The columns an export shows: all but secrets (password hashes, session and token
    digests: `secret_columns()`, declared on the models)."""
    hidden = secret_columns()
    return [c for c in table.columns if (table.name, c.name) not in hidden]


def _rows(table, where) -> list[dict]:
    return [{k: _plain(v) for k, v in row._mapping.items()}
            for row in db.session.execute(select(*_shown_columns(table)).where(where))]


def _partnership_of(table, depth: int = 2):
    """An expression for the partnership a row of `table` belongs to (its own
    `partnership_id`, else the one of the row a foreign key points at: a stage change's
    membership, an invitation's meeting...), or None when it belongs to none."""
    if "partnership_id" in table.c:
        return table.c.partnership_id
    if depth == 0:
        return None
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            if parent is table or parent is Person.__table__:
                continue
            inner = _partnership_of(parent, depth - 1)
            if inner is not None:
                return select(inner).where(fk.column == column).scalar_subquery()
    return None


def _visible(table, partnership_ids: set[int] | None):
    """A condition: the row belongs to no partnership, or to one of `partnership_ids`
    (None: every partnership)."""
    expression = _partnership_of(table)
    if partnership_ids is None or expression is None:
        return true()
    return or_(expression.is_(None), expression.in_(partnership_ids or [-1]))


def export_person(person_id: int, partnership_ids: set[int] | None = None) -> dict:
    """Everything held about a person as plain, JSON-ready data, found by key: their row and
    tags, the rows pointing at them, the outbox of their linked user, and the audit entries
    about all of these. Rows of partnerships outside `partnership_ids` (None: all, for
    admins and the CLI) are left out; secrets never appear."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise PrivacyError(f"No person #{person_id}.")
    data: dict = {
        "person": _rows(Person.__table__, Person.__table__.c.id == person_id)[0],
        "organisation": person.organisation.name if person.organisation else None,
        "tags": person.tag_names,
        "related": {},
    }
    about = [("people", person_id)]
    for table, column, _fk in person_links():
        if table is Person.__table__:
            continue
        rows = _rows(table, and_(column == person_id, _visible(table, partnership_ids)))
        if rows:
            data["related"].setdefault(table.name, {})[column.name] = rows
            about += [(table.name, row["id"]) for row in rows if "id" in row]
    outbox = db.metadata.tables.get("outbox")
    users = [u.id for u in linked_users(person_id)]
    if users and outbox is not None:
        rows = _rows(outbox, outbox.c.to_user_id.in_(users))
        if rows:
            data["related"].setdefault("outbox", {})["to_user_id"] = rows
    about += [("users", u) for u in users]
    audit = AuditEntry.__table__
    conditions = [and_(audit.c.entity == entity, audit.c.entity_id == entity_id) for entity, entity_id in about]
    data["audit"] = _rows(audit, or_(*conditions))
    data["exported_at"] = _plain(datetime.now().astimezone())
    return data


def export_json(person_id: int, partnership_ids: set[int] | None = None) -> str:
    return json.dumps(export_person(person_id, partnership_ids), indent=2, ensure_ascii=False, default=str)


# --- erasure ---------------------------------------------------------------------------------

def linked_users(person_id: int) -> list[User]:
    """The user accounts linked to a person record (a chair's account): the only accounts
    an erasure of that person may touch."""
    return list(db.session.scalars(select(User).where(User.person_id == person_id)))


def erase_refusal(user, linked: list[User]) -> str | None:
    """Why `user` may not erase a person linked to the accounts `linked`, or None: erasing a
    person linked to an account (a chair's record) disables it, so it is for admins, and never
    for the admin linked to that record."""
    if linked and not user.is_admin:
        return ("This person is linked to a user account; only an administrator may erase them "
                "(the account is disabled with them).")
    if any(account.id == user.id for account in linked):
        return "This person is linked to your own account: another administrator must erase them."
    return None


def name_confirmed(person: Person, typed: str | None) -> bool:
    """Whether the name typed to confirm an erasure is the person's (spaces and case aside)."""
    return " ".join((typed or "").split()).casefold() == " ".join(person.name.split()).casefold()


def _merged_away(person_id: int) -> list[int]:
    """Ids of the records merged (directly or through a chain) into this person: the same
    human's older records, erased with them."""
    people = Person.__table__
    found: list[int] = []
    frontier = [person_id]
    while frontier:
        frontier = [r[0] for r in db.session.execute(
            select(people.c.id).where(people.c.merged_into_id.in_(frontier)))
            if r[0] not in found and r[0] != person_id]
        found += frontier
    return found


def _anonymise_audit(entity: str, ids: list[int]) -> None:
    if not ids:
        return
    audit = AuditEntry.__table__
    db.session.execute(
        update(audit).where(audit.c.entity == entity, audit.c.entity_id.in_(ids))
        .values(before=None, after=None, summary="anonymised: the person was erased"))


def _anonymise_merge_entries(person_ids: set[int]) -> None:
    """Merge and undo entries of *other* records that name an erased record (as the kept or
    the merged-away one) carry its name in their summary: found by the ids they hold."""
    audit = AuditEntry.__table__
    rows = db.session.execute(select(audit.c.id, audit.c.before).where(
        audit.c.entity == "people", audit.c.action.in_(("merge", "unmerge")))).all()
    hits = [row.id for row in rows
            if {(row.before or {}).get("keep_id"), (row.before or {}).get("drop_id")} & person_ids]
    if hits:
        db.session.execute(update(audit).where(audit.c.id.in_(hits)).values(
            before=None, after=None, summary="anonymised: a merged person was erased"))


def _anonymise_user(user_id: int) -> None:
    # Core update: the ORM audit hook would copy the old email into a new audit entry.
    users = User.__table__
    db.session.execute(update(users).where(users.c.id == user_id).values(
        email=f"erased-user-{user_id}@invalid", name=None, person_id=None, active=False,
        session_token=new_secret(), ics_token_hash=None))
    tokens = ApiToken.__table__
    db.session.execute(update(tokens).where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    _anonymise_audit("users", [user_id])


def _erase_rows_of(person_id: int, counts: dict[str, int]) -> None:
    """Delete the rows that belong to the person and unlink the rows that only point at
    them, every one found through a foreign key to `people.id` equal to their id."""
    people = Person.__table__
    for table, column, fk in person_links():
        if table is people:
            continue
        nullable = column.nullable and not column.primary_key
        deletes = (not nullable or (fk.ondelete or "").upper() == "CASCADE"
                   or (table.name, column.name) in DELETE_WHEN_POINTING)
        if deletes:
            pk = list(table.primary_key.columns)
            if len(pk) == 1:
                ids = [r[0] for r in db.session.execute(select(pk[0]).where(column == person_id))]
                _anonymise_audit(table.name, ids)
            result = db.session.execute(delete(table).where(column == person_id))
        else:
            result = db.session.execute(update(table).where(column == person_id).values({column.name: None}))
        if result.rowcount:
            key = f"{table.name}.{column.name}"
            counts[key] = counts.get(key, 0) + result.rowcount


def erase_person(person_id: int) -> dict:
    """Erase a person, by key only; returns counts of what went. Flushes; the caller commits.

    Touched: the person's row and tags; every row with a foreign key to their id (deleted when
    it belongs to them, unlinked when it only points at them); the outbox messages to them and
    to their linked user; the audit entries about those rows, their record and their linked
    user; the linked user account (anonymised, disabled, its tokens revoked); records merged
    into theirs (the same human), the same way. Nothing is ever matched by text: other records'
    notes that mention them, other users and other audit entries stay as they are."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise PrivacyError(f"No person #{person_id}.")
    db.session.flush()
    erased = [person_id, *_merged_away(person_id)]
    users = [u.id for pid in erased for u in linked_users(pid)]
    db.session.expunge_all()  # everything below is plain SQL by key; the session holds nothing stale
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA secure_delete=ON"))
    counts: dict[str, int] = {}
    outbox = db.metadata.tables.get("outbox")
    if users and outbox is not None:
        result = db.session.execute(delete(outbox).where(outbox.c.to_user_id.in_(users)))
        if result.rowcount:
            counts["outbox.to_user_id"] = result.rowcount
    for user_id in users:
        _anonymise_user(user_id)
    counts["users"] = len(users)
    people = Person.__table__
    # the newest merged-away record first: each still points at the one it was merged into
    for pid in reversed(erased):
        _erase_rows_of(pid, counts)
    _anonymise_audit("people", erased)
    _anonymise_merge_entries(set(erased))
    for pid in reversed(erased):
        db.session.execute(delete(people).where(people.c.id == pid))
    counts["people"] = len(erased)
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
        busy = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute(f"PRAGMA busy_timeout={PURGE_WAIT_MS}")  # never hold the answer for long
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as error:
            # Busy readers: the erasure is committed and secure_delete zeroed the freed pages;
            # the next checkpoint copies them over the old ones.
            current_app.logger.warning("erasure: VACUUM postponed (%s)", error)
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(busy)}")
            raw.isolation_level = previous
