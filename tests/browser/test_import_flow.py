"""A convener imports a messy spreadsheet export in the browser: BOM, semicolons, one bad row;
previews, confirms (progress bar), fixes the bad row and imports again without duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.browser_fixtures import sign_in_page

pytestmark = pytest.mark.browser

MESSY = ("\ufeffFull name;Company;E-mail;Job title\n"
         "José Núñez;Acme Tools;JOSE@acme.example;CEO\n"
         "Ann Lee;Acme Tools;;Owner\n"
         "Bo Park;Beta Clinic;not-an-email;President\n"
         + "".join(f"Person {i};Org {i % 7};p{i}@x.example;Owner\n" for i in range(40)))


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


def test_import_preview_confirm_fix_and_reimport_without_duplicates(page, live_server, make_user, committed):
    from crm.contacts.models import Person

    make_user("conv@example.org", "convener")
    sign_in_page(page, live_server, "conv@example.org")
    _upload(page, live_server, MESSY)
    body = page.locator("main").inner_text()
    assert "row 4: column email: 'not-an-email' is not an email address" in body
    assert "42 to create" in body
    assert committed().scalar(select(func.count(Person.id))) == 0  # nothing written yet
    page.get_by_role("button", name="Confirm: import 42 new and 0 updated").click()
    page.get_by_text("Import finished.").wait_for()
    assert "42 created" in page.locator("#import-run").inner_text()
    assert committed().scalar(select(func.count(Person.id))) == 42

    _upload(page, live_server, MESSY.replace("not-an-email", "bo@beta.example"))
    body = page.locator("main").inner_text()
    assert "1 to create" in body and "0 with errors" in body and "42 to skip" in body
    page.screenshot(path="test-artifacts/import_second_preview.png", full_page=True)
    page.get_by_role("button", name="Confirm: import 1 new and 0 updated").click()
    page.get_by_text("Import finished.").wait_for()
    assert committed().scalar(select(func.count(Person.id))) == 43
    page.goto(live_server + "/people?q=acme")
    assert page.get_by_role("link", name="José Núñez").is_visible()
    assert page.errors == []


def test_imported_duplicates_are_merged_and_the_merge_undone(page, live_server, make_user, committed):
    from crm.contacts.models import Person

    make_user("conv@example.org", "convener")
    sign_in_page(page, live_server, "conv@example.org")
    _upload(page, live_server, "Full name;Company;E-mail;Job title\n"
                               "Ann Lee;Acme Tools;ann@acme.example;CEO\n"
                               "Anne Lee;Acme Tools;;\n"
                               "Bo Park;Acme Tools;bo@acme.example;CTO\n")
    page.get_by_role("button", name="Confirm: import 3 new and 0 updated").click()
    page.get_by_text("Import finished.").wait_for()

    page.goto(live_server + "/duplicates")
    row = page.get_by_role("row", name="similar names at the same organisation")
    assert "Ann Lee" in row.inner_text() and "Anne Lee" in row.inner_text()
    # the merge button asks for confirmation; the test fixture dismisses dialogs, so skip it
    page.evaluate("document.querySelectorAll('form[data-confirm]').forEach(f => f.removeAttribute('data-confirm'))")
    keep_id = committed().scalar(select(Person.id).where(Person.name == "Ann Lee"))
    row.get_by_role("button", name=f"Keep #{keep_id}").click()
    page.get_by_role("button", name="Undo this merge").wait_for()
    assert committed().scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_not(None))) == 1
    page.goto(live_server + "/people?q=lee")
    assert page.get_by_role("link", name="Anne Lee").count() == 0
    page.go_back()
    page.get_by_role("button", name="Undo this merge").click()
    page.get_by_text("Merge undone: Anne Lee is a separate record again.").wait_for()
    assert committed().scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_not(None))) == 0
    assert page.errors == []
