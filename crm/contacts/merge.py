"""Merging two records of the same person, and undoing the merge. Flush only.

Every row that points at the merged-away person (found by walking the schema's foreign keys,
so tables added later are covered) is moved to the kept person, unless the kept person
already has the same row (a membership of the same partnership, the same tie...): that row
stays with the merged-away record, which is kept (marked `merged_into_id`) and never deleted.
Empty fields of the kept person are filled from the other. Each move is written to the audit
log entry of the merge, which is what undo replays backwards, copying with whatever happened
since: a row that moved on (or went) stays where it is, a row the separated record has again
stays with the kept one.

A merged-away record accepts no new writes: any flush that edits it, or links a new row (a
tie, a membership, a task, an assessment...) to it, however the write came (form, API, import),
is refused with `MergedAway`, a 409 naming the record it went to. Merge, undo and erasure move
rows with plain SQL by key and are not flushes of the rows they move.
"""

from __future__ import annotations

from sqlalchemy import and_, event, inspect, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from crm.audit.models import AuditEntry, record
from crm.contacts.models import Person, Tie
from crm.extensions import db

#: columns that point at a person but are not theirs to move (the merge link itself).
SKIP = {("people", "merged_into_id")}
#: fields of the kept person filled from the other record when empty
PERSON_MERGE_FIELDS = ("title", "email", "phone", "notes", "organisation_id")


class MergeError(ValueError):
    """A merge or undo refused, with a message."""


class MergedAway(Conflict):
    """A write to a record merged into another: 409, naming where it went."""

    def __init__(self, person_id: int, name: str, merged_into_id: int, merged_into_name: str):
        self.message = (f"{name} (#{person_id}) was merged into {merged_into_name} (#{merged_into_id}): "
                        f"make the change on {merged_into_name}'s record. Nothing was saved.")
        self.fields = {"merged_into_id": merged_into_id}
        self.api_code = "merged"
        super().__init__(self.message)


def _people_fks(mapper) -> list:
    """The mapped attributes of `mapper` that hold a person's id (not the merge link itself)."""
    found = []
    for prop in mapper.column_attrs:
        for column in prop.columns:
            for fk in getattr(column, "foreign_keys", ()):
                if (fk.column.table.name == "people" and fk.column.name == "id"
                        and (column.table.name, column.name) not in SKIP):
                    found.append(prop.key)
    return found


@event.listens_for(Session, "before_flush")
def _refuse_writes_to_merged(session: Session, _flush_context, _instances) -> None:
    """The rule "a merged-away record accepts no new writes", for every write of the ORM."""
    wanted: set[int] = set()
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        if isinstance(obj, Person) and obj in session.dirty and obj.merged_into_id is not None:
            if not state.attrs.merged_into_id.history.has_changes() and session.is_modified(obj):
                wanted.add(obj.id)
        for key in _people_fks(state.mapper):
            if obj in session.dirty and not state.attrs[key].history.has_changes():
                continue
            value = getattr(obj, key)
            if value is not None:
                wanted.add(value)
        for rel in state.mapper.relationships:
            if rel.mapper.class_ is Person and rel.key in state.dict:
                target = state.dict[rel.key]
                if isinstance(target, Person) and target.id is not None:
                    wanted.add(target.id)
    if not wanted:
        return
    with session.no_autoflush:
        merged = session.execute(select(Person.id, Person.name, Person.merged_into_id)
                                 .where(Person.id.in_(wanted), Person.merged_into_id.is_not(None))).first()
        if merged is not None:
            target = session.execute(select(Person.name).where(Person.id == merged.merged_into_id)).scalar()
            raise MergedAway(merged.id, merged.name, merged.merged_into_id, target or "another record")


def _person_columns():
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "people" and fk.column.name == "id":
                if (table.name, fk.parent.name) not in SKIP:
                    yield table, fk.parent


def _unique_sets(table, column) -> list[list]:
    """Column groups that must stay unique and include `column` (primary keys included)."""
    sets = []
    if column.primary_key:
        sets.append(list(table.primary_key.columns))
    for constraint in table.constraints:
        cols = list(getattr(constraint, "columns", []))
        if constraint.__class__.__name__ == "UniqueConstraint" and column in cols:
            sets.append(cols)
    for index in table.indexes:
        if index.unique and column in index.columns:
            sets.append(list(index.columns))
    return sets


def _clashes(conn, table, column, row, person_id: int) -> bool:
    """Whether pointing `row`'s `column` at `person_id` would repeat a row that must stay unique."""
    for cols in _unique_sets(table, column):
        cond = [c == (person_id if c is column else row._mapping[c.name]) for c in cols]
        if conn.execute(select(*table.primary_key.columns).where(and_(*cond)).limit(1)).first():
            return True
    return False


def _key_of(table, row) -> dict:
    pk = list(table.primary_key.columns)
    return {c.name: row._mapping[c.name] for c in pk}


