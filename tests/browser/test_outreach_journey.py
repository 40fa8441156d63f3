"""The outreach journey in Chromium, as a new convener would try it: set the demo
partnership's launch date, see the tasks laid out, assign an ask (the system proposes an
employer asker), reschedule the meeting; the next day's digest then reaches each asker's
inbox (a real SMTP server in the test process) exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm import demo
from crm.outreach import jobs
from crm.outreach.models import Task
from crm.partnerships.models import Partnership
from crm.timeutil import local, utcnow

pytestmark = pytest.mark.browser

@pytest.fixture
def app_config(smtp):
    return smtp.config


def _day(days: int) -> str:
    return (local(utcnow(), "America/Phoenix") + timedelta(days=days)).strftime("%Y-%m-%dT10:00")


def test_convener_lays_out_the_launch_assigns_asks_reschedules_and_askers_get_one_digest(
        app, db, page, live_server, smtp, committed):
    accounts = {a["role"]: a for a in demo.load()}
    db.session.commit()
    region_x = db.session.scalar(select(Partnership).where(Partnership.name == demo.NAME))
    convener = accounts["convener"]

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", convener["email"])
    page.fill("input[name=password]", convener["password"])
    page.click("button[type=submit]")
    page.goto(f"{live_server}/partnerships/{region_x.id}")
    page.click("text=Outreach & timeline")

    # 1. set the launch date (four weeks and a day out)
    page.fill("input[name=starts_at]", _day(29))
    page.fill("input[name=title]", "Second-wave launch")
    page.fill("input[name=location]", "Granite Dells Avionics, Prescott")
    page.click("text=Set meeting")
    page.wait_for_selector("text=its tasks are laid out")
    assert page.locator("tr[data-task-id]").count() >= 6
    assert page.locator("text=Reminder email").count() >= 1
    page.screenshot(path="test-artifacts/outreach_timeline_laid_out.png", full_page=True)

    # 2. assign an unassigned ask: the proposed employer asker, if any, is preselected
    ask_rows = page.locator("tr[data-task-id]:has(form.assign)")
    assert ask_rows.count() >= 1
    form = ask_rows.first.locator("form.assign")
    select_box = form.locator("select[name=owner_id]")
    if not select_box.input_value():
        employer_option = select_box.locator("option[data-employer='1']").first
        select_box.select_option(employer_option.get_attribute("value"))
    form.locator("button").click()
    page.wait_for_selector("text=Asker assigned.")

    # 3. reschedule a week earlier (still on the meeting's page): the asks become due tomorrow
    page.get_by_label("New start").fill(_day(22))
    page.click("text=Move meeting")
    page.wait_for_selector("text=moved 7 days earlier")
    page.screenshot(path="test-artifacts/outreach_meeting_rescheduled.png", full_page=True)
    assert not page.errors

    page.goto(f"{live_server}/partnerships/{region_x.id}/outreach?view=week")
    page.screenshot(path="test-artifacts/outreach_partnership_week.png", full_page=True)
    page.goto(f"{live_server}/")
    assert page.locator("text=The scheduler has never run").count() == 1  # loud, until it runs
    page.screenshot(path="test-artifacts/outreach_dashboard_health.png", full_page=True)

    # 4. the next day's digest, run twice, reaches each asker once
    tomorrow = utcnow().replace(hour=15, minute=0) + timedelta(days=1)  # 08:00 in Denver
    # every partnership's tasks: the digest is one per person (the demo's second partnership has
    # the convener's reconnect steps, late)
    due = committed().scalars(select(Task).where(Task.status == "open", Task.owner_id.is_not(None),
                                                Task.due <= local(tomorrow, "America/Denver").date())).all()
    from crm.outreach.digest import _recipients

    askers = {email for email, _, _ in _recipients({t.owner_id for t in due}).values()}  # linked account first
    assert askers, "some asker has a task due tomorrow"
    for _ in range(2):
        jobs.run("daily_digest", tomorrow, app=app)
        jobs.run("send_outbox", tomorrow, app=app)
    received = Counter(m["To"] for m in smtp.messages if m["X-Convene-Key"].startswith("digest:"))
    assert set(received) == askers and set(received.values()) == {1}
