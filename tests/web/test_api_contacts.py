"""The contacts API: organisations, people, relationships and members, with the pages' access
rules, JSON errors for bad input, optimistic concurrency on PATCH and archive-on-delete."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.contacts.models import Person, Tie


@pytest.fixture
def as_(world, bearer):
    """`as_(role)`: API headers of the world's user of that role."""
    return lambda role: bearer(world.users[role])


def test_organisation_created_with_side_and_kind_and_id(client, as_):
    h = as_("convener_a")
    created = client.post("/api/v1/organizations", json={"name": "Lane CC", "side": "community"},
                          headers=h)
    assert created.status_code == 201
    assert created.json["id"] > 0 and created.json["side"] == "community" and created.json["kind"] == "other"
    employer = client.post("/api/v1/organizations", json={"name": "Acme", "kind": "employer"}, headers=h)
    assert employer.json["side"] == "employer"
    clash = client.post("/api/v1/organizations", json={"name": "X", "side": "employer",
                                                       "kind": "university"}, headers=h)
    assert clash.status_code == 400 and "side" in clash.json["error"]["fields"]
    bad = client.post("/api/v1/organizations", json={"name": "", "website": "ftp://x", "naics": "x",
                                                     "size": "huge", "colour": 1}, headers=h)
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) >= {"name", "website", "naics", "size", "colour"}


def test_organisations_list_filters_by_side_and_chairs_see_only_their_own(client, as_, world):
    listed = client.get("/api/v1/organizations?side=employer", headers=as_("admin")).json
    assert {o["name"] for o in listed["items"]} == {"Alpha Works", "Beta Clinic"}
    chair = client.get("/api/v1/organizations", headers=as_("chair_a")).json
    assert [o["name"] for o in chair["items"]] == ["Alpha Works"]
    assert client.get(f"/api/v1/organizations/{world.org_b.id}", headers=as_("chair_a")).status_code == 404
    assert client.get("/api/v1/organizations?side=moon", headers=as_("admin")).status_code == 400


def test_people_list_uses_the_list_page_filters_and_paginates(client, as_, world):
    h = as_("admin")
    everyone = client.get("/api/v1/people?per_page=2", headers=h).json
    assert len(everyone["items"]) == 2 and everyone["has_next"] is True
    alpha = client.get(f"/api/v1/people?partnership={world.a.id}&stage=suggested", headers=h).json
    assert [p["name"] for p in alpha["items"]] == ["Member Alpha"]
    assert alpha["items"][0]["side"] == "employer" and alpha["items"][0]["organization_name"] == "Alpha Works"
    found = client.get("/api/v1/people?q=beta", headers=h).json
    assert [p["name"] for p in found["items"]] == ["Member Beta"]
    assert client.get("/api/v1/people?per_page=0", headers=h).status_code == 400


def test_viewers_see_only_people_of_their_partnerships_and_change_nothing(client, as_, world):
    h = as_("viewer_a")
    names = {p["name"] for p in client.get("/api/v1/people", headers=h).json["items"]}
    assert names == {"Chair Alpha", "Member Alpha"}
    assert client.get(f"/api/v1/people/{world.person_b.id}", headers=h).status_code == 404
    assert client.patch(f"/api/v1/people/{world.person_b.id}", json={"title": "x"}, headers=h).status_code == 404
    assert client.patch(f"/api/v1/people/{world.person_a.id}", json={"title": "x"}, headers=h).status_code == 403
    assert client.post("/api/v1/people", json={"name": "X"}, headers=h).status_code == 403
    assert client.get("/api/v1/relationships", headers=h).status_code == 403


def test_person_create_patch_conflict_and_archive(client, as_, world, db):
    h = as_("convener_a")
    created = client.post("/api/v1/people", json={"name": "Ann Lee", "email": "Ann@X.example",
                                                  "organization_id": world.org_a.id,
                                                  "tags": ["Rotary", "board"]}, headers=h)
    assert created.status_code == 201
    person = created.json
    assert person["email"] == "ann@x.example" and sorted(person["tags"]) == ["Rotary", "board"]
    changed = client.patch(f"/api/v1/people/{person['id']}", json={"title": "CEO", "version": person["version"]},
                           headers=h)
    assert changed.status_code == 200 and changed.json["title"] == "CEO"
    stale = client.patch(f"/api/v1/people/{person['id']}", json={"title": "COO", "version": person["version"]},
                         headers=h)
    assert stale.status_code == 409 and "title" in stale.json["error"]["fields"]
    bad = client.patch(f"/api/v1/people/{person['id']}", json={"email": "nope", "organisation_id": 999999,
                                                             "name": None}, headers=h)
    assert bad.status_code == 400 and {"email", "name"} <= set(bad.json["error"]["fields"])
    missing_org = client.patch(f"/api/v1/people/{person['id']}", json={"organization_id": 999999}, headers=h)
    assert missing_org.status_code == 400 and "organization_id" in missing_org.json["error"]["fields"]
    assert client.delete(f"/api/v1/people/{person['id']}", headers=h).status_code == 204
    archived = db.session.get(Person, person["id"])
    assert archived is not None and archived.archived_at is not None


