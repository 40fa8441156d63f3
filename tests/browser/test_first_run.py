"""A newcomer's first minutes: create the first account, sign in, add an employer and a
person, see them listed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_newcomer_creates_account_adds_employer_and_person(page, live_server):
    page.goto(live_server + "/")
    page.get_by_label("Your name").fill("Dana Whitehorse")
    page.get_by_label("Email").fill("dana@wib.example")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_role("button", name="Create the administrator account").click()
    page.get_by_role("heading", name="Your partnerships").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("dana@wib.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your partnerships").wait_for()

    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name").fill("Granite Dells Avionics")
    page.get_by_label("Sector").fill("Advanced Manufacturing")
    page.get_by_label("County").fill("Yavapai")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Granite Dells Avionics").wait_for()

    page.get_by_role("link", name="Add a person here").click()
    page.get_by_label("Full name").fill("<script>alert(1)</script> Ginger")
    page.get_by_label("Title").fill("President")
    page.get_by_label("Email").fill("ginger@gda.example")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="<script>alert(1)</script> Ginger").wait_for()

    page.get_by_role("link", name="People", exact=True).click()
    row = page.get_by_role("row", name="Ginger")
    assert "Granite Dells Avionics" in row.inner_text()
    page.get_by_role("searchbox", name="Search people").fill("granite")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="<script>alert(1)</script> Ginger").is_visible()
    assert page.dialogs == [] and page.errors == []