def _move_ties(keep_id: int, drop_id: int, moves: list) -> None:
    ties = db.session.scalars(select(Tie).where((Tie.source_id == drop_id) | (Tie.target_id == drop_id))).all()
    existing = {(t.kind, t.source_id, t.target_id) for t in db.session.scalars(
        select(Tie).where((Tie.source_id == keep_id) | (Tie.target_id == keep_id)))}
    for tie in ties:
        s = keep_id if tie.source_id == drop_id else tie.source_id
        t = keep_id if tie.target_id == drop_id else tie.target_id
        if tie.kind == "knows":
            s, t = sorted((s, t))
        if s == t or (tie.kind, s, t) in existing:
            continue  # a tie between the two, or one the kept person has already: stays
        moves.append({"tie": tie.id, "from": [tie.source_id, tie.target_id], "to": [s, t]})
        tie.source_id, tie.target_id = s, t
        existing.add((tie.kind, s, t))
    db.session.flush()


def merge(keep: Person, drop: Person) -> AuditEntry:
    """Merge `drop` into `keep`; returns the audit entry (its id is what undo takes)."""
    if keep.id == drop.id:
        raise MergeError("A person cannot be merged with themselves.")
    if drop.merged_into_id or keep.merged_into_id:
        raise MergeError("One of these records was already merged into another.")
    moves: list = []
    _move_ties(keep.id, drop.id, moves)
    conn = db.session.connection()
    for table, column in _person_columns():
        if table.name == "ties":
            continue
        rows = conn.execute(select(table).where(column == drop.id)).all()
        for row in rows:
            if _clashes(conn, table, column, row, keep.id):
                continue
            key = _key_of(table, row)
            if column.name in key:  # the person id is part of the primary key
                where = and_(*[table.c[k] == v for k, v in key.items()])
                key = {**key, column.name: keep.id}
            else:
                where = and_(*[table.c[k] == v for k, v in key.items()])
            conn.execute(table.update().where(where).values({column.name: keep.id}))
            moves.append({"table": table.name, "column": column.name, "key": key})
    filled = {}
    for name in PERSON_MERGE_FIELDS:
        if getattr(keep, name) in (None, "") and getattr(drop, name) not in (None, ""):
            filled[name] = getattr(drop, name)
            setattr(keep, name, getattr(drop, name))
    drop.merged_into_id = keep.id
    db.session.flush()
    summary = f"merged {drop.name} (#{drop.id}) into {keep.name} (#{keep.id})"
    record(db.session, "merge", "people", keep.id, summary,
           before={"drop_id": drop.id, "keep_id": keep.id, "filled": filled},
           after={"moves": moves})
    record(db.session, "merge", "people", drop.id, summary, before=None,
           after={"merged_into_id": keep.id})
    db.session.expire_all()  # rows were moved with plain SQL: reload what the session holds
    return db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "merge", AuditEntry.entity_id == keep.id).order_by(AuditEntry.id.desc()).limit(1))


def merge_entry(entry_id: int) -> AuditEntry | None:
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None or entry.action != "merge" or not (entry.before or {}).get("drop_id"):
        return None
    return entry


def is_undone(entry: AuditEntry) -> bool:
    return db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "unmerge", AuditEntry.entity == "people",
        AuditEntry.entity_id == entry.entity_id, AuditEntry.summary.like(f"undo of merge #{entry.id}:%"))
        .limit(1)) is not None


def undo(entry: AuditEntry) -> Person:
    """Put everything a merge moved back where it was; returns the restored person."""
    if is_undone(entry):
        raise MergeError("That merge was already undone.")
    keep_id, drop_id = entry.before["keep_id"], entry.before["drop_id"]
    drop = db.session.get(Person, drop_id)
    keep = db.session.get(Person, keep_id)
    if drop is None or keep is None or drop.merged_into_id != keep_id:
        raise MergeError("That merge cannot be undone any more (a record was erased or re-merged).")
    drop.merged_into_id = None  # first: rows may point at it again
    db.session.flush()
    conn = db.session.connection()
    stayed = 0
    for move in reversed(entry.after["moves"]):
        if "tie" in move:
            tie = db.session.get(Tie, move["tie"])
            if tie is None or [tie.source_id, tie.target_id] != move["to"]:
                continue  # deleted or changed since: leave it as it is now
            if db.session.scalar(select(Tie.id).where(
                    Tie.kind == tie.kind, Tie.source_id == move["from"][0], Tie.target_id == move["from"][1])):
                stayed += 1  # the separated record has this tie again
                continue
            tie.source_id, tie.target_id = move["from"]
            db.session.flush()
            continue
        table = db.metadata.tables[move["table"]]
        column = table.c[move["column"]]
        where = and_(*[table.c[k] == v for k, v in move["key"].items()], column == keep_id)
        row = conn.execute(select(table).where(where)).first()
        if row is None:
            continue  # gone, or moved on since
        if _clashes(conn, table, column, row, drop_id):
            stayed += 1
            continue
        conn.execute(table.update().where(where).values({move["column"]: drop_id}))
    for name, value in entry.before.get("filled", {}).items():
        if getattr(keep, name) == value:
            setattr(keep, name, None)
    db.session.flush()
    note = f"; {stayed} row(s) the separated record has again stay with {keep.name}" if stayed else ""
    record(db.session, "unmerge", "people", keep_id,
           f"undo of merge #{entry.id}: {drop.name} (#{drop_id}) separated from {keep.name}{note}")
    record(db.session, "unmerge", "people", drop_id, f"undo of merge #{entry.id}")
    db.session.expire_all()
    return drop
