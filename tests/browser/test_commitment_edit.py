"""A commitment changed after it is made, on a phone (390 px): the convener opens *Edit* under
it, names another owner, rewords it, moves its day past the 60-day window, and the page says the
early win is now late; nothing scrolls sideways at 390 px or at 1280 px."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.launch import plans, priorities
from crm.launch.models import Commitment
from crm.outreach import services as outreach
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser


def test_a_convener_edits_a_commitment_on_a_phone(page, live_server, committed, db, make_partnership, make_org,
                                                  make_person, add_member, make_user):
    p = make_partnership("Region Edits", timezone="UTC")
    employer = make_org("Prescott Precision")
    college = make_org("Valley College", side="community", kind="community_college")
    karen, dean = make_person("Karen Alvarez", org=employer), make_person("Dean Okafor", org=college)
    add_member(p, karen, "champion", "champion")
    add_member(p, dean, "community_partner", "attended")
    launch = datetime.now(UTC).replace(hour=15, minute=0, second=0, microsecond=0) - timedelta(days=14)
    outreach.create_meeting(p, launch, "launch")
    area = priorities.create_area(p, "Talent pipeline", ["Apprenticeships"], ["A college partner"])
    priorities.add_champion(area, karen, True)
    c, _ = plans.add_commitment(area, karen, "Prototype a shared apprenticeship", launch.date() + timedelta(days=30),
                                True)
    db.session.commit()
    make_user("edits.convener@example.org", "convener", partnerships=[p])

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server, "edits.convener@example.org")
    page.goto(f"{live_server}/priority-areas/{area.id}/plan")
    item = page.locator(f"#commitment-{c.id}")
    item.get_by_text("Edit", exact=True).click()
    form = item.locator("form", has=page.get_by_role("button", name="Save changes"))
    form.get_by_label("Who delivers").select_option(label="Dean Okafor · Valley College")
    form.get_by_label("What").fill("Prototype a shared apprenticeship with the college")
    form.get_by_label("By when").fill((launch.date() + timedelta(days=70)).isoformat())
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "commitment_edit_phone.png"), full_page=True)
    form.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved: Dean Okafor commits to: Prototype a shared apprenticeship with the college.").wait_for()
    page.get_by_text("70 days after the launch").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"#commitment-{c.id}").get_by_text("Edit", exact=True).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=os.path.join(ARTIFACTS, "commitment_edit_laptop.png"), full_page=True)

    saved = committed().scalar(select(Commitment))
    assert (saved.owner_id, saved.text, saved.early_win_kind, saved.version) == (
        dean.id, "Prototype a shared apprenticeship with the college", "prototype", 2)
    assert page.errors == [] and page.dialogs == []
