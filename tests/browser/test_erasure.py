"""A person asks to be forgotten (shared/journeys.md, "What every journey must survive"): a
convener opens a chair's privacy page and is told only an administrator may erase someone
linked to an account; the administrator types the name, erases, and lands on the people list;
only that person's rows are gone."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from crm.accounts.models import User
from crm.contacts.models import Person
from tests.browser_fixtures import ARTIFACTS, sign_in_page
from tests.web.world import build_world

pytestmark = pytest.mark.browser


def test_convener_is_told_admin_erases_a_linked_person_and_admin_does(page, browser, live_server, db, committed):
    world = build_world()
    chair_id, people = world.chair_person.id, db.session.scalar(select(func.count(Person.id)))

    convener = browser.new_context()
    their_page = convener.new_page()
    sign_in_page(their_page, live_server, "convener.a@example.org")
    their_page.goto(f"{live_server}/people/{chair_id}/privacy")
    their_page.get_by_text("only an administrator may erase them").wait_for()
    assert their_page.get_by_label("Type their full name to confirm").count() == 0
    their_page.screenshot(path=os.path.join(ARTIFACTS, "erasure-refused-to-convener.png"), full_page=True)
    convener.close()

    sign_in_page(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/people/{chair_id}/privacy")
    page.get_by_label("Type their full name to confirm").fill("chair alpha")
    page.get_by_role("button", name="Erase Chair Alpha").click()
    page.get_by_text("The person was erased").wait_for()
    session = committed()
    assert session.get(Person, chair_id) is None
    assert session.scalar(select(func.count(Person.id))) == people - 1
    admin = session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.active
