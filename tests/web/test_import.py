"""Importing through the pages: upload, map, preview writes nothing, confirm writes, re-import
changes nothing, bad rows are named by row and column, and uploads belong to their user."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from crm.contacts.models import Organisation, Person, Tie
from tests.helpers import shown_text


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_FOLDER": str(tmp_path / "imports")}


@pytest.fixture
def convener(make_user, auth):
    user = make_user("conv@example.org", "convener")
    auth.login("conv@example.org")
    return user


MESSY = ("\ufeffFull name;Company;E-mail;Job title;Tags\n"
         "José Núñez;Acme Tools;JOSE@acme.example;CEO;Rotary, board\n"
         "Ann Lee;Acme Tools;;Owner;\n"
         ";Nobody Inc;nobody@x.example;;\n"
         "Bo Park;Beta Clinic;not-an-email;;\n"
         "José Nunez;Acme Tools;jose@acme.example;;\n").encode()


def _upload(client, data, name="people.csv", kind="people"):
    response = client.post("/imports", data={"kind": kind, "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def _import(client, data, **kw):
    location = _upload(client, data, **kw)
    upload_id = re.search(r"/imports/([^/]+)/", location).group(1)
    if location.endswith("/mapping"):
        page = client.get(location).get_data(as_text=True)  # keep the guessed mapping
        chosen = {}
        for name, body in re.findall(r'<select name="(col_\w+)"[^>]*>(.*?)</select>', page, re.S):
            picked = re.search(r'<option value="(\d+)" selected', body)
            if picked:
                chosen[name] = picked.group(1)
        client.post(location, data=chosen)
    return upload_id


def test_preview_shows_each_row_and_writes_nothing_until_confirmed(client, db, convener):
    upload_id = _import(client, MESSY)
    mapping = client.get(f"/imports/{upload_id}/mapping")
    assert "utf-8-sig" in shown_text(mapping) and "“;”" in shown_text(mapping)
    preview = client.get(f"/imports/{upload_id}/preview")
    text = shown_text(preview)
    assert preview.status_code == 200
    assert "3 to create" in text and "0 with errors" in text and "2 to skip" in text
    assert "left out: name: no usable name" in text
    assert "email : 'not-an-email' is not an email address; imported without it" in text
    assert "same person as row 2" in text
    assert _count(db, Person) == 0 and _count(db, Organisation) == 0

    done = client.post(f"/imports/{upload_id}/run", follow_redirects=True)
    assert "3 created" in shown_text(done) and "Preview" not in shown_text(done)
    people = {p.name: p for p in db.session.scalars(select(Person))}
    assert set(people) == {"José Núñez", "Ann Lee", "Bo Park"}
    assert people["Bo Park"].email is None
    assert people["José Núñez"].email == "jose@acme.example"
    assert people["José Núñez"].organisation.name == "Acme Tools"
    assert set(people["José Núñez"].tag_names) == {"board", "Rotary"}
    assert _count(db, Organisation) == 2


def test_importing_the_same_file_twice_changes_nothing(client, db, convener):
    client.post(f"/imports/{_import(client, MESSY)}/run")
    before = [(p.id, p.version) for p in db.session.scalars(select(Person).order_by(Person.id))]
    again = _import(client, MESSY)
    assert "0 to create" in shown_text(client.get(f"/imports/{again}/preview"))
    client.post(f"/imports/{again}/run")
    assert [(p.id, p.version) for p in db.session.scalars(select(Person).order_by(Person.id))] == before


def test_fixed_rows_are_added_without_duplicating_the_others(client, db, convener):
    client.post(f"/imports/{_import(client, MESSY)}/run")
    fixed = MESSY.replace(b";Nobody Inc;", b"Nora Body;Nobody Inc;").replace(b"not-an-email", b"bo@beta.example")
    upload_id = _import(client, fixed)
    text = shown_text(client.get(f"/imports/{upload_id}/preview"))
    assert "1 to create" in text and "1 to update" in text and "0 with errors" in text
    assert "email — → bo@beta.example" in text
    client.post(f"/imports/{upload_id}/run")
    assert _count(db, Person) == 4


def test_windows_1252_comma_file_updates_by_name_and_organisation(client, db, convener, make_org,
                                                                  make_person):
    acme = make_org("Acme Tools")
    ann = make_person("Ann Lee", org=acme)
    data = "Name,Organisation,Title\nAnn Lee,ACME tools,Président\n".encode("cp1252")
    upload_id = _import(client, data)
    text = shown_text(client.get(f"/imports/{upload_id}/preview"))
    assert "matches Ann Lee by name and organisation; changes title" in text
    assert "title — → Président" in text and f"#{ann.id}" not in text
    client.post(f"/imports/{upload_id}/run")
    assert ann.title == "Président" and _count(db, Person) == 1


def test_chunks_run_one_request_each_and_report_progress(client, db, convener, monkeypatch):
    from crm.contacts import import_runs

    monkeypatch.setattr(import_runs, "CHUNK", 2)
    data = ("name,email\n" + "".join(f"P{i},p{i}@x.example\n" for i in range(5))).encode()
    upload_id = _import(client, data)
    first = client.post(f"/imports/{upload_id}/run", headers={"HX-Request": "true"})
    html = first.get_data(as_text=True)
    assert 'value="2"' in html and f"/imports/{upload_id}/run?start=2" in html
    assert _count(db, Person) == 2
    client.post(f"/imports/{upload_id}/run?start=2", headers={"HX-Request": "true"})
    last = client.post(f"/imports/{upload_id}/run?start=4", headers={"HX-Request": "true"})
    assert last.headers["HX-Redirect"] == f"/imports/{upload_id}/done"
    done = shown_text(client.get(last.headers["HX-Redirect"]))
    assert "Import finished" in done and "5 created" in done and "Nothing has been saved" not in done
    assert _count(db, Person) == 5


def test_an_upload_is_not_usable_by_another_user(client, db, convener, make_user, auth):
    upload_id = _import(client, MESSY)
    make_user("other@example.org", "convener")
    auth.logout()
    auth.login("other@example.org")
    response = client.post(f"/imports/{upload_id}/run")
    assert response.status_code == 302 and response.headers["Location"].endswith("/imports")
    assert _count(db, Person) == 0


def test_a_bad_file_is_refused_with_a_message(client, convener):
    response = client.post("/imports", data={"kind": "people", "file": (io.BytesIO(b""), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "The file is empty." in shown_text(response)
    response = client.post("/imports", data={"kind": "people"}, content_type="multipart/form-data")
    assert "Choose a file." in shown_text(response)


def test_mapping_without_a_name_column_is_refused(client, convener):
    location = _upload(client, b"a,b\n1,2\n")
    response = client.post(location, data={"col_name": ""})
    assert response.status_code == 400 and "Choose the column holding name" in shown_text(response)


def test_vcard_import_goes_straight_to_preview(client, db, convener):
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nORG:Acme\r\nEMAIL:ann@acme.example\r\nEND:VCARD\r\n"
    location = _upload(client, card, name="contacts.vcf")
    assert location.endswith("/preview")
    upload_id = re.search(r"/imports/([^/]+)/", location).group(1)
    client.post(f"/imports/{upload_id}/run")
    assert db.session.scalar(select(Person.email)) == "ann@acme.example"


def test_organisations_and_relationships_import_idempotently(client, db, convener, make_person):
    orgs = b"name,kind,sector,county\nAcme Tools,Employer,Manufacturing,Lane\nLane CC,community college,,Lane\n"
    client.post(f"/imports/{_import(client, orgs, kind='organisations')}/run")
    kinds = dict(db.session.execute(select(Organisation.name, Organisation.kind)).all())
    assert kinds == {"Acme Tools": "employer", "Lane CC": "community_college"}
    make_person("Ann Lee", email="ann@x.example")
    make_person("Bo Park")
    ties = (b"kind,source_email,source_name,target_name,strength\n"
            b"knows,ann@x.example,,Bo Park,close\nreferred,,Bo Park,Ann Lee,\nknows,,Bo Park,Nobody,1\n")
    upload_id = _import(client, ties, kind="relationships")
    text = shown_text(client.get(f"/imports/{upload_id}/preview"))
    assert "2 to create" in text and "column target_name: no person named 'Nobody'" in text
    client.post(f"/imports/{upload_id}/run")
    client.post(f"/imports/{_import(client, ties, kind='relationships')}/run")
    client.post(f"/imports/{_import(client, orgs, kind='organisations')}/run")
    assert _count(db, Tie) == 2 and _count(db, Organisation) == 2
    assert db.session.scalar(select(Tie.strength).where(Tie.kind == "knows")) == 3


def test_export_reimports_to_no_change(client, db, convener, make_org, make_person):
    acme = make_org("=HYPERLINK(\"x\") Acme")
    make_person("Ann Lee", org=acme, email="ann@x.example", phone="+1 555 0100", tags="Rotary",
                title="-CEO")
    make_person("Bo Park")
    exported = client.get("/export/people.csv")
    body = exported.get_data()
    assert exported.mimetype == "text/csv" and b"'=HYPERLINK" in body and b"'+1 555" in body
    upload_id = _import(client, body)
    assert "0 to create" in shown_text(client.get(f"/imports/{upload_id}/preview"))
    assert "0 to update" in shown_text(client.get(f"/imports/{upload_id}/preview"))
    orgs = client.get("/export/organisations.csv").get_data()
    assert "0 to create" in shown_text(client.get(f"/imports/{_import(client, orgs, kind='organisations')}/preview"))
    vcf = client.get("/export/people.vcf")
    assert vcf.mimetype == "text/vcard" and b"FN:Ann Lee" in vcf.get_data()
