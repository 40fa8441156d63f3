"""A merged-away record accepts no new writes: every write that edits it or links a row to it
(API and forms) answers 409 naming the record it went to, and changes nothing; undo copes with
whatever happened since (rows added, moved on or deleted meanwhile) and never answers 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.contacts import merge
from crm.contacts import services as contacts
from crm.contacts.models import Person, Tie
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership
from tests.security.figures import add
from tests.web.world import build_world, sign_in, snapshot


@pytest.fixture
def merged(db):
    """Two records of Robin Vale in partnership A; the second merged into the first."""
    world = build_world()
    keep = contacts.save_person(None, {"name": "Robin Vale", "email": "robin@vale.example",
                                       "organisation_id": world.org_a.id})
    drop = contacts.save_person(None, {"name": "R. Vale", "organisation_id": world.org_a.id})
    fresh = contacts.save_person(None, {"name": "Sam Fresh", "organisation_id": world.org_a.id})
    db.session.flush()
    partnerships.add_member(world.a, drop.id, "member", "candidate")
    contacts.add_tie("knows", drop.id, world.person_a.id, 2, "old record")
    entry = merge.merge(keep, drop)
    db.session.commit()
    return world, keep.id, drop.id, fresh.id, entry.id


def _writes(world, person_id: int, other_id: int) -> list[tuple[str, str, str, dict]]:
    """(how, method, url, body) of each kind of write naming a person: API bodies, URL ids, forms."""
    a = world.a.id
    return [
        ("api", "POST", "/api/v1/relationships",
         {"kind": "knows", "source_id": person_id, "target_id": other_id, "strength": 1}),
        ("api", "POST", f"/api/v1/partnerships/{world.b.id}/members", {"person_id": person_id}),
        ("api", "PATCH", f"/api/v1/people/{person_id}", {"title": "Owner"}),
        ("api", "POST", f"/api/v1/people/{person_id}/assessments",
         {"trait": "company", "rating": 2, "partnership_id": a}),
        ("form", "POST", f"/people/{person_id}/ties", {"kind": "referred", "other_id": other_id, "strength": 2}),
        ("form", "POST", f"/partnerships/{world.b.id}/members",
         {"person_id": person_id, "role": "member", "stage": "candidate"}),
        ("form", "POST", f"/people/{person_id}/edit",
         {"name": "Robin V.", "title": "Owner", "organisation_id": world.org_a.id}),
    ]


def _send(client, headers, how, method, url, body):
    if how == "api":
        return client.open(url, method=method, json=body, headers=headers)
    return client.open(url, method=method, data=body)


def test_every_write_to_a_merged_record_answers_409_naming_where_it_went(client, merged, bearer):
    world, keep_id, drop_id, fresh_id, _entry = merged
    admin = world.users["admin"]
    headers = bearer(admin)
    sign_in(client, admin)
    tried = 0
    for how, method, url, body in _writes(world, drop_id, world.person_b.id):
        before = snapshot()
        response = _send(client, headers, how, method, url, body)
        assert response.status_code == 409, (url, response.status_code, response.get_data(as_text=True)[:300])
        text = response.get_data(as_text=True)
        assert "Robin Vale" in text and f"#{keep_id}" in text, url
        if how == "api":
            assert response.json["error"]["code"] == "merged"
            assert response.json["error"]["fields"]["merged_into_id"] == keep_id
        assert snapshot() == before, f"{url} changed the database"
        tried += 1
    # the same writes on a live record go through: the 409 is the merge's, not a bad request
    for how, method, url, body in _writes(world, fresh_id, world.person_b.id):
        response = _send(client, headers, how, method, url, body)
        assert response.status_code in (200, 201, 302), (url, response.status_code,
                                                         response.get_data(as_text=True)[:300])
    assert tried == 7
    add("merges", "writes to a merged record refused with 409 (API and forms)", tried)


def test_undo_copes_with_rows_added_moved_and_deleted_since_the_merge(client, db, merged):
    world, keep_id, drop_id, _fresh, entry_id = merged
    # since the merge: the kept record got the moved tie's twin back on the old record (written
    # past the guard, as older versions let the API do), a membership moved on, a tie deleted
    tie = db.session.scalar(select(Tie).where(Tie.source_id == min(keep_id, world.person_a.id),
                                              Tie.target_id == max(keep_id, world.person_a.id)))
    membership = db.session.scalar(select(Membership).where(Membership.person_id == keep_id))
    conn = db.session.connection()
    conn.execute(Tie.__table__.insert().values(kind="knows", source_id=min(drop_id, world.person_a.id),
                                               target_id=max(drop_id, world.person_a.id), strength=1))
    conn.execute(Membership.__table__.insert().values(partnership_id=world.a.id, person_id=drop_id,
                                                      role="member", stage="candidate"))
    contacts.add_tie("referred", keep_id, world.person_b.id, 1, "after the merge")
    db.session.delete(tie)
    db.session.commit()
    assert membership is not None
    sign_in(client, world.users["admin"])
    response = client.post(f"/merges/{entry_id}/undo")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    drop = db.session.get(Person, drop_id)
    assert drop.merged_into_id is None
    memberships = db.session.scalars(select(Membership.person_id).where(Membership.partnership_id == world.a.id)).all()
    assert memberships.count(drop_id) == 1 and keep_id in memberships  # the twin stayed with Robin
    assert db.session.scalar(select(Tie.id).where(Tie.kind == "referred", Tie.source_id == keep_id)) is not None
    # and the separated record takes writes again
    sign_in(client, world.users["admin"])
    edit = client.post(f"/people/{drop_id}/edit", data={"name": "R. Vale", "title": "CFO",
                                                       "organisation_id": world.org_a.id})
    assert edit.status_code == 302
