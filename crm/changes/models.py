"""The two tables of change tracking, and reading and writing them.

`graph_version` holds one row per consumer of the log, each with a value that changes (a fresh
random number, never a counter, so it never repeats even when a test or a restore empties the
table) in the same transaction as any change that consumer cares about: row `GRAPH` (the
network) and row `SCORES` (the trait scores). `graph_changes` is the log: one row per change,
naming its kind (a table name, `FACTS` or `FULL_REBUILD`) and the one or two ids it concerns.

Writing the log takes the `GRAPH` row's lock first (PostgreSQL's row lock, SQLite's write lock)
until commit, so log ids are handed out in commit order and a reader that saw id N has seen
every change before it. What is logged, and when, is crm/changes/tracking.py.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, event, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow

#: The version rows: one per consumer of the log.
GRAPH = 1
SCORES = 2
#: A change that names no row: every consumer rebuilds (bulk statements, synthetic loads).
FULL_REBUILD = "*"
#: A change that alters only a person's trait scores (a task done, a title edited...), naming them.
FACTS = "facts"
#: The log keeps about this many newest rows; a process further behind rebuilds in full.
KEEP_CHANGES = 20_000
_PRUNE_EVERY = 1_000


class GraphVersion(db.Model):
    """One row per consumer of the change log (GRAPH, SCORES) holding its current version."""

    __tablename__ = "graph_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)

    def __repr__(self) -> str:
        return f"<GraphVersion {self.id}={self.value}>"


class GraphChange(db.Model):
    """One logged change: what kind of row, and whom it concerns."""

    __tablename__ = "graph_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    #: a random token per logging transaction: a catching-up process checks that the change it
    #: last saw still carries the token it noted (the log was not emptied and refilled since)
    version: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # a table name, FACTS or FULL_REBUILD
    a: Mapped[int | None] = mapped_column(BigInteger)
    b: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<GraphChange {self.id} {self.kind} {self.a} {self.b}>"


def bump(session: Session, row: int) -> int:
    """Give a consumer's version row a new value on the session's connection (commits with the change)."""
    connection = session.connection()
    table = GraphVersion.__table__
    value = secrets.randbits(52) + 1
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(table).values(id=row, value=value)
                       .on_conflict_do_update(index_elements=[table.c.id], set_={"value": value}))
    return value


def write(session: Session, changes: set[tuple[str, int | None, int | None]], graph: bool,
          scores: bool) -> None:
    """Append `changes` to the log and bump the versions of the consumers they concern, in one
    lock order (GRAPH's row first, then SCORES'), so two writers never wait for each other."""
    if not (changes or graph or scores):
        return
    connection = session.connection()
    version = GraphVersion.__table__
    if graph:
        token = bump(session, GRAPH)
    else:  # take the log's lock all the same: log ids are handed out in commit order
        connection.execute(version.update().where(version.c.id == GRAPH).values(value=version.c.value))
        token = secrets.randbits(52) + 1
    if scores:
        bump(session, SCORES)
    if not changes:
        return
    log = GraphChange.__table__
    now = utcnow()
    connection.execute(log.insert(), [{"version": token, "kind": k, "a": a, "b": b, "at": now}
                                      for k, a, b in changes])
    if secrets.randbelow(_PRUNE_EVERY) < len(changes):  # about once per _PRUNE_EVERY changes
        newest = connection.execute(select(func.max(log.c.id))).scalar() or 0
        connection.execute(log.delete().where(log.c.id <= newest - KEEP_CHANGES))


def rebuild_everything(session: Session) -> None:
    """Ask every process to rebuild what it holds (after rows were written past the ORM)."""
    write(session, {(FULL_REBUILD, None, None)}, graph=True, scores=True)


def current(session: Session, row: int) -> int:
    """A consumer's current version (0 before the first change)."""
    gv = GraphVersion.__table__.c
    return int(session.execute(select(gv.value).where(gv.id == row)).scalar() or 0)


def state(session: Session, row: int) -> tuple[int, int, int]:
    """(the consumer's version, the newest change id, that change's token), in one statement."""
    gv, gc = GraphVersion.__table__.c, GraphChange.__table__.c
    newest = select(func.max(gc.id)).scalar_subquery()
    found = session.execute(select(
        select(gv.value).where(gv.id == row).scalar_subquery(), newest,
        select(gc.version).where(gc.id == newest).scalar_subquery())).one()
    return int(found[0] or 0), int(found[1] or 0), int(found[2] or 0)


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
def _first_rows(target, connection, **kw) -> None:
    connection.execute(target.insert(), [{"id": GRAPH, "value": 0}, {"id": SCORES, "value": 0}])
