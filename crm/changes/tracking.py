"""What happens when you save a Person (or any tracked row): the whole story, in this file.

1. A model says what of it is tracked, on the model itself:

       class Person(db.Model):
           __tracked__ = Tracked(graph=("name", "organisation_id", "merged_into_id", "archived_at"),
                                 facts=("title", "tags"), person="id")

   `graph`: the columns the network shows (an insert or a delete always counts); `facts`: the
   columns that feed someone's trait scores (and not the network); `keys`: the one or two ids
   a change row names; `person`: whose scores a facts change is about; `scores=False`: a graph
   change of this table does not feed the scores (memberships: a stage move re-ranks
   suggestions, never re-scores; only a role, their `facts`, does: chairing is a signal).

2. When the session flushes (`_after_flush`, the rows are written and new ones have ids, the
   transaction is still open), every new, edited and deleted object of a tracked model gives
   its change rows: `(table, a, b)` when it is new, deleted, or a `graph` column changed (plus
   the old ids when they moved: a tie moved to another person changes both); `("facts",
   person, None)` when only a `facts` column changed (and for the previous person as well).
   An edit of an untracked column (an email, a phone number, notes) gives nothing.

3. `crm.changes.models.write` appends them to `graph_changes` and bumps the version rows of the
   consumers they concern: GRAPH when a graph change is among them, SCORES when any of them
   feeds scores. Both commit (or roll back) with your change.

4. A bulk UPDATE/DELETE/INSERT through the session (`_bulk_statement`) names no rows: it logs
   `FULL_REBUILD` and bumps both versions. Rows written past the ORM (crm/synth.py) call
   `models.rebuild_everything` themselves.

5. Each process holds its caches in `crm.changes.cache.CatchUpCache` objects (the region
   network in crm/network/services.py, the scores snapshot in crm/scoring/services.py). On its
   next read, a cache whose version moved reads the log since its own position and applies just
   those changes (milliseconds), or rebuilds after a bulk change, past its limit, or when the
   log no longer reaches back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from crm.changes import models
from crm.changes.models import FACTS, FULL_REBUILD
from crm.extensions import db


@dataclass(frozen=True)
class Tracked:
    """What a model declares as tracked (see the module's docstring)."""

    graph: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    keys: tuple[str, str | None] = ("id", None)
    person: str | None = None
    scores: bool = True


def tracked_tables() -> dict[str, Tracked]:
    """Every tracked table and its declaration (from the models themselves)."""
    from_models = {}
    for mapper in db.Model.registry.mappers:
        declared = getattr(mapper.class_, "__tracked__", None)
        if isinstance(declared, Tracked):
            from_models[mapper.local_table.name] = declared
    return from_models


def graph_tables() -> frozenset[str]:
    """The kinds of change the network reads: tables with `graph` columns."""
    return frozenset(name for name, tracked in tracked_tables().items() if tracked.graph)


def score_kinds() -> frozenset[str]:
    """The kinds of change the trait scores read: graph changes that feed scores, and facts."""
    return frozenset(name for name, tracked in tracked_tables().items()
                     if tracked.graph and tracked.scores) | {FACTS}


Change = tuple[str, int | None, int | None]


def changes_of(obj, edited: bool) -> tuple[list[Change], bool, bool]:
    """(change rows, whether the graph changed, whether scores changed) for one flushed object."""
    tracked = getattr(type(obj), "__tracked__", None)
    if not isinstance(tracked, Tracked):
        return [], False, False
    state = inspect(obj)

    def changed(columns) -> bool:
        return any(state.attrs[c].history.has_changes() for c in columns)

    out: list[Change] = []
    graph = bool(tracked.graph) and (not edited or changed(tracked.graph))
    if graph:
        out += _graph_rows(obj, obj.__tablename__, tracked.keys, state)
    facts = bool(tracked.facts) and (not edited or changed(tracked.facts))
    told = graph and tracked.scores  # the scores read this graph row already
    if facts and not told and tracked.person is not None:
        out += _facts_rows(obj, tracked.person, state)
    return out, graph, told or facts


def _graph_rows(obj, name: str, keys, state) -> list[Change]:
    """The current keys, plus the old keys when one of them moved."""
    first, second = keys
    out = [(name, getattr(obj, first), getattr(obj, second) if second else None)]
    for key in (first, second):
        if key and key != "id":
            deleted = state.attrs[key].history.deleted
            if deleted and deleted[0] is not None:
                old = {first: getattr(obj, first), **({second: getattr(obj, second)} if second else {})}
                old[key] = deleted[0]
                out.append((name, old[first], old[second] if second else None))
    return out


def _facts_rows(obj, column: str, state) -> list[Change]:
    """A facts row names its person (and the previous one, if the row moved to someone else)."""
    people = {getattr(obj, column)}
    if column != "id":
        people |= {p for p in state.attrs[column].history.deleted or () if p is not None}
    return [(FACTS, p, None) for p in people if p is not None]


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    """Log what this flush changed (see the module's docstring, step 2)."""
    rows: set[Change] = set()
    graph = scores = False
    for objects, edited in ((session.new, False), (session.dirty, True), (session.deleted, False)):
        for obj in objects:
            found, to_graph, to_scores = changes_of(obj, edited)
            rows.update(found)
            graph, scores = graph or to_graph, scores or to_scores
    models.write(session, rows, graph, scores)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state) -> None:
    """Bulk statements skip the flush and may touch any number of rows: rebuild everything."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    names = {m.local_table.name for m in state.all_mappers if m.local_table is not None}
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None):
        names.add(table.name)
    if names & (set(tracked_tables()) | {"person_tags"}):
        models.write(state.session, {(FULL_REBUILD, None, None)}, graph=True, scores=True)
