"""POST /api/v1/imports: the page's preview (dry_run) and confirm as JSON, with the same
formats, field-level problems, new organisations' sides and contacts_of ties."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.contacts.models import Organisation, Person, Tie

SAMPLES = Path(__file__).parent.parent / "unit" / "samples"


@pytest.fixture
def staff(make_user):
    return make_user("conv@example.org", "convener")


def _post(client, headers, data: bytes, name="people.csv", **form):
    return client.post("/api/v1/imports", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **form})


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_dry_run_answers_the_preview_and_writes_nothing(client, db, bearer, staff):
    response = _post(client, bearer(staff), (SAMPLES / "google_contacts.csv").read_bytes(), dry_run="true")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["summary"] == {"create": 3, "update": 0, "skip": 0, "error": 0, "ties": 0}
    siobhan = body["rows"][2]
    assert (siobhan["row"], siobhan["action"], siobhan["person"]["name"]) == (4, "create", "Siobhán Kelly")
    assert siobhan["warnings"] == [{"field": "email", "message":
                                    "'not-an-address' is not an email address; imported without it"}]
    assert {o["name"]: o["side"] for o in body["organizations"]} == {
        "Poudre Valley Plastics": "employer", "Weld County": "community"}
    assert _count(db, Person) == 0 and _count(db, Organisation) == 0


def test_without_dry_run_the_same_plan_is_applied_and_answers_ids(client, db, bearer, staff):
    body = _post(client, bearer(staff), (SAMPLES / "android.vcf").read_bytes(), "contacts.vcf").get_json()
    assert body["summary"]["create"] == 2 and not body["dry_run"]
    people = {p.name: p.id for p in db.session.scalars(select(Person))}
    assert {r["person"]["name"]: r["id"] for r in body["rows"]} == people
    assert all(o["id"] for o in body["organizations"])
    again = _post(client, bearer(staff), (SAMPLES / "android.vcf").read_bytes(), "contacts.vcf").get_json()
    assert again["summary"]["create"] == 0 and again["summary"]["skip"] == 2 and _count(db, Person) == 2


def test_mapping_by_header_name_and_contacts_of_records_ties(client, db, bearer, staff, make_person):
    chair = make_person("Karen Alvarez")
    data = b"Who,Where,Since\nAnn Lee,Acme Tools,12 Mar 2021\n"
    body = _post(client, bearer(staff), data, mapping=json.dumps({"name": "Who", "organization": 1, "since": "Since"}),
                 contacts_of=str(chair.id)).get_json()
    assert body["summary"]["ties"] == 1 and body["rows"][0]["person"]["organization"] == "Acme Tools"
    tie = db.session.scalar(select(Tie))
    assert tie.since.isoformat() == "2021-03-12" and tie.source.startswith("import:")


@pytest.mark.parametrize("form, field", [
    ({"mapping": "{"}, "mapping"), ({"mapping": json.dumps({"name": 9})}, "name"),
    ({"mapping": json.dumps({"shoe_size": 0})}, "shoe_size"), ({"dry_run": "maybe"}, "dry_run"),
    ({"kind": "cats"}, "kind"), ({"contacts_of": "999999"}, "contacts_of"),
    ({"contacts_of": "true"}, "contacts_of"),
])
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(client, db, bearer, staff, form, field):
    response = _post(client, bearer(staff), b"Name\nAnn Lee\n", **form)
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]
    assert _count(db, Person) == 0


def test_a_file_that_cannot_be_read_is_a_400(client, bearer, staff):
    response = _post(client, bearer(staff), b"\x00\x01PK", "x.csv")
    assert response.status_code == 400 and "file" in response.get_json()["error"]["fields"]


def test_chairs_may_not_import(client, db, bearer, make_user):
    chair = make_user("chair@example.org", "chair")
    assert _post(client, bearer(chair), b"Name\nAnn Lee\n").status_code == 403
    assert _count(db, Person) == 0


def test_the_openapi_document_describes_the_upload(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/imports"]["post"]
    form = op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "mapping", "contacts_of", "dry_run"} <= set(form["properties"])
    assert "ImportOut" in spec["components"]["schemas"]


def test_a_chairs_imported_ties_make_intro_paths_and_undo_takes_them_away(client, db, bearer, make_user, make_org,
                                                                          make_person, make_partnership, add_member):
    partnership = make_partnership("NoCo Manufacturing")
    chair = make_person("Karen Alvarez", org=make_org("Acme Tools"))
    add_member(partnership, chair, "chair", "accepted")
    convener = make_user("lead@example.org", "convener", partnerships=(partnership,))
    headers = bearer(convener)
    body = _post(client, headers, (SAMPLES / "linkedin_connections.csv").read_bytes(), "Connections.csv",
                 contacts_of=str(chair.id)).get_json()
    jose = next(r["id"] for r in body["rows"] if r["person"]["name"] == "José Núñez")
    paths = client.get(f"/api/v1/people/{jose}/intro-paths?partnership={partnership.id}", headers=headers).get_json()
    assert paths and paths[0]["asker_id"] == chair.id and paths[0]["path"] == [chair.id, jose]
    source = db.session.scalar(select(Tie.source).where(Tie.target_id == jose))
    auth_user = make_user("conv@example.org", "convener")
    from tests.web.world import sign_in

    sign_in(client, auth_user)
    client.post("/imports/ties/undo", data={"source": source})
    assert db.session.scalars(select(Tie)).all() == []
    paths = client.get(f"/api/v1/people/{jose}/intro-paths?partnership={partnership.id}", headers=headers).get_json()
    assert not any(p["asker_id"] == chair.id for p in paths)


def test_adding_candidates_to_a_partnership_one_may_not_edit_changes_nothing(client, db, make_user, auth,
                                                                               make_partnership):
    from tests.web.world import snapshot

    mine, other = make_partnership("Mine"), make_partnership("Other")
    make_user("lead@example.org", "convener", partnerships=(mine,))
    auth.login("lead@example.org")
    response = client.post("/imports", data={"kind": "people", "file": (io.BytesIO(b"Name\nAnn Lee\n"), "x.csv")},
                           content_type="multipart/form-data")
    upload_id = response.headers["Location"].split("/")[2]
    client.post(f"/imports/{upload_id}/mapping", data={"col_name": "0"})
    client.post(f"/imports/{upload_id}/run")
    before = snapshot()
    for target in (other.id, 999999, "x"):
        assert client.post(f"/imports/{upload_id}/candidates", data={"partnership": target}).status_code == 404
    assert snapshot() == before


def test_a_json_body_is_refused_as_the_wrong_media_type(client, db, bearer, staff):
    response = client.post("/api/v1/imports", headers=bearer(staff), json={"file": "Name\nAnn"})
    assert response.status_code == 415 and response.get_json()["error"]["code"] == "unsupported_media_type"


def test_an_oversized_body_is_a_413_in_the_api_shape(app, client, db, bearer, staff):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/api/v1/imports", headers=bearer(staff), data=b'{"x": "' + b"a" * 2000 + b'"}',
                           content_type="application/json")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "request_entity_too_large"
    big = _post(client, bearer(staff), b"Name\n" + b"Ann Lee\n" * 300)
    assert big.status_code == 413 and _count(db, Person) == 0


def test_organizations_import_through_the_api_spelling(client, db, bearer, staff):
    body = _post(client, bearer(staff), b"Name,Kind\nWeld County,City / county government\n", "orgs.csv",
                 kind="organizations").get_json()
    assert body["summary"]["create"] == 1
    assert db.session.scalar(select(Organisation.kind)) == "government"


def test_the_api_offers_the_existing_record_before_a_person_is_added(client, db, bearer, staff, make_org,
                                                                      make_person, make_user):
    acme = make_org("Acme Tools")
    ann = make_person("Ann Álvarez", org=acme, email="ann@acme.example")
    url = "/api/v1/people/possible-duplicates"
    found = client.get(url, query_string={"name": "ann alvarez", "organization_id": acme.id},
                       headers=bearer(staff)).get_json()
    assert [(f["person"]["id"], f["reason"]) for f in found] == [(ann.id, "same name at the same organisation")]
    found = client.get(url, query_string={"name": "Someone Else", "email": "ANN@acme.example"},
                       headers=bearer(staff)).get_json()
    assert [f["person"]["id"] for f in found] == [ann.id]
    assert client.get(url, query_string={"name": "Ann"}, headers=bearer(staff)).get_json() == []
    assert client.get(url, headers=bearer(staff)).status_code == 400
    chair = make_user("chair@example.org", "chair")
    assert client.get(url, query_string={"name": "Ann"}, headers=bearer(chair)).status_code == 403
