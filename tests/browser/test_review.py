"""The chairs' review on the demo data, as a chair and a convener would do it: the chair goes
through ten cards with the keyboard and buttons, claims two asks, declines one with a reason;
the convener then sees those decisions and the launch-readiness gauge move. Desktop and phone."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(db):
    from crm import demo

    accounts = {a["role"]: a for a in demo.load()}
    db.session.commit()
    from crm.partnerships.models import Partnership

    partnership = db.session.scalar(db.select(Partnership).where(Partnership.name == demo.NAME))
    return partnership.id, accounts


def _shot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_chair_reviews_ten_cards_claims_two_asks_and_declines_one(page, live_server, demo):
    partnership_id, accounts = demo
    sign_in_page(page, live_server, accounts["convener"]["email"], accounts["convener"]["password"])
    page.goto(f"{live_server}/partnerships/{partnership_id}")
    page.locator("#readiness .gauge").wait_for()
    before = int(page.get_by_test_id("outstanding-asks").inner_text())
    page.get_by_role("button", name="Sign out").click()

    sign_in_page(page, live_server, accounts["chair"]["email"], accounts["chair"]["password"])
    page.goto(f"{live_server}/partnerships/{partnership_id}")
    page.get_by_role("link", name="Review suggestions").first.click()
    page.get_by_role("heading", name="Suggested invitees").wait_for()
    cards = page.locator(".review-card")
    assert cards.count() == 10
    decided_before = page.locator("#decisions tbody tr").count()  # the demo's chairs decided some already
    first = cards.nth(0)
    assert re.search(r"company \+\d+", first.inner_text())
    assert "Who should ask" in first.inner_text()
    _shot(page, "review_desktop_before")

    # keyboard: the first card has focus; j moves on, i claims the ask of the card in focus
    names = [cards.nth(i).get_by_role("heading").inner_text() for i in range(3)]
    page.keyboard.press("j")
    page.keyboard.press("i")
    page.get_by_text(f"I'll ask: {names[1]}.").wait_for()
    # a button: claim the first card's ask
    page.locator(".review-card").nth(0).get_by_role("button", name="I'll ask").click()
    page.get_by_text(f"I'll ask: {names[0]}.").wait_for()

    # not now without a reason is refused, with a reason it is recorded
    card = page.locator(".review-card").nth(0)
    declined = card.get_by_role("heading").inner_text()
    card.get_by_role("button", name="Not now").click()
    page.get_by_text("Say why not now").wait_for()
    card = page.locator(".review-card").nth(0)
    assert card.get_by_role("heading").inner_text() == declined
    page.keyboard.press("n")
    page.keyboard.type("Selling the business this year")
    page.keyboard.press("Enter")
    page.get_by_text(f"Not now: {declined}.").wait_for()

    # batch: approve two more at once
    boxes = page.locator(".review-card input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.locator("#selected-count").inner_text() == "2 selected"
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_text(re.compile(r"^Approve: .+, .+\.$")).wait_for()
    decisions = page.locator("#decisions tbody tr")
    assert decisions.count() == decided_before + 5
    _shot(page, "review_desktop_after")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.locator(".review-card").first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the review scrolls sideways on a phone ({width}px)"
    _shot(page, "review_phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Sign out").click()

    # the convener sees the decisions, and the projection moved by the four new asks
    sign_in_page(page, live_server, accounts["convener"]["email"], accounts["convener"]["password"])
    page.goto(f"{live_server}/partnerships/{partnership_id}")
    panel = page.locator("#readiness")
    panel.locator(".gauge").wait_for()
    after = int(page.get_by_test_id("outstanding-asks").inner_text())
    # two claimed asks, and two approvals: the demo's launch is set, so their asks exist at once
    # (the plan may also give one of the demo's waiting asks its proposed asker meanwhile)
    assert after >= before + 4
    text = panel.inner_text()
    assert "Selling the business this year" in text and "I'll ask" in text and "Robin Castillo" in text
    _shot(page, "review_convener_sees_decisions")
    page.get_by_role("link", name="Pipeline board").click()
    page.get_by_role("heading", name="Pipeline").wait_for()
    page.locator('details.fold[data-stage="not_now"] > summary').click()  # folded into the board's last column
    assert declined in page.locator('details.fold[data-stage="not_now"]').inner_text()
    assert page.dialogs == [] and page.errors == []
