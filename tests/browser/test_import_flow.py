"""A convener imports a messy spreadsheet export in the browser: BOM, semicolons, one bad field;
previews, confirms (progress bar, then the done page), fixes the bad field and imports again
without duplicates; and the organisations step of a chair's LinkedIn export: guessed sides
changed, one sector and county for all, the chair's ties recorded."""

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
    assert "email: 'not-an-email' is not an email address; imported without it" in body
    assert "43 to create" in body
    assert committed().scalar(select(func.count(Person.id))) == 0  # nothing written yet
    page.get_by_role("button", name="Confirm: import 43 new and 0 updated").click()
    page.get_by_role("heading", name="Import finished: contacts.csv").wait_for()
    assert "43 created" in page.locator("main").inner_text()
    assert "Nothing has been saved" not in page.locator("main").inner_text()
    assert committed().scalar(select(func.count(Person.id))) == 43

    _upload(page, live_server, MESSY.replace("not-an-email", "bo@beta.example"))
    body = page.locator("main").inner_text()
    assert "0 to create" in body and "1 to update" in body and "42 to skip" in body
    page.screenshot(path="test-artifacts/import_second_preview.png", full_page=True)
    page.get_by_role("button", name="Confirm: import 0 new and 1 updated").click()
    page.get_by_role("heading", name="Import finished: contacts.csv").wait_for()
    assert committed().scalar(select(func.count(Person.id))) == 43
    assert committed().scalar(select(Person.email).where(Person.name == "Bo Park")) == "bo@beta.example"
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
    page.get_by_role("heading", name="Import finished: contacts.csv").wait_for()

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


def test_organisations_step_of_a_chairs_linkedin_export(page, live_server, make_user, make_person,
                                                         make_partnership, add_member, committed):
    from pathlib import Path

    from crm.contacts.models import Organisation, Tie

    partnership = make_partnership("NoCo Manufacturing", sector="Advanced Manufacturing", region="Larimer")
    chair = make_person("Karen Alvarez", email="karen@acme.example")
    add_member(partnership, chair, "chair", "accepted")
    make_user("conv@example.org", "convener", partnerships=(partnership,))
    sign_in_page(page, live_server, "conv@example.org")
    data = (Path(__file__).parent.parent / "unit" / "samples" / "linkedin_connections.csv").read_bytes()
    page.goto(f"{live_server}/imports?partnership={partnership.id}")
    page.get_by_label("Whose contacts are these?").select_option(str(chair.id))
    page.get_by_label("They agreed to share their contacts").check()
    page.set_input_files("input[name=file]", files=[{"name": "Connections.csv", "mimeType": "text/csv",
                                                     "buffer": data}])
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_text("Recognised as a LinkedIn connections export").wait_for()
    page.get_by_role("button", name="Preview the import").click()
    step = page.locator("#new-organisations")
    step.wait_for()
    assert page.get_by_label("Sector for all new organisations").input_value() == "Advanced Manufacturing"
    assert page.get_by_label("County for all new organisations").input_value() == "Larimer"
    workforce = page.get_by_label("Side and kind of Larimer County Workforce Center")
    assert workforce.input_value() == "workforce_board"
    assert page.get_by_label("Side and kind of Aims Community College").input_value() == "community_college"
    castings = page.get_by_label("Side and kind of Loveland Castings")
    assert castings.input_value() == "employer"
    castings.select_option("economic_development")  # the convener knows better
    assert "5 new “knows” ties" in page.locator("main").inner_text()
    page.screenshot(path="test-artifacts/import_organisations_step.png", full_page=True)
    page.get_by_role("button", name="Confirm: import 5 new and 0 updated").click()
    page.get_by_role("heading", name="Import finished: Connections.csv").wait_for()
    session = committed()
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    assert (orgs["Larimer County Workforce Center"].side, orgs["Loveland Castings"].kind) == (
        "community", "economic_development")
    assert orgs["Front Range Precision Machining"].side == "employer"
    assert {(o.sector, o.county) for o in orgs.values()} == {("Advanced Manufacturing", "Larimer")}
    assert session.scalar(select(func.count(Tie.id)).where(Tie.source.like("import:%"))) == 5
    page.screenshot(path="test-artifacts/import_done.png", full_page=True)
    assert page.errors == []
