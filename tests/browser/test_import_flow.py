"""A convener imports a messy spreadsheet export in the browser: BOM, semicolons, one bad row;
previews, confirms (progress bar), fixes the bad row and imports again without duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

MESSY = ("\ufeffFull name;Company;E-mail;Job title\n"
         "José Núñez;Acme Tools;JOSE@acme.example;CEO\n"
         "Ann Lee;Acme Tools;;Owner\n"
         "Bo Park;Beta Clinic;not-an-email;President\n"
         + "".join(f"Person {i};Org {i % 7};p{i}@x.example;Owner\n" for i in range(40)))


def _login(page, live_server, email):
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your partnerships").wait_for()


def _upload(page, live_server, text):
    page.goto(live_server + "/imports")
    page.get_by_label("What the file holds").select_option("people")
    page.set_input_files("input[name=file]", files=[{"name": "contacts.csv", "mimeType": "text/csv",
                                                     "buffer": text.encode("utf-8")}])
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("heading", name="Which column is which?").wait_for()
    assert page.get_by_label("Organisation").input_value() == "1"  # "Company" recognised
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Preview: contacts.csv").wait_for()


def test_import_preview_confirm_fix_and_reimport_without_duplicates(page, live_server, make_user, db):
    from crm.contacts.models import Person

    make_user("conv@example.org", "convener")
    _login(page, live_server, "conv@example.org")
    _upload(page, live_server, MESSY)
    body = page.locator("main").inner_text()
    assert "row 4: column email: 'not-an-email' is not an email address" in body
    assert "42 to create" in body
    assert db.session.scalar(select(func.count(Person.id))) == 0  # nothing written yet
    page.get_by_role("button", name="Confirm: import 42 new and 0 updated").click()
    page.get_by_text("Import finished.").wait_for()
    assert "42 created" in page.locator("#import-run").inner_text()
    assert db.session.scalar(select(func.count(Person.id))) == 42

    _upload(page, live_server, MESSY.replace("not-an-email", "bo@beta.example"))
    body = page.locator("main").inner_text()
    assert "1 to create" in body and "0 with errors" in body and "42 to skip" in body
    page.screenshot(path="test-artifacts/import_second_preview.png", full_page=True)
    page.get_by_role("button", name="Confirm: import 1 new and 0 updated").click()
    page.get_by_text("Import finished.").wait_for()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Person.id))) == 43
    page.goto(live_server + "/people?q=acme")
    assert page.get_by_role("link", name="José Núñez").is_visible()
    assert page.errors == []
