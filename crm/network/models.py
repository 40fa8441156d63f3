"""The graph version: one row whose value changes in the same transaction as any change to
people, organisations, ties, memberships or trait assessments.

Every process reads it with one cheap query before using its in-memory graph cache
(`crm/network/cache.py`), so a change made by any worker, the CLI or a job invalidates the
graphs of all of them. The value is a fresh random number on every change (not a counter):
it never repeats, even when a test or a restore empties the table.
"""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.extensions import db

#: Tables whose changes change the graph (nodes, their attributes, ties, memberships, scores).
GRAPH_TABLES = frozenset({"people", "organisations", "ties", "memberships", "trait_assessments"})
_ROW_ID = 1


class GraphVersion(db.Model):
    """The single row holding the current graph version."""

    __tablename__ = "graph_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)

    def __repr__(self) -> str:
        return f"<GraphVersion {self.value}>"


def _touches_graph(objects) -> bool:
    return any(getattr(obj, "__tablename__", None) in GRAPH_TABLES for obj in objects)


def bump(session: Session) -> None:
    """Give the graph a new version, on the session's connection (commits with the change)."""
    connection = session.connection()
    table = GraphVersion.__table__
    value = secrets.randbits(52) + 1
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(id=_ROW_ID, value=value)
    connection.execute(stmt.on_conflict_do_update(index_elements=[table.c.id],
                                                  set_={"value": value}))


@event.listens_for(Session, "before_flush")
def _bump_before_flush(session: Session, flush_context, instances) -> None:
    if _touches_graph(session.new) or _touches_graph(session.dirty) or _touches_graph(session.deleted):
        bump(session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_statement(state) -> None:
    """Bulk ORM update/delete/insert statements skip flush: bump for them too."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    for mapper in state.all_mappers:
        if mapper.local_table is not None and mapper.local_table.name in GRAPH_TABLES:
            bump(state.session)
            return


def current(session: Session) -> int:
    """The current graph version (0 before the first change)."""
    value = session.execute(
        GraphVersion.__table__.select().with_only_columns(GraphVersion.__table__.c.value)
        .where(GraphVersion.__table__.c.id == _ROW_ID)
    ).scalar()
    return int(value or 0)


@event.listens_for(GraphVersion.__table__, "after_create")
def _first_row(target, connection, **kw) -> None:
    connection.execute(target.insert().values(id=_ROW_ID, value=0))
