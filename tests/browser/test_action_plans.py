"""An action plan on a phone (390 px): from the priority areas page a convener opens an area's
action plan, writes its goals and outcomes, adds two early wins (a prototype by an employer,
an activity by a community partner due on day 61, saved with its warning), marks one done,
notes progress, and reads the partnership's plan (who promised what, the early wins); nothing
scrolls sideways, at 390 px and at 1280 px."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.launch import priorities
from crm.launch.models import ActionPlan, Commitment
from crm.outreach import services as outreach
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser


def test_a_convener_writes_an_action_plan_with_two_early_wins_on_a_phone(page, live_server, committed, db,
                                                                        make_partnership, make_org, make_person,
                                                                        add_member, make_user):
    p = make_partnership("Region Plans", timezone="UTC")
    employer = make_org("Prescott Precision")
    college = make_org("Valley College", side="community", kind="community_college")
    karen, dean = make_person("Karen Alvarez", org=employer), make_person("Dean Okafor", org=college)
    add_member(p, karen, "champion", "champion")
    add_member(p, dean, "community_partner", "attended")
    launch = datetime.now(UTC).replace(hour=15, minute=0, second=0, microsecond=0) - timedelta(days=14)
    outreach.create_meeting(p, launch, "launch")
    area = priorities.create_area(p, "Talent pipeline", ["Apprenticeships"], ["A college partner"])
    priorities.add_champion(area, karen, True)
    db.session.commit()
    make_user("plans.convener@example.org", "convener", partnerships=[p])

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server, "plans.convener@example.org")
    page.goto(f"{live_server}/partnerships/{p.id}/priority-areas")
    page.get_by_role("link", name="Action plan").click()
    page.get_by_label("3-month goal").fill("Ten apprentices started")
    page.get_by_label("12-month goal").fill("A shared curriculum")
    page.get_by_label("3-year goal").fill("A regional pipeline")
    page.get_by_label("Measurable outcomes").fill("20 apprentices placed\nTwo colleges signed up")
    page.get_by_label("Actions", exact=False).first.fill("Write the curriculum")
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_text("The plan of Talent pipeline is saved.").wait_for()

    day = launch.date()
    for owner, org, text, due, kind in (
            ("Karen Alvarez", "Prescott Precision", "Prototype a shared apprenticeship", day + timedelta(days=45),
             "Prototype / first step"),
            ("Dean Okafor", "Valley College", "Host a career fair", day + timedelta(days=61), "Activity")):
        form = page.locator("form", has=page.get_by_role("button", name="Add commitment"))
        form.get_by_label("Who delivers").select_option(label=f"{owner} · {org}")
        form.get_by_label("What").fill(text)
        form.get_by_label("By when").fill(due.isoformat())
        form.get_by_label("An early win").check()
        form.get_by_label(kind).check()
        form.get_by_role("button", name="Add commitment").click()
        page.get_by_text(f"{owner} commits to: {text}.").wait_for()
    page.get_by_text("61 days after the launch").first.wait_for()

    first = page.locator("li.commitment", has_text="Prototype a shared apprenticeship")
    first.get_by_role("button", name="Done").click()
    page.get_by_text("Prototype a shared apprenticeship: done.").wait_for()
    progress = page.locator("#progress")
    progress.get_by_label("Note").fill("Met the college's dean")
    progress.get_by_role("button", name="Add note").click()
    page.get_by_text("Progress noted.").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the action plan scrolls sideways on a phone ({width}px)"
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "action_plan_area_phone.png"), full_page=True)

    page.get_by_role("link", name="The partnership's plan").click()
    page.locator("#who-promised").wait_for()
    assert page.locator("tr.promised td").all_inner_texts() == ["1", "1", "2"]  # employers, partners, all
    assert page.locator("tr.done td").all_inner_texts() == ["1", "0", "1"]
    assert page.locator("tr.early-wins td").all_inner_texts() == ["1 of 1", "0 of 1", "1 of 2"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the partnership's plan scrolls sideways on a phone ({width}px)"
    page.screenshot(path=os.path.join(ARTIFACTS, "action_plans_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=os.path.join(ARTIFACTS, "action_plans_laptop.png"), full_page=True)
    page.goto(f"{live_server}/priority-areas/{area.id}/plan")
    page.screenshot(path=os.path.join(ARTIFACTS, "action_plan_area_laptop.png"), full_page=True)
    # on a laptop the new commitment's form reads down one column: "Who delivers" under its label like
    # the fields below it, the fields no wider than a readable form, the day as wide as a day
    form = page.locator("form", has=page.get_by_role("button", name="Add commitment"))
    who, what = form.get_by_label("Who delivers").bounding_box(), form.get_by_label("What").bounding_box()
    assert who["x"] == what["x"] and who["width"] == what["width"] <= 48 * 16, (who, what)
    assert form.get_by_label("By when").bounding_box()["width"] < 0.6 * what["width"]

    session = committed()
    wins = session.scalars(select(Commitment).order_by(Commitment.id)).all()
    assert [(c.owner_id, c.early_win, c.early_win_kind, c.status) for c in wins] == [
        (karen.id, True, "prototype", "done"), (dean.id, True, "activity", "open")]
    assert session.scalar(select(ActionPlan.outcomes)) == ["20 apprentices placed", "Two colleges signed up"]
    assert page.errors == [] and page.dialogs == []
