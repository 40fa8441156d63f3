"""The graph version and the graph's change log.

The version is one row whose value changes (a fresh random number, never a counter, so it never
repeats even when a test or a restore empties the table) in the same transaction as any change
that alters the graph: a person's name, organisation, archive or merge; an organisation's name,
side or sector; a tie; a membership; a trait assessment. Edits to other columns (email, phone,
notes, a tie's context) leave it alone.

Every such change also appends a row to `graph_changes` saying what changed (the person, the
pair of people a tie joins, the partnership and person of a membership). A process whose cached
graph is older reads the log since its own position and applies just those changes
(`crm.network.graph.apply_changes`) instead of rebuilding 200,000 ties; a bulk statement logs a
"*" that asks for a full rebuild. Bumping the version row first takes its row lock (PostgreSQL)
or the write lock (SQLite) until commit, so log ids are handed out in commit order and a reader
that saw id N has seen every change before it.

The same log carries "facts" rows: changes that do not alter the graph but do alter a person's
trait scores (a task done, a meeting attended, a priority area championed, a title or civic tag
edited). They take the version row's lock without changing its value, and the scoring snapshot
(`crm.scoring.services`) catches up on them, and on the graph rows, the same way.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, event, func, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow

#: Tables whose changes change the graph, with the columns that matter when a row is edited
#: (an insert or delete always matters).
GRAPH_COLUMNS = {
    "people": ("name", "organisation_id", "merged_into_id", "archived_at"),
    "organisations": ("name", "side", "sector"),
    "ties": ("kind", "source_id", "target_id", "strength"),
    "memberships": ("partnership_id", "person_id", "role", "stage"),
    "trait_assessments": ("person_id", "trait", "rating"),
}
GRAPH_TABLES = frozenset(GRAPH_COLUMNS)
#: Tables (and the column naming the person) whose rows only feed trait scores; an edited
#: person counts when one of PERSON_FACT_COLUMNS or their tags changed.
FACT_TABLES = {"tasks": "owner_id", "invitations": "person_id", "priority_champions": "person_id"}
PERSON_FACT_COLUMNS = ("title", "tags")
FACTS = "facts"
#: What a change row names, per table: the columns copied into (a, b).
_KEYS = {
    "people": ("id", None),
    "organisations": ("id", None),
    "ties": ("source_id", "target_id"),
    "memberships": ("partnership_id", "person_id"),
    "trait_assessments": ("person_id", None),
}
FULL_REBUILD = "*"
#: The log keeps about this many newest rows; a process further behind rebuilds in full.
KEEP_CHANGES = 20_000
_PRUNE_EVERY = 1_000
_ROW_ID = 1


class GraphVersion(db.Model):
    """The single row holding the current graph version."""

    __tablename__ = "graph_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)

    def __repr__(self) -> str:
        return f"<GraphVersion {self.value}>"


class GraphChange(db.Model):
    """One change to the graph: what kind of row, and whom it concerns."""

    __tablename__ = "graph_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: a random token per logging transaction: a catching-up process checks that the change it
    #: last saw still carries the token it noted (the log was not emptied and refilled since)
    version: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # a GRAPH_TABLES name, "facts" or "*"
    a: Mapped[int | None] = mapped_column(BigInteger)
    b: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<GraphChange {self.id} {self.kind} {self.a} {self.b}>"


def bump(session: Session, row: int = _ROW_ID) -> int:
    """Give the graph (or another consumer's row, see crm/scoring/models.py) a new version, on
    the session's connection (commits with the change)."""
    connection = session.connection()
    table = GraphVersion.__table__
    value = secrets.randbits(52) + 1
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(id=row, value=value)
    connection.execute(stmt.on_conflict_do_update(index_elements=[table.c.id],
                                                  set_={"value": value}))
    return value


def log_changes(session: Session, changes: list[tuple[str, int | None, int | None]]) -> None:
    """Append the changes to the log, in commit order: a change to the graph bumps the version
    (taking its lock); facts only take the lock (the graph stays as it is)."""
    if not changes:
        return
    if any(kind != FACTS for kind, _a, _b in changes):
        token = bump(session)
    else:
        table = GraphVersion.__table__
        session.connection().execute(table.update().where(table.c.id == _ROW_ID).values(value=table.c.value))
        token = secrets.randbits(52) + 1
    connection = session.connection()
    table = GraphChange.__table__
    now = utcnow()
    connection.execute(table.insert(), [{"version": token, "kind": k, "a": a, "b": b, "at": now}
                                        for k, a, b in set(changes)])
    if secrets.randbelow(_PRUNE_EVERY) < len(changes):  # about once per _PRUNE_EVERY changes
        newest = connection.execute(select(func.max(table.c.id))).scalar() or 0
        connection.execute(table.delete().where(table.c.id <= newest - KEEP_CHANGES))


def _changes_of(obj, edited: bool) -> list[tuple[str, int | None, int | None]]:
    """The change rows an inserted, edited or deleted object gives (none if nothing that matters
    changed): current keys, plus the old keys when they moved."""
    name = getattr(obj, "__tablename__", None)
    if name in FACT_TABLES:
        return _fact_changes(obj, FACT_TABLES[name])
    columns = GRAPH_COLUMNS.get(name)
    if columns is None:
        return []
    state = inspect(obj)
    if name == "people" and edited and any(state.attrs[c].history.has_changes() for c in PERSON_FACT_COLUMNS):
        return [(FACTS, obj.id, None)] + _changes_of_graph(obj, name, columns, state, edited)
    return _changes_of_graph(obj, name, columns, state, edited)


def _fact_changes(obj, column: str) -> list[tuple[str, int | None, None]]:
    """A fact row names its person (and the previous one, if it moved to someone else)."""
    history = inspect(obj).attrs[column].history
    people = {getattr(obj, column)} | {p for p in history.deleted or () if p is not None}
    return [(FACTS, p, None) for p in people if p is not None]


def _changes_of_graph(obj, name, columns, state, edited) -> list[tuple[str, int | None, int | None]]:
    first, second = _KEYS[name]
    if edited and not any(state.attrs[c].history.has_changes() for c in columns):
        return []  # an edit of columns the graph does not show
    out = [(name, getattr(obj, first), getattr(obj, second) if second else None)]
    for key in (first, second):
        if key and key != "id":
            deleted_values = state.attrs[key].history.deleted
            if deleted_values and deleted_values[0] is not None:
                old = {first: getattr(obj, first), **({second: getattr(obj, second)} if second else {})}
                old[key] = deleted_values[0]
                out.append((name, old[first], old[second] if second else None))
    return out


@event.listens_for(Session, "after_flush")
def _log_after_flush(session: Session, flush_context) -> None:
    """After the rows are written (new ones have ids), before the transaction commits."""
    changes = []
    for obj in session.new:
        changes += _changes_of(obj, edited=False)
    for obj in session.dirty:
        changes += _changes_of(obj, edited=True)
    for obj in session.deleted:
        changes += _changes_of(obj, edited=False)
    log_changes(session, changes)


@event.listens_for(Session, "do_orm_execute")
def _log_bulk_statement(state) -> None:
    """Bulk update/delete/insert statements (ORM or Core through the session) skip the flush
    hooks and may touch any number of rows: ask every process for a full rebuild."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    names = {m.local_table.name for m in state.all_mappers if m.local_table is not None}
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None):
        names.add(table.name)
    if names & (GRAPH_TABLES | set(FACT_TABLES) | {"person_tags"}):
        log_changes(state.session, [(FULL_REBUILD, None, None)])


def current(session: Session) -> int:
    """The current graph version (0 before the first change)."""
    gv = GraphVersion.__table__.c
    return int(session.execute(select(gv.value).where(gv.id == _ROW_ID)).scalar() or 0)


def state(session: Session) -> tuple[int, int, int]:
    """(graph version, newest change id, that change's token), read together in one statement."""
    gv, gc = GraphVersion.__table__.c, GraphChange.__table__.c
    newest = select(func.max(gc.id)).scalar_subquery()
    row = session.execute(select(
        select(gv.value).where(gv.id == _ROW_ID).scalar_subquery(), newest,
        select(gc.version).where(gc.id == newest).scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def changes_since(session: Session, token: int, after: int, upto: int) -> list[tuple] | None:
    """The logged changes with after < id <= upto, as (kind, a, b); None when the log cannot
    tell: the change `after` is gone (pruned, or the log was emptied) or carries another
    token than the one noted with it (the log was emptied and refilled since)."""
    gc = GraphChange.__table__.c
    if after <= 0 or session.execute(select(gc.version).where(gc.id == after)).scalar() != token:
        return None
    rows = session.execute(select(gc.kind, gc.a, gc.b).where(gc.id > after, gc.id <= upto)
                           .order_by(gc.id)).all()
    return [tuple(r) for r in rows]


@event.listens_for(GraphVersion.__table__, "after_create")
def _first_row(target, connection, **kw) -> None:
    connection.execute(target.insert().values(id=_ROW_ID, value=0))
