"""Spreadsheet formula injection (SuiteCRM CVE-2021-25960, EspoCRM GHSA-xrwp-2gph-985x and its
bypass with leading whitespace or control characters): every CSV the app serves is found by
fetching every GET page and keeping the text/csv answers, and no cell of it may start a formula,
while the text itself survives."""

from __future__ import annotations

import csv
import io

from crm.contacts import services as contacts
from crm.extensions import db
from tests.security import payloads
from tests.security.figures import add
from tests.security.helpers import fetch, route_urls
from tests.web.world import build_world, sign_in, url_values

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