def test_relationships_refuse_self_and_duplicates_and_delete_keeps_the_audit(client, as_, world, db):
    h = as_("convener_b")
    body = {"kind": "referred", "source_id": world.person_a.id, "target_id": world.person_b.id,
            "strength": 2, "note": "at the launch"}
    created = client.post("/api/v1/relationships", json=body, headers=h)
    assert created.status_code == 201 and created.json["note"] == "at the launch"
    assert client.post("/api/v1/relationships", json=body, headers=h).status_code == 409
    same = client.post("/api/v1/relationships", json={**body, "target_id": world.person_a.id}, headers=h)
    assert same.status_code == 400
    ghost = client.post("/api/v1/relationships", json={**body, "target_id": 999999}, headers=h)
    assert ghost.status_code == 400 and "target_id" in ghost.json["error"]["fields"]
    weak = client.post("/api/v1/relationships", json={**body, "kind": "hates", "strength": 9}, headers=h)
    assert set(weak.json["error"]["fields"]) == {"kind", "strength"}
    listed = client.get(f"/api/v1/relationships?person_id={world.person_b.id}", headers=h).json
    assert [t["id"] for t in listed["items"]] == [created.json["id"]]
    assert client.delete(f"/api/v1/relationships/{created.json['id']}", headers=h).status_code == 204
    assert db.session.get(Tie, created.json["id"]) is None
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "ties",
                                                         AuditEntry.action == "delete"))


def test_members_listed_and_added_by_conveners_of_the_partnership(client, as_, world):
    listed = client.get(f"/api/v1/partnerships/{world.a.id}/members", headers=as_("chair_a")).json
    assert {m["person_name"] for m in listed["items"]} == {"Chair Alpha", "Member Alpha"}
    assert client.get(f"/api/v1/partnerships/{world.a.id}/members", headers=as_("convener_b")).status_code == 404
    body = {"person_id": world.person_b.id, "role": "champion", "stage": "approved"}
    assert client.post(f"/api/v1/partnerships/{world.a.id}/members", json=body,
                       headers=as_("chair_a")).status_code == 403
    added = client.post(f"/api/v1/partnerships/{world.a.id}/members", json=body, headers=as_("convener_a"))
    assert added.status_code == 201 and added.json["role"] == "champion" and added.json["id"] > 0
    again = client.post(f"/api/v1/partnerships/{world.a.id}/members", json=body, headers=as_("convener_a"))
    assert again.status_code == 409
    bad = client.post(f"/api/v1/partnerships/{world.a.id}/members", json={"person_id": world.person_b.id,
                                                                         "role": "boss"}, headers=as_("admin"))
    assert bad.status_code == 400 and "role" in bad.json["error"]["fields"]


def test_organisation_patch_and_archive(client, as_, world, db):
    h = as_("admin")
    org = client.get(f"/api/v1/organizations/{world.org_a.id}", headers=h).json
    changed = client.patch(f"/api/v1/organizations/{org['id']}", json={"kind": "university",
                                                                     "version": org["version"]}, headers=h)
    assert changed.status_code == 200 and changed.json["side"] == "community"
    stale = client.patch(f"/api/v1/organizations/{org['id']}", json={"city": "Eugene", "version": org["version"]},
                         headers=h)
    assert stale.status_code == 409
    assert client.delete(f"/api/v1/organizations/{org['id']}", headers=h).status_code == 204
    assert client.get(f"/api/v1/organizations/{org['id']}", headers=h).json["archived_at"]


def test_nul_characters_and_ids_beyond_the_database_are_refused_not_500(client, as_, world):
    h = as_("admin")
    nul = client.post("/api/v1/people", json={"name": "Ann\x00Lee"}, headers=h)
    assert nul.status_code in (201, 400)  # refused, or cleaned before it reaches us
    assert nul.status_code == 400 or "\x00" not in nul.json["name"]
    assert client.get(f"/api/v1/people/{2**40}", headers=h).status_code == 404
    huge = client.post("/api/v1/relationships", json={"kind": "knows", "source_id": 2**40,
                                                      "target_id": world.person_a.id}, headers=h)
    assert huge.status_code == 400
    blank = client.patch(f"/api/v1/people/{world.person_a.id}", json={"name": "\x1c"}, headers=h)
    assert blank.status_code == 400


def test_an_email_reads_back_as_sent_and_a_bad_one_is_refused(client, as_, world):
    h = as_("convener_a")
    for email in ("0@a.xn--11b4c3d", "Zoë@Exämple.org"):  # an IDNA domain stays as typed (lower-cased)
        made = client.post("/api/v1/people", json={"name": "Idn", "email": email}, headers=h)
        assert made.status_code == 201 and made.json["email"] == email.lower()
        assert client.get(f"/api/v1/people/{made.json['id']}", headers=h).json["email"] == email.lower()
    bad = client.post("/api/v1/people", json={"name": "Bad", "email": "not an address"}, headers=h)
    assert bad.status_code == 400 and "email" in bad.json["error"]["fields"]
