"""Each common export imported through the pages as its program writes it (LinkedIn, Google,
Outlook, iPhone and Android vCards): default mapping, no hand-editing, accents intact, a second
import changes nothing; field-level messages in the preview; keeping existing values on update;
new organisations' sides, sector and county; the done page and its candidates."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.contacts.models import Organisation, Person
from crm.partnerships.models import Membership
from tests.helpers import shown_text

SAMPLES = Path(__file__).parent.parent / "unit" / "samples"


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_FOLDER": str(tmp_path / "imports")}


@pytest.fixture
def convener(make_user, auth):
    user = make_user("conv@example.org", "convener")
    auth.login("conv@example.org")
    return user


def _upload(client, data, name, **form):
    response = client.post("/imports", data={"kind": "people", "file": (io.BytesIO(data), name), **form},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    upload_id = re.search(r"/imports/([^/]+)/", location).group(1)
    if location.endswith("/mapping"):
        page = client.get(location).get_data(as_text=True)
        chosen = {}
        for name_, body in re.findall(r'<select name="(col_\w+)"[^>]*>(.*?)</select>', page, re.S):
            picked = re.search(r'<option value="(\d+)" selected', body)
            if picked:
                chosen[name_] = picked.group(1)
        assert client.post(location, data=chosen).status_code == 302
    return upload_id


def _state(db):
    people = db.session.execute(select(Person.id, Person.version, Person.name, Person.email)
                                .order_by(Person.id)).all()
    return people, db.session.scalar(select(func.count(Organisation.id)))


@pytest.mark.parametrize("sample, names", [
    ("linkedin_connections.csv", {"Renée Okafor", "José Núñez", "Priya Raman", "Tom O'Brien", "Zoë Lindqvist"}),
    ("google_contacts.csv", {"Mariana Álvarez", "Dwayne Whitfield", "Siobhán Kelly"}),
    ("outlook_contacts.csv", {"Françoise Dubé", "Ken Yamada"}),
    ("iphone.vcf", {"Ingrid Håkansson", "Wei Chen"}),
    ("android.vcf", {"Lucía Gómez", "Sam Patel"}),
])
def test_each_export_imports_as_it_comes_and_again_changes_nothing(client, db, convener, sample, names):
    data = (SAMPLES / sample).read_bytes()
    upload_id = _upload(client, data, sample)
    client.post(f"/imports/{upload_id}/run")
    people, _ = _state(db)
    assert {p.name for p in people} == names
    before = _state(db)
    again = _upload(client, data, sample)
    assert "0 to create" in shown_text(client.get(f"/imports/{again}/preview"))
    client.post(f"/imports/{again}/run")
    assert _state(db) == before


def test_linkedin_mapping_says_it_was_recognised_and_where_the_header_is(client, convener):
    upload_id = _upload(client, (SAMPLES / "linkedin_connections.csv").read_bytes(), "Connections.csv")
    text = shown_text(client.get(f"/imports/{upload_id}/mapping"))
    assert "Recognised as a LinkedIn connections export" in text and "row 4" in text


def test_mapping_without_email_says_so_plainly(client, convener):
    upload = (io.BytesIO(b"Name,Company\nAnn,Acme\n"), "x.csv")
    response = client.post("/imports", data={"kind": "people", "file": upload},
                           content_type="multipart/form-data")
    text = shown_text(client.get(response.headers["Location"]))
    assert "No column holds the email" in text


def test_preview_names_the_field_and_why_and_uses_spreadsheet_rows(client, db, convener):
    upload_id = _upload(client, (SAMPLES / "google_contacts.csv").read_bytes(), "contacts.csv")
    text = shown_text(client.get(f"/imports/{upload_id}/preview"))
    # row 4 in a spreadsheet (the first person's address takes two lines of the file)
    assert re.search(r"4 create Siobhán Kelly new person email : 'not-an-address' is not an email address; "
                     r"imported without it", text)
    assert "1 with a field left out or to check" in text


def test_updates_show_old_and_new_and_the_user_may_keep_the_existing_value(client, db, convener, make_org,
                                                                            make_person):
    acme = make_org("Acme Tools")
    ann = make_person("Ann Lee", org=acme, title="Owner", phone="555 0100")
    upload_id = _upload(client, b"Name,Organisation,Title,Phone\nAnn Lee,Acme Tools,CEO,555 0199\n", "x.csv")
    text = shown_text(client.get(f"/imports/{upload_id}/preview"))
    assert "title Owner → CEO" in text and "phone 555 0100 → 555 0199" in text
    client.post(f"/imports/{upload_id}/run", data={"keep": ["2:title"]})
    assert (ann.title, ann.phone) == ("Owner", "555 0199")


def test_new_organisations_get_a_guessed_side_and_the_sector_and_county_given(client, db, convener):
    data = (b"Name,Company,Email\nPriya Raman,Larimer County Workforce Center,priya@larimer.example.gov\n"
            b"Ann Lee,Front Range Precision,ann@frp.example\nBo Park,Poudre Partners,bo@pp.example.org\n")
    upload_id = _upload(client, data, "x.csv")
    page = client.get(f"/imports/{upload_id}/preview").get_data(as_text=True)
    assert "3 new organisations" in page
    text = shown_text(client.get(f"/imports/{upload_id}/preview"))
    assert "the name says “workforce center”" in text and "(a weak hint)" in text
    client.post(f"/imports/{upload_id}/run", data={
        "kind-poudre partners": "employer", "sector": "Advanced Manufacturing", "county": "Larimer"})
    orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
    assert (orgs["Larimer County Workforce Center"].side, orgs["Larimer County Workforce Center"].kind) == (
        "community", "workforce_board")
    assert orgs["Front Range Precision"].side == "employer"
    assert orgs["Poudre Partners"].side == "employer"  # the user's choice over the weak .org hint
    assert {(o.sector, o.county) for o in orgs.values()} == {("Advanced Manufacturing", "Larimer")}


def _given(make_user, auth, partnership):
    make_user("lead@example.org", "convener", partnerships=(partnership,))
    auth.login("lead@example.org")


def test_import_started_from_a_partnership_defaults_its_sector_and_county(client, db, make_user, auth,
                                                                          make_partnership):
    partnership = make_partnership("NoCo Manufacturing", sector="Advanced Manufacturing", region="Larimer")
    _given(make_user, auth, partnership)
    upload_id = _upload(client, b"Name,Company\nAnn Lee,Front Range Precision\n", "x.csv",
                        partnership=str(partnership.id))
    page = client.get(f"/imports/{upload_id}/preview").get_data(as_text=True)
    assert 'name="sector" id="sector" maxlength="120" value="Advanced Manufacturing"' in page
    assert 'name="county" id="county" maxlength="120" value="Larimer"' in page


def test_done_page_says_what_happened_with_links_and_adds_candidates(client, db, make_user, auth, make_person,
                                                                    make_partnership):
    existing = make_person("Ann Lee", email="ann@x.example")
    partnership = make_partnership("NoCo Manufacturing")
    _given(make_user, auth, partnership)
    data = b"Name,Email\nAnn Lee,ann@x.example\nBo Park,bo@x.example\n,nobody@x.example\n"
    upload_id = _upload(client, data, "x.csv")
    done = client.post(f"/imports/{upload_id}/run", follow_redirects=True)
    page, text = done.get_data(as_text=True), shown_text(done)
    bo = db.session.scalar(select(Person).where(Person.name == "Bo Park"))
    assert "1 created" in text and "2 skipped" in text and "no usable name" in text
    assert f'href="/people/{bo.id}"' in page and f'href="/people/{existing.id}"' in page
    response = client.post(f"/imports/{upload_id}/candidates", data={"partnership": partnership.id},
                           follow_redirects=True)
    assert "2 added to NoCo Manufacturing as candidates" in shown_text(response)
    members = db.session.execute(select(Membership.person_id, Membership.stage)).all()
    assert sorted(members) == sorted([(existing.id, "candidate"), (bo.id, "candidate")])
    again = client.post(f"/imports/{upload_id}/candidates", data={"partnership": partnership.id},
                        follow_redirects=True)
    assert "0 added" in shown_text(again) and len(db.session.execute(select(Membership.id)).all()) == 2


def test_a_chairs_linkedin_export_records_their_ties_and_undo_removes_exactly_those(
        client, db, make_user, auth, make_person, make_partnership, add_member):
    from datetime import date

    from crm.contacts.models import Tie

    partnership = make_partnership("NoCo Manufacturing")
    chair = make_person("Karen Alvarez", email="karen@acme.example")
    add_member(partnership, chair, "chair", "accepted")
    other = make_person("Lane Whitaker")
    db.session.add(Tie(kind="knows", source_id=min(chair.id, other.id), target_id=max(chair.id, other.id),
                       strength=3, source="manual"))
    db.session.commit()
    _given(make_user, auth, partnership)
    assert f'<option value="{chair.id}" >Karen Alvarez, chair of NoCo Manufacturing' in client.get(
        "/imports").get_data(as_text=True)
    data = (SAMPLES / "linkedin_connections.csv").read_bytes()
    refused = client.post("/imports", data={"kind": "people", "contacts_of": str(chair.id),
                                            "file": (io.BytesIO(data), "Connections.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "agreed to share" in shown_text(refused)
    upload_id = _upload(client, data, "Connections.csv", contacts_of=str(chair.id), consent="1")
    assert "5 new “knows” ties" in shown_text(client.get(f"/imports/{upload_id}/preview"))
    done = client.post(f"/imports/{upload_id}/run", follow_redirects=True)
    assert "5 “knows” ties recorded from Karen Alvarez" in shown_text(done)
    ties = db.session.scalars(select(Tie).where(Tie.source == f"import:{upload_id}")).all()
    assert len(ties) == 5 and {t.strength for t in ties} == {1}
    jose = db.session.scalar(select(Person).where(Person.email == "jose.nunez@loveland-castings.example"))
    assert {t.other(chair.id) for t in ties} >= {jose.id}
    assert next(t for t in ties if t.other(chair.id) == jose.id).since == date(2019, 11, 3)
    again = _upload(client, data, "Connections.csv", contacts_of=str(chair.id), consent="1")
    assert "0 new “knows” ties" in shown_text(client.get(f"/imports/{again}/preview"))
    assert "import:" + upload_id in shown_text(client.get("/imports/ties"))
    client.post(f"/imports/{upload_id}/ties/undo")
    assert db.session.scalars(select(Tie)).all() == [db.session.scalar(select(Tie).where(Tie.source == "manual"))]
