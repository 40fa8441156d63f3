"""Priority areas on a phone (390 px): a convener adds an area with its opportunities and
requirements, sees it "not a priority now", puts two champions' names on it (one lead) and
sees the lead's champion call appear in the plan; nothing scrolls sideways."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.timeutil import utcnow
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser


def test_a_convener_enters_a_priority_area_and_its_champions_on_a_phone(page, live_server, committed, db,
                                                                       make_partnership, make_org, make_person,
                                                                       add_member, make_user):
    p = make_partnership("Region Wall", timezone="UTC")
    employer = make_org("Prescott Precision")
    karen, robin = make_person("Karen Alvarez", org=employer), make_person("Robin Castillo", org=employer)
    add_member(p, karen, "member", "attended")
    add_member(p, robin, "member", "attended")
    outreach.create_meeting(p, utcnow() - timedelta(days=1), "launch")
    db.session.commit()
    make_user("wall.convener@example.org", "convener", partnerships=[p])

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server, "wall.convener@example.org")
    page.goto(f"{live_server}/partnerships/{p.id}")
    page.get_by_role("link", name="Open priority areas").click()
    page.get_by_label("Name").fill("Talent pipeline")
    page.get_by_label("Opportunities").fill("Apprenticeships\nShared training")
    page.get_by_label("Requirements").fill("A college partner")
    page.get_by_role("button", name="Add area").click()
    area = page.locator("section.area", has_text="Talent pipeline")
    area.get_by_text("Not a priority now", exact=True).wait_for()
    area.get_by_label("Champion").select_option(label="Robin Castillo")
    area.get_by_role("button", name="Add champion").click()
    area = page.locator("section.area", has_text="Talent pipeline")
    area.get_by_label("Champion").select_option(label="Karen Alvarez")
    area.get_by_label("Lead").check()
    area.get_by_role("button", name="Add champion").click()
    page.get_by_text("Karen Alvarez champions Talent pipeline as its lead.").wait_for()
    area = page.locator("section.area", has_text="Talent pipeline")
    assert area.get_by_text("Not a priority now", exact=True).count() == 0
    assert area.locator(".champions li").first.inner_text().startswith("Karen Alvarez")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the areas scroll sideways on a phone ({width}px)"
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "priority_areas_phone.png"), full_page=True)
    owner = committed().scalar(select(Task.owner_id).where(Task.kind == "champion_call"))
    assert owner == karen.id
    assert page.errors == [] and page.dialogs == []
