"""crm/changes: what a save logs and bumps, as each model declares it, and the generic
catch-up cache (load once, apply what the log says, rebuild past its limit or after a bulk
change)."""

from __future__ import annotations

from sqlalchemy import select, text, update

from crm.changes import models as changes
from crm.changes.cache import CatchUpCache
from crm.changes.tracking import Tracked, tracked_tables
from crm.contacts import services as contacts
from crm.contacts.models import Person
from crm.partnerships import services as partnerships


def _versions(db):
    return changes.current(db.session, changes.GRAPH), changes.current(db.session, changes.SCORES)


def _logged_since(db, after: int) -> set[tuple]:
    log = changes.GraphChange.__table__.c
    return {tuple(r) for r in db.session.execute(select(log.kind, log.a, log.b).where(log.id > after))}


def _newest(db) -> int:
    return db.session.scalar(select(changes.GraphChange.id).order_by(changes.GraphChange.id.desc()).limit(1)) or 0


def test_every_declaration_names_real_columns_or_relationships(app):
    for name, tracked in tracked_tables().items():
        model = next(m.class_ for m in changes.db.Model.registry.mappers if m.local_table.name == name)
        attributes = set(model.__mapper__.attrs.keys())
        named = set(tracked.graph) | set(tracked.facts) | {k for k in tracked.keys if k} | (
            {tracked.person} if tracked.person else set())
        assert named <= attributes, (name, named - attributes)
        assert isinstance(model.__tracked__, Tracked)


def test_saving_a_person_logs_and_bumps_what_their_declaration_says(db, make_org, make_person,
                                                                    make_partnership):
    acme = make_org("Acme")
    ann = make_person("Ann", acme)
    partnership = make_partnership("Region X")
    db.session.commit()

    graph, scores, newest = *_versions(db), _newest(db)
    contacts.save_person(ann, {"email": "ann@acme.example", "phone": "303 555 0100"}, expected_version=ann.version)
    db.session.commit()
    assert (_versions(db), _logged_since(db, newest)) == ((graph, scores), set())  # untracked columns

    contacts.save_person(ann, {"title": "CEO"}, expected_version=ann.version)
    db.session.commit()
    assert _logged_since(db, newest) == {("facts", ann.id, None)}
    assert _versions(db)[0] == graph and _versions(db)[1] != scores  # scores only

    graph, scores, newest = *_versions(db), _newest(db)
    contacts.save_person(ann, {"name": "Annie"}, expected_version=ann.version)
    db.session.commit()
    assert _logged_since(db, newest) == {("people", ann.id, None)}
    assert graph != _versions(db)[0] and scores != _versions(db)[1]  # both

    graph, scores, newest = *_versions(db), _newest(db)
    membership = partnerships.add_member(partnership, ann.id, "chair", "suggested")
    db.session.commit()
    assert _logged_since(db, newest) == {("memberships", partnership.id, ann.id), ("facts", ann.id, None)}
    assert graph != _versions(db)[0] and scores != _versions(db)[1]  # chairing is a trait signal

    graph, scores, newest = *_versions(db), _newest(db)
    partnerships.move_stage(membership, "champion")
    db.session.commit()
    assert _logged_since(db, newest) == {("memberships", partnership.id, ann.id)}
    assert graph != _versions(db)[0] and scores == _versions(db)[1]  # a stage re-ranks, never re-scores


def test_a_bulk_statement_asks_everyone_to_rebuild(db, make_person):
    make_person("Ann")
    db.session.commit()
    graph, scores, newest = *_versions(db), _newest(db)
    db.session.execute(update(Person).values(notes="bulk"))
    db.session.commit()
    assert _logged_since(db, newest) == {(changes.FULL_REBUILD, None, None)}
    assert graph != _versions(db)[0] and scores != _versions(db)[1]


def test_the_catch_up_cache_applies_changes_and_rebuilds_past_its_limit_or_after_a_gap(db, make_person):
    loads, applied = [], []

    def load(session):
        loads.append(1)
        return frozenset(session.scalars(select(Person.name)))

    def apply(session, value, rows):
        applied.append(rows)
        return frozenset(session.scalars(select(Person.name)))

    cache = CatchUpCache("names", changes.GRAPH, lambda: frozenset({"people"}), load, apply, limit=2)
    make_person("Ann")
    db.session.commit()
    assert cache.get() == {"Ann"} and loads == [1]
    assert cache.get() == {"Ann"} and loads == [1]  # warm: nothing read

    bob = make_person("Bob")
    db.session.commit()
    assert cache.get() == {"Ann", "Bob"} and loads == [1] and applied == [[("people", bob.id, None)]]

    for name in ("Cy", "Dee", "Eve"):
        make_person(name)
    db.session.commit()
    assert "Eve" in cache.get() and loads == [1, 1]  # 3 changes > limit 2: rebuilt

    db.session.execute(text("DELETE FROM graph_changes"))  # the log emptied (a restore, say)
    make_person("Fay")
    db.session.commit()
    assert "Fay" in cache.get() and loads == [1, 1, 1] and cache.rebuilds == 3
