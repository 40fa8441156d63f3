"""The plan follows the chairs, in Chromium, as new users would try it: a chair says "I'll ask"
for one suggestion and assigns another to a champion; the convener sets the launch; the
chair's My tasks holds the first ask and the champion's the second. The chair approves one
more: its ask appears at once. The launch moved to 10 days out shows the short-notice warning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.contacts import services as contacts
from crm.outreach.models import Task
from crm.timeutil import local, utcnow
from tests.browser_fixtures import sign_in_page

pytestmark = pytest.mark.browser


@pytest.fixture
def launch_team(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Lane Tech", sector="Tech", region="Lane", timezone="UTC")
    chair = make_person("Carla Chair", org=make_org("Acme Software", sector="Tech", county="Lane"), title="CEO")
    champion = make_person("Cham Pion", org=make_org("Pion Labs", sector="Tech", county="Lane"), title="CEO")
    convener = make_person("Connie Convener", org=make_org("Lane College", kind="community_college"))
    add_member(p, chair, "chair", "champion")
    add_member(p, champion, "champion", "champion")
    add_member(p, convener, "convener", "accepted")
    leaders = []
    for i, name in enumerate(("Ada Owner", "Bo Founder", "Cy President")):
        leader = make_person(name, org=make_org(f"Firm {i}", sector="Tech", county="Lane"), title="Owner")
        contacts.add_tie("knows", champion.id, leader.id, 3, "Old friends")
        contacts.add_tie("knows", chair.id, leader.id, 2, "Rotary")
        leaders.append(leader)
    db.session.commit()
    make_user("carla@example.org", "chair", [p], chair)
    make_user("cham@example.org", "chair", [p], champion)
    make_user("connie@example.org", "convener", [p], convener)
    return p, leaders


def _as(page, live_server, email):
    """Sign in as someone else (a fresh session)."""
    page.context.clear_cookies()
    sign_in_page(page, live_server, email)


def _card(page, name):
    return page.locator("article.review-card", has=page.get_by_role("heading", name=name))


def _my_tasks(page, live_server, email):
    _as(page, live_server, email)
    page.goto(f"{live_server}/tasks?view=all")
    return page.locator("#task-list").inner_text()


def test_the_chairs_decisions_own_the_asks_and_late_approvals_are_asked_at_once(page, live_server, launch_team,
                                                                                  committed):
    partnership, (ada, bo, cy) = launch_team
    sign_in_page(page, live_server, "carla@example.org")
    page.goto(f"{live_server}/partnerships/{partnership.id}/review")
    _card(page, ada.name).get_by_role("button", name="I'll ask").click()
    page.get_by_text(f"I'll ask: {ada.name}").wait_for()
    card = _card(page, bo.name)
    card.get_by_label(f"Who should ask {bo.name}").select_option(label="Cham Pion")
    card.get_by_role("button", name="Assign").click()
    page.get_by_text(f"Someone else should ask: {bo.name}").wait_for()

    _as(page, live_server, "connie@example.org")
    page.goto(f"{live_server}/partnerships/{partnership.id}/outreach")
    start = local(utcnow() + timedelta(days=45), "UTC").strftime("%Y-%m-%dT10:00")
    page.fill("input[name=starts_at]", start)
    page.get_by_role("button", name="Set meeting").click()
    page.get_by_text("its tasks are laid out").wait_for()
    page.screenshot(path="test-artifacts/plan_launch_set.png", full_page=True)

    chair_tasks = _my_tasks(page, live_server, "carla@example.org")
    assert ada.name in chair_tasks and bo.name not in chair_tasks
    page.screenshot(path="test-artifacts/plan_chair_my_tasks.png", full_page=True)
    champion_tasks = _my_tasks(page, live_server, "cham@example.org")
    assert bo.name in champion_tasks and ada.name not in champion_tasks

    # the chair approves one more: its ask is there at once, owned by a warm employer asker
    _as(page, live_server, "carla@example.org")
    page.goto(f"{live_server}/partnerships/{partnership.id}/review")
    _card(page, cy.name).get_by_role("button", name="Approve").click()
    page.get_by_text(f"Approve: {cy.name}").wait_for()
    page.goto(f"{live_server}/partnerships/{partnership.id}/outreach")
    row = page.locator("tr[data-task-id]", has_text=cy.name).filter(has_text="Ask")
    assert row.count() == 1
    ask = committed().scalar(select(Task).where(Task.kind == "ask", Task.person_id == cy.id))
    assert ask.status == "open" and ask.owner_id is not None

    # the launch moved to 10 days out: short notice, with the workbook's reason
    _as(page, live_server, "connie@example.org")
    page.goto(f"{live_server}/meetings/{ask.meeting_id}")
    page.locator("input[name=starts_at]").first.fill(local(utcnow() + timedelta(days=10), "UTC")
                                                     .strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Move meeting").click()
    page.get_by_text("Meeting moved").wait_for()
    warning = page.locator("#warnings")
    assert "Short notice" in warning.inner_text() and "3-4 weeks" in warning.inner_text()
    page.screenshot(path="test-artifacts/plan_short_notice.png", full_page=True)
    assert not page.errors and not page.dialogs


def test_a_chair_adds_a_task_of_their_own_from_a_person_page_and_finds_it_in_my_tasks(page, live_server,
                                                                                       launch_team, add_member):
    partnership, (ada, _bo, _cy) = launch_team
    add_member(partnership, ada, "member", "approved")
    _as(page, live_server, "carla@example.org")
    page.goto(f"{live_server}/people/{ada.id}")
    page.get_by_text(f"Add a task about {ada.name} in {partnership.name}").click()
    page.get_by_label("What").fill("Send Ada the plant tour dates")
    page.get_by_label("Due").fill(local(utcnow(), "UTC").strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Add task").click()
    page.get_by_text("Task added: Send Ada the plant tour dates").wait_for()
    page.goto(f"{live_server}/tasks?view=all")
    assert "Send Ada the plant tour dates" in page.locator("#task-list").inner_text()
    page.screenshot(path="test-artifacts/plan_custom_task.png", full_page=True)
    assert not page.errors and not page.dialogs
