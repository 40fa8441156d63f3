"""The demo, walked in Chromium at 1280x800 (issue 13 items 7, 9, 10): each role's dashboard
says what to do next (screenshots per role); the pipeline board holds every stage on the
screen and scrolls inside itself under sticky headers; the member table edits on demand; people
go into partnerships from the person page, the partnership page's search and the people list."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from crm import demo
from crm.contacts.models import Person
from crm.partnerships.models import Membership, Partnership
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def region(db):
    accounts = {a["email"].split("@")[0]: a for a in demo.load()}
    db.session.commit()
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == demo.NAME))
    return partnership.id, accounts


def _sign_in(page, live_server, account):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in_page(page, live_server, account["email"], account["password"])


def _shot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_each_role_sees_what_to_do_next(page, live_server, region):
    _, accounts = region
    expected = {
        "chair": ["Your asks and tasks due this week", "Suggestions waiting for your review", "Next:"],
        "convener": ["Overdue asks by asker", "Asks with no asker", "Approved, with no ask yet",
                     "The scheduler has never run", "To fix it"],
        "admin": ["Overdue asks by asker", "To fix it", "Region X Health Care"],
        "viewer": ["Your partnerships", "employer champions accepted", "Next:"],
    }
    hidden = {"chair": ["scheduler", "Overdue asks by asker"], "viewer": ["scheduler", "Your asks", "Overdue"],
              "convener": ["Suggestions waiting for your review"], "admin": []}
    for who, phrases in expected.items():
        _sign_in(page, live_server, accounts[who])
        text = page.locator("main").inner_text()
        for phrase in phrases:
            assert phrase in text, (who, phrase)
        for phrase in hidden[who]:
            assert phrase.lower() not in text.lower(), (who, phrase)
        _shot(page, f"dashboard_{who}_1280")
        page.get_by_role("button", name="Sign out").click()
    # the chair's late ask is on top, marked, with its letter one click away
    _sign_in(page, live_server, accounts["chair"])
    first = page.locator("section[aria-labelledby=my-asks] tbody tr").first
    assert "overdue" in first.inner_text()
    first.get_by_role("link", name="The letter").click()
    page.get_by_text("Dear ").first.wait_for()
    assert page.errors == [] and page.dialogs == []


def test_the_board_shows_every_stage_at_1280_and_scrolls_inside_itself(page, live_server, region):
    partnership_id, accounts = region
    _sign_in(page, live_server, accounts["convener"])
    page.goto(f"{live_server}/partnerships/{partnership_id}/pipeline")
    board = page.locator(".board")
    board.wait_for()
    columns = page.locator(".board > .column")
    assert columns.count() == 7
    for i in range(columns.count()):
        box = columns.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (i, box)
    sizes = board.evaluate("b => [b.scrollWidth, b.clientWidth, document.documentElement.scrollWidth]")
    assert sizes[0] <= sizes[1] + 1 and sizes[2] <= WIDTH, sizes  # nothing sideways, on the board or the page
    folded = page.locator(".board details.fold > summary")
    assert [s.split()[0] for s in folded.all_inner_texts()] == ["Attended", "Champion", "Not", "Declined"]
    page.locator('details.fold[data-stage="champion"] > summary').click()
    assert "Robin Castillo" in page.locator('details.fold[data-stage="champion"]').inner_text()
    _shot(page, "pipeline_board_1280")
    # the board scrolls inside itself; the column headers stay in view
    header = columns.nth(5).locator("h2")
    top = header.bounding_box()["y"]
    board.evaluate("b => { b.scrollTop = 400; }")
    if board.evaluate("b => b.scrollTop") > 0:
        assert abs(header.bounding_box()["y"] - top) < 2
    page.screenshot(path=os.path.join(ARTIFACTS, "pipeline_board_1280_viewport.png"))
    assert page.errors == []


def test_member_table_edits_on_demand(page, live_server, region, committed):
    partnership_id, accounts = region
    _sign_in(page, live_server, accounts["convener"])
    page.goto(f"{live_server}/partnerships/{partnership_id}")
    row = page.locator("table.list tbody tr").filter(has_text="Ginger Holloway")
    assert not row.get_by_label("Role of Ginger Holloway").is_visible()
    row.get_by_text("Change").click()
    row.get_by_label("Role of Ginger Holloway").select_option("lead_champion")
    row.get_by_role("button", name="Save").click()
    page.get_by_text("Ginger Holloway: Champion, Lead champion.").wait_for()
    ginger = committed().scalar(select(Person.id).where(Person.name == "Ginger Holloway"))
    role = committed().scalar(select(Membership.role).where(Membership.person_id == ginger,
                                                            Membership.partnership_id == partnership_id))
    assert role == "lead_champion"


def test_people_go_into_partnerships_without_ids(page, live_server, region, committed):
    partnership_id, accounts = region
    session = committed()
    healthcare = session.scalar(select(Partnership.id).where(Partnership.name == "Region X Health Care"))
    outside = session.scalars(select(Person).where(
        Person.id.not_in(select(Membership.person_id)), Person.archived_at.is_(None)).order_by(Person.name_key)).all()
    one, two, three, four = outside[:4]
    _sign_in(page, live_server, accounts["convener"])

    # 1. the person page: partnership, role, stage
    page.goto(f"{live_server}/people/{one.id}")
    form = page.locator("#add-to-partnership")
    form.get_by_label("Add to partnership").select_option(label=demo.NAME)
    form.get_by_label("Stage").select_option("approved")
    form.get_by_role("button", name="Add to partnership").click()
    page.get_by_text(f"Added {one.name} to {demo.NAME} (Approved).").wait_for()

    # 2. the partnership page: type a name, pick, add
    page.goto(f"{live_server}/partnerships/{healthcare}")
    page.get_by_label("Find a person").fill(two.name[:6])
    choice = page.get_by_label(two.name, exact=False).first
    choice.wait_for()
    choice.check()
    page.locator("#add-member-form").get_by_role("button", name="Add member").click()
    page.get_by_text("Member added.").wait_for()
    _shot(page, "partnership_add_member_1280")

    # 3. the people list: tick two, add them as candidates
    page.goto(f"{live_server}/people")
    for person in (three, four):
        page.get_by_label(f"Tick {person.name}").check()
    page.locator(".bulk-bar").get_by_label("Add the ticked people to").select_option(label="Region X Health Care")
    page.get_by_role("button", name="Add as candidates").click()
    page.get_by_text("to Region X Health Care (Candidate).").wait_for()
    _shot(page, "people_list_added_1280")

    rows = dict(committed().execute(select(Membership.person_id, Membership.partnership_id).where(
        Membership.person_id.in_([one.id, two.id, three.id, four.id]))).all())
    assert rows == {one.id: partnership_id, two.id: healthcare, three.id: healthcare, four.id: healthcare}
    assert page.errors == [] and page.dialogs == []


def test_my_tasks_views_highlight_the_view_the_list_shows(page, live_server, region):
    """htmx swaps only the list; the views nav comes with it, so "This week" does not stay lit."""
    _, accounts = region
    _sign_in(page, live_server, accounts["chair"])
    page.goto(f"{live_server}/tasks")
    views = page.get_by_role("navigation", name="Task views")
    assert views.locator("[aria-current=page]").inner_text() == "This week"
    rows = page.locator("#task-list tbody tr").count()
    views.get_by_role("link", name="All").click()
    page.wait_for_url("**/tasks?view=all")
    page.locator("#task-views a.current", has_text="All").wait_for()
    views = page.get_by_role("navigation", name="Task views")
    assert [views.locator("[aria-current=page]").inner_text(), views.locator("a.current").count()] == ["All", 1]
    assert page.locator("#task-list tbody tr").count() >= rows
    views.get_by_role("link", name="Overdue").click()
    page.locator("#task-views [aria-current=page]", has_text="Overdue").wait_for()
    assert page.errors == []
