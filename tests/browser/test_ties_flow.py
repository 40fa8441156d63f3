"""Adding ties from a person's page: type a name, pick from the autocomplete, add several in a
row without leaving the page; a duplicate is refused with a message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.browser_fixtures import htmx_settled, sign_in_page

pytestmark = pytest.mark.browser


def test_add_several_ties_with_autocomplete_without_leaving_the_page(page, live_server, make_user,
                                                                     make_person, make_org, committed):
    from crm.contacts.models import Tie

    make_user("conv@example.org", "convener")
    acme = make_org("Acme Tools")
    ann = make_person("Ann Lee", org=acme, title="CEO")
    make_person("Bo Park", org=acme)
    make_person("Bob Marsh")
    make_person("Carla Diaz")
    sign_in_page(page, live_server, "conv@example.org")
    page.goto(live_server + f"/people/{ann.id}")
    url = page.url

    page.get_by_label("Find a person").fill("bo")
    page.get_by_label("Bo Park").check()
    assert page.get_by_label("Bob Marsh").is_visible()
    page.locator("#tie-form select[name=strength]").select_option("3")
    page.get_by_placeholder("e.g. same Rotary club").fill("Rotary")
    page.get_by_role("button", name="Add tie").click()
    page.get_by_text("Recorded: Ann Lee knows Bo Park.").wait_for()
    _settled(page)
    assert page.get_by_label("Find a person").input_value() == ""  # the form was reset

    page.get_by_label("Find a person").fill("carl")
    page.get_by_label("Carla Diaz").check()
    page.locator("#tie-form select[name=kind]").select_option("referred")
    page.get_by_role("button", name="Add tie").click()
    page.get_by_text("Recorded: Ann Lee referred Carla Diaz.").wait_for()
    _settled(page)  # the swapped-in form listens for typing once htmx has processed it

    page.get_by_label("Find a person").fill("bo p")
    page.get_by_label("Bo Park").check()
    page.get_by_role("button", name="Add tie").click()
    page.get_by_text("Already recorded").wait_for()

    assert page.url == url
    knows = page.locator("#knows-table").inner_text()
    assert "Bo Park" in knows and "Close" in knows and "Rotary" in knows
    assert "Carla Diaz" in page.locator("#referrals-table").inner_text()
    assert committed().scalar(select(func.count(Tie.id))) == 2
    assert page.errors == []


def _settled(page):
    htmx_settled(page)
    page.wait_for_timeout(50)
