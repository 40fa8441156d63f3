"""Spreadsheet formula injection (SuiteCRM CVE-2021-25960, EspoCRM GHSA-xrwp-2gph-985x and its
bypass with leading whitespace or control characters): every CSV the app serves is found by
fetching every GET page and keeping the text/csv answers, and no cell of it may start a formula,
while the text itself survives."""

from __future__ import annotations

import csv
import io
import os
import random
import re

import pytest
from sqlalchemy import func, select

from crm.contacts import services as contacts
from crm.extensions import db
from tests.security import payloads
from tests.security.figures import add
from tests.security.helpers import fetch, route_urls
from tests.web.world import build_world, sign_in, url_values


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_FOLDER": str(tmp_path / "imports")}


#: what a spreadsheet skips before deciding whether a cell is a formula
SKIPPED = "".join(chr(c) for c in range(33))


def starts_a_formula(cell: str) -> bool:
    """Written independently of crm/contacts/exporting.py, from the advisories."""
    if not cell:
        return False
    if cell[0] in "\t\r\n":
        return True
    return cell.lstrip(SKIPPED)[:1] in ("=", "+", "-", "@")


def _hostile_contacts(world):
    """People, organisations and ties whose every text field carries a formula payload."""
    made = 0
    for i, payload in enumerate(payloads.FORMULA):
        clean = payload.replace("\x00", "")
        org = contacts.save_organisation(None, {"name": f"{clean} Org {i}", "kind": "employer",
                                                "sector": clean, "county": clean, "city": clean,
                                                "website": clean, "notes": clean, "naics": None})
        person = contacts.save_person(None, {"name": f"{clean} {i}", "title": clean, "email": f"{i}{clean}@x.example",
                                             "phone": clean, "notes": clean, "tags": f"{clean}tag{i}",
                                             "organisation_id": org.id})
        contacts.add_tie("knows", person.id, world.person_a.id, 1, context=clean, source=clean)
        made += 1
    db.session.commit()
    return made


@pytest.mark.slow  # every export, every payload
def test_no_exported_cell_starts_a_formula(app, client):
    world = build_world()
    _hostile_contacts(world)
    sign_in(client, world.users["admin"])
    exports = 0
    for endpoint, _method, url in route_urls(app, url_values(world)):
        if url.startswith("/api/"):
            continue
        response = fetch(client, url)
        if response.status_code != 200 or response.mimetype not in ("text/csv", "application/csv"):
            continue
        text = response.get_data(as_text=True).lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) > 1, f"{url} exported nothing"
        cells = 0
        for row in rows[1:]:
            for cell in row:
                assert not starts_a_formula(cell), f"{endpoint}: {cell!r}"
                cells += 1
        hostile = [c for row in rows[1:] for c in row if c.startswith("'")]
        assert hostile, f"{url}: no payload reached the export"
        exports += 1
        add("exports", "cells checked", cells)
    assert exports >= 1, "no CSV export found"
    add("exports", "CSV exports checked", exports)
    add("exports", "formula payloads", len(payloads.FORMULA))


def test_a_neutralised_cell_keeps_the_text(app, client):
    world = build_world()
    _hostile_contacts(world)
    sign_in(client, world.users["admin"])
    response = fetch(client, "/export/people.csv")
    body = response.get_data(as_text=True)
    assert "'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")" in body


ROUND_TRIP = int(os.environ.get("ROUND_TRIP_CONTACTS", "1000"))


def _generated_people(n: int) -> None:
    """n people with the text that breaks CSV: quotes, commas, semicolons, newlines, accents,
    formula triggers, markup; a third at one of a few organisations; some tags."""
    rng = random.Random(7)
    orgs = [contacts.save_organisation(None, {"name": name, "kind": "employer"})
            for name in ("Acme, Inc.", 'Beta "Tools"', "Çelik Ōtsuka GmbH", "=Gamma")]
    odd = ['"quoted"', "a, b", "semi; colon", "line\nbreak", "José Núñez", "=1+1", "-5", "@home",
           "+44 20 7946 0000", "<b>bold</b>", "{{7*7}}", "tab\tinside", "emoji 😀"]
    for i in range(n):
        pick = rng.choice(odd)
        contacts.save_person(None, {
            "name": f"{pick.replace(chr(10), ' ')} Person {i}",
            "title": rng.choice([None, pick.replace("\n", " "), "CEO"]),
            "organisation_id": rng.choice(orgs).id if i % 3 == 0 else None,
            "email": f"p{i}@example.org" if i % 2 else None,
            "phone": rng.choice([None, f"+1 (555) 010-{i:04d}"]),
            "notes": rng.choice([None, pick, f"Met at {pick}"]),
            "tags": rng.choice(["", "Rotary", "Board, Rotary", "Chamber"]),
        })
    db.session.commit()


@pytest.mark.slow  # a thousand contacts out and back in
def test_a_thousand_contacts_round_trip_export_import_with_no_change(app, client, make_user, auth):
    make_user("convener@example.org", role="convener")
    auth.login("convener@example.org")
    _generated_people(ROUND_TRIP)
    first = fetch(client, "/export/people.csv").get_data()
    from crm.contacts.models import Organisation, Person, Tag, person_tags

    db.session.execute(person_tags.delete())
    db.session.execute(Person.__table__.delete())
    db.session.execute(Tag.__table__.delete())
    db.session.execute(Organisation.__table__.delete())
    db.session.commit()
    upload = fetch(client, "/imports", method="POST", content_type="multipart/form-data",
                   data={"kind": "people", "file": (io.BytesIO(first), "people.csv")})
    assert upload.status_code == 302, upload.get_data(as_text=True)[:500]
    location = upload.headers["Location"]
    upload_id = re.search(r"/imports/([^/]+)/", location).group(1)
    if location.endswith("/mapping"):
        page = fetch(client, location).get_data(as_text=True)
        chosen = {}
        for name, body in re.findall(r'<select name="(col_\w+)"[^>]*>(.*?)</select>', page, re.S):
            picked = re.search(r'<option value="(\d+)" selected', body)
            if picked:
                chosen[name] = picked.group(1)
        assert fetch(client, location, method="POST", data=chosen).status_code == 302
    # confirming without htmx imports every row, then sends the browser to the done page
    confirmed = fetch(client, f"/imports/{upload_id}/run", method="POST")
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)[:500]
    assert confirmed.headers["Location"].endswith(f"/imports/{upload_id}/done")
    assert fetch(client, confirmed.headers["Location"]).status_code == 200
    assert db.session.scalar(select(func.count(Person.id))) == ROUND_TRIP
    second = fetch(client, "/export/people.csv").get_data()
    assert second == first, "the export after re-import differs from the export before"
    add("exports", "contacts round-tripped", ROUND_TRIP)
