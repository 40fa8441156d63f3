"""The health page, as a convener meets it on the demo (issue 15 item 1): from the partnership
page they open Health, find the red flag the data warrants (community partners already own most
of the open work: supply-side substitution), read why, follow its link to the cause (the task
on the outreach list) and to its owner, and record a turf trap they saw. On a 390-px phone
nothing scrolls sideways."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from crm import demo
from crm.partnerships.models import Partnership
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CRM_SHOTS_DIR", ARTIFACTS)


@pytest.fixture
def region(db):
    accounts = {a["email"].split("@")[0]: a for a in demo.load()}
    db.session.commit()
    return db.session.scalar(select(Partnership.id).where(Partnership.name == demo.NAME)), accounts


def test_a_convener_finds_the_red_flag_follows_it_to_its_cause_and_records_a_turf_trap(page, live_server, region):
    partnership_id, accounts = region
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, accounts["convener"]["email"], accounts["convener"]["password"])
    page.goto(f"{live_server}/partnerships/{partnership_id}")
    page.get_by_role("link", name="Health", exact=True).click()
    page.get_by_role("heading", name="Health").wait_for()
    card = page.locator("section#supply_side_substitution")
    assert card.get_attribute("data-state") == "red"
    assert card.locator(".state").inner_text() == "Red flag"  # a word, not a colour alone
    assert "4 of 7 open (57%) owned by community partners and conveners" in card.inner_text()
    assert "Most of the open commitments and tasks are owned by community partners" in card.inner_text()
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "health-1280.png"), full_page=True)

    card.get_by_role("link", name=re.compile("Write the state sector-grant application")).click()
    page.wait_for_url(re.compile(r"/outreach\?view=all#task-\d+$"))
    task_id = page.url.rsplit("#task-", 1)[1]
    row = page.locator(f"tr#task-{task_id}")
    assert "Write the state sector-grant application" in row.inner_text()
    owner = row.locator("td").nth(3).get_by_role("link").inner_text()
    page.go_back()
    page.locator("section#supply_side_substitution").get_by_role("link", name=owner).click()
    page.get_by_role("heading", name=owner, exact=True, level=1).wait_for()

    page.goto(f"{live_server}/partnerships/{partnership_id}/health")
    turf = page.locator("section#turf_trap")
    assert turf.get_attribute("data-state") == "unknown"
    turf.get_by_text("Record a turf trap you saw").click()
    turf.get_by_label("What you saw").fill("The chamber wants to run the training agenda, but no MOU")
    turf.get_by_role("button", name="Record").click()
    page.locator("section#turf_trap[data-state=red]").wait_for()
    assert "The chamber wants to run the training agenda" in page.locator("section#turf_trap").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.locator("section#supply_side_substitution").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the health page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=os.path.join(SHOTS, "health-390.png"), full_page=True)
    assert page.errors == [] and page.dialogs == []
