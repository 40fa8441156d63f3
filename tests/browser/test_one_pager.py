"""The one-pager, as a funder reads it (issue 15 items 2 and 5): the demo's viewer opens the
partnership, follows "One-pager", sees the chairs, the priority areas and the charts (the
numbers behind a toggle), and prints it: on A4 and on Letter it takes one or two pages. On a
390-px phone nothing scrolls sideways.

The demo is four weeks before its launch, so the fixture gives it a past: its champions'
stage moves spread over the last two months, the chairs' planning meeting with its attendance
taken, and each priority area's first commitments (an early win each, one open past due)."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm import demo
from crm.launch import plans
from crm.outreach import services as outreach
from crm.partnerships.models import Invitation, Membership, Partnership, StageChange
from crm.timeutil import utcnow
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CRM_SHOTS_DIR", ARTIFACTS)


@pytest.fixture
def region(db):
    accounts = {a["email"].split("@")[0]: a for a in demo.load()}
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == demo.NAME))
    now = utcnow()
    champions = db.session.scalars(select(Membership).where(
        Membership.partnership_id == partnership.id, Membership.stage.in_(("champion", "accepted")))
        .order_by(Membership.id)).all()
    for i, membership in enumerate(champions):  # recruited one by one over two months
        for change in db.session.scalars(select(StageChange).where(StageChange.membership_id == membership.id)):
            change.at = now - timedelta(days=60 - 4 * i)
    planning = outreach.create_meeting(partnership, now - timedelta(days=7), "other",
                                       title="Chairs' planning meeting")
    planning.invitations = [Invitation(person_id=m.person_id, response="accepted", attended=i % 4 != 3)
                            for i, m in enumerate(champions)]
    today = now.date()
    for i, area in enumerate(partnership.priority_areas):  # each area's plan: an early win or two
        lead = next(c.person for c in area.champions if c.lead)
        plans.add_commitment(area, lead, f"First step for {area.name.split()[0].lower()}",
                             today + timedelta(days=10 + 15 * i), early_win=True, early_win_kind="prototype")
        done, _ = plans.add_commitment(area, lead, "Share the member list", today - timedelta(days=2))
        if i != 1:
            plans.set_status(done, "done")
    db.session.commit()
    return partnership.id, accounts


def _pages(pdf: bytes) -> int:
    """The page count of a PDF Chromium wrote (its page tree's /Count)."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert counts, "no page tree in the PDF"
    return max(counts)


def test_a_funder_opens_the_one_pager_and_prints_it_on_one_or_two_pages(page, live_server, region):
    partnership_id, accounts = region
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, live_server, accounts["viewer"]["email"], accounts["viewer"]["password"])
    page.goto(f"{live_server}/partnerships/{partnership_id}")
    page.get_by_role("link", name="One-pager").click()
    page.get_by_role("heading", name=demo.NAME).wait_for()
    page.get_by_text("Chaired by Robin Castillo (chair").wait_for()
    page.get_by_role("row", name=re.compile("^First step for promote")).first.wait_for()
    for name in ("Champions over time", "Pipeline funnel", "Attendance by side", "Commitments promised vs delivered"):
        assert page.get_by_role("img", name=name).is_visible()
    page.get_by_text("The numbers: Pipeline funnel").click()
    page.get_by_role("row", name=re.compile("^Champion ")).wait_for()
    page.get_by_text("The numbers: Attendance by side").click()
    page.get_by_role("row", name=re.compile("Chairs' planning meeting")).wait_for()
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "onepager-1280.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.get_by_text("Print or save as PDF").is_visible()
    page.screenshot(path=os.path.join(SHOTS, "onepager-print.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        name = "onepager.pdf" if paper == "A4" else f"onepager-{paper.lower()}.pdf"
        with open(os.path.join(SHOTS, name), "wb") as out:
            out.write(pdf)
        assert 1 <= _pages(pdf) <= 2, f"{paper}: {_pages(pdf)} pages"
    page.emulate_media(media="screen")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("img", name="Pipeline funnel").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the one-pager scrolls sideways on a phone ({width}px)"
    # nor do its tables inside their scroll boxes: each row reads as a block, every column in view
    hidden = page.evaluate("[...document.querySelectorAll('.table-scroll')].filter(b => b.scrollWidth > b.clientWidth)"
                           ".length")
    assert hidden == 0, f"{hidden} one-pager table(s) hide columns off to the right at 390 px"
    assert page.locator(".op-table td[data-label=Due]").first.is_visible()
    page.screenshot(path=os.path.join(SHOTS, "onepager-390.png"), full_page=True)
    assert page.errors == [] and page.dialogs == []
