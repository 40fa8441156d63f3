"""The launch meeting and after, as a new convener runs it on a 390-px phone (issue 14, "Done
when"): attendance at the door (a walk-in included, an invitee who did not come), the wall with
four areas and champions (one left "not a priority now"), two peers named, the summary sent,
an action plan with two early wins; then the plan's steps are on the outreach list with their
owners and dates: a champion call per championed area owned by its lead, a reconnect for the
no-show owned by the convener, a recruit-one-more for each employer who came. And the demo's
second partnership, two weeks after its launch, on the same phone: its health page shows the red
flag its data warrants. Screenshots go to /work/brief/shots/demo-*.png when that folder exists."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm import demo
from crm.launch.models import Commitment
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Meeting, Partnership
from crm.timeutil import utcnow
from tests.browser_fixtures import ARTIFACTS, htmx_settled, sign_in_page
from tests.helpers import invite

pytestmark = pytest.mark.browser

SHOTS = "/work/brief/shots"
PHONE = {"width": 390, "height": 844}
#: the wall's areas: (name, [(champion, lead)]); the last has nobody's name on it
AREAS = (("Talent pipeline", [("Robin Castillo", False), ("Karen Alvarez", True)]),
         ("Getting to work", [("Nia Newcomb", True)]),
         ("Supply chain", [("Pat Partner", False), ("Robin Castillo", True)]),
         ("Branding the region", []))


def _shot(page, name: str) -> None:
    for folder in (ARTIFACTS, SHOTS):
        if folder == ARTIFACTS or os.path.isdir(SHOTS):
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"demo-{name}.png"), full_page=True)


def _fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways on a phone ({width}px)"


def _area(page, name):
    return page.locator("section.area", has=page.get_by_role("heading", name=name, exact=True))


def test_a_new_convener_runs_the_launch_and_its_first_steps_on_a_phone(page, live_server, committed, db,
                                                                      make_partnership, make_org, make_person,
                                                                      add_member, make_user):
    p = make_partnership("Region Journey", timezone="UTC")
    plant, mill = make_org("Prescott Precision"), make_org("Mingus Mill")
    college = make_org("Yavapai College", kind="community_college")
    board = make_org("Region Workforce Board", kind="workforce_board")
    karen = make_person("Karen Alvarez", org=plant, title="CEO", email="karen@prescott.example")
    robin = make_person("Robin Castillo", org=mill, title="Owner", email="robin@mingus.example")
    pat = make_person("Pat Partner", org=college, email="pat@yavapai.example")
    noah = make_person("Noah Noshow", org=mill, email="noah@mingus.example")
    dana = make_person("Dana Whitehorse", org=board, email="dana@board.example")
    add_member(p, karen, "chair", "accepted")
    add_member(p, robin, "member", "accepted")
    add_member(p, pat, "community_partner", "accepted")
    add_member(p, noah, "member", "accepted")
    add_member(p, dana, "convener", "champion")
    starts = utcnow().replace(second=0, microsecond=0) - timedelta(hours=3)  # the launch was tonight
    meeting = outreach.create_meeting(p, starts, "launch", title="Launch night", ends_at=starts + timedelta(hours=2),
                                      chair_ids=[karen.id])
    invite(meeting, (karen, "accepted"), (robin, "accepted"), (pat, "accepted"), (noah, "accepted"))
    db.session.commit()
    make_user("journey.convener@example.org", "convener", partnerships=[p], person=dana)
    launch_day = starts.date()

    page.set_viewport_size(PHONE)
    sign_in_page(page, live_server, "journey.convener@example.org")

    # 1. At the door: three of the four invitees, and a walk-in nobody had on file.
    page.goto(f"{live_server}/meetings/{meeting.id}/attendance")
    for name in ("Karen Alvarez", "Robin Castillo", "Pat Partner"):
        page.get_by_role("button", name=f"{name}: tap when here").click()
        page.get_by_role("button", name=f"{name}: present, tap to undo").wait_for()
    page.get_by_label("Name", exact=True).fill("Nia Newcomb")
    page.get_by_label("Organisation").fill("Brand New Fabrication")
    page.get_by_label("Employer", exact=True).check()
    page.get_by_label("Email").fill("nia@brandnew.example")
    page.get_by_role("button", name="Add and mark present").click()
    page.get_by_role("button", name="Nia Newcomb: present, tap to undo").wait_for()
    assert page.locator("#ratio").inner_text() == "75%"  # three employers, one community partner
    assert page.get_by_role("button", name="Noah Noshow: tap when here").count() == 1
    _fits(page, "the door")
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "attendance")

    # 2. The wall: notes, four areas, champions (a lead each), one area nobody championed.
    page.goto(f"{live_server}/meetings/{meeting.id}")
    page.get_by_role("link", name="The wall").click()
    page.get_by_label("What was said").fill("Apprenticeships\nA bus line to the industrial park")
    page.get_by_role("button", name="Add opportunity").click()
    page.get_by_text("2 notes on the wall.").wait_for()
    for name, _champions in AREAS:
        htmx_settled(page)  # the wall was just swapped in: type into the new one, not the old
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Add area").click()
        _area(page, name).wait_for()
    for text, area in (("Apprenticeships", "Talent pipeline"),
                       ("A bus line to the industrial park", "Getting to work")):
        htmx_settled(page)  # the board was just swapped in: its pick controls fire once htmx wired them
        page.locator("#unsorted li.note", has_text=text).get_by_label(f"Area for “{text}”").select_option(label=area)
        _area(page, area).locator("li.note", has_text=text).wait_for()
    for area, champions in AREAS:
        for name, lead in champions:
            section = _area(page, area)
            section.get_by_label("Put a name on it").select_option(label=name)
            if lead:
                section.get_by_label("Lead").check()
            section.get_by_role("button", name="Add champion").click()
            page.get_by_text(f"{name} champions {area}{' as its lead' if lead else ''}.").wait_for()
    assert _area(page, "Branding the region").get_by_text("Not a priority now").count() == 1
    for area, _champions in AREAS[:3]:
        assert _area(page, area).get_by_text("Not a priority now").count() == 0

    # ... and two peers named by people in the room.
    for referrer, peer, organisation in (("Karen Alvarez", "Maria Delgado", "Copper State Tooling"),
                                         ("Nia Newcomb", "Sam Whitfield", "Mesa Fabrication")):
        page.get_by_label("Named by").select_option(label=referrer)
        page.get_by_label("Peer's name").fill(peer)
        page.get_by_label("Organisation", exact=True).fill(organisation)
        page.get_by_role("button", name="Add referral").click()
        page.get_by_text(f"{referrer} referred {peer}: a candidate in the pipeline.").wait_for()
    _fits(page, "the wall")
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "wall")

    # 3. The summary, drafted from the wall, sent to the attendees and the no-show.
    page.goto(f"{live_server}/meetings/{meeting.id}")
    page.get_by_role("link", name="Summary", exact=True).click()
    text = page.get_by_label("Text").input_value()
    assert "Talent pipeline" in text and "Branding the region" in text
    page.get_by_role("button", name="Send to 5 people").click()
    page.get_by_text("Summary queued in the outbox for 5 people.").wait_for()
    _fits(page, "the summary")

    # 4. The talent pipeline's action plan: goals, an outcome, two early wins.
    page.goto(f"{live_server}/partnerships/{p.id}/priority-areas")
    page.locator("section.area", has_text="Talent pipeline").get_by_role("link", name="Action plan").click()
    page.get_by_label("3-month goal").fill("Ten apprentices started")
    page.get_by_label("Measurable outcomes").fill("20 apprentices placed by September")
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_text("The plan of Talent pipeline is saved.").wait_for()
    for owner, org, what, due, kind in (
            ("Karen Alvarez", "Prescott Precision", "Pilot a shared pre-apprenticeship", 45, "Prototype / first step"),
            ("Pat Partner", "Yavapai College", "Open day at the college's shop", 20, "Activity")):
        form = page.locator("form", has=page.get_by_role("button", name="Add commitment"))
        form.get_by_label("Who delivers").select_option(label=f"{owner} · {org}")
        form.get_by_label("What").fill(what)
        form.get_by_label("By when").fill((launch_day + timedelta(days=due)).isoformat())
        form.get_by_label("An early win").check()
        form.get_by_label(kind).check()
        form.get_by_role("button", name="Add commitment").click()
        page.get_by_text(f"{owner} commits to: {what}.").wait_for()
    page.get_by_role("link", name="The partnership's plan").click()
    page.locator("#who-promised").wait_for()
    assert page.locator("tr.promised td").all_inner_texts() == ["1", "1", "2"]  # employers, partners, all
    assert page.locator("tr.early-wins td").all_inner_texts() == ["0 of 1", "0 of 1", "0 of 2"]  # none done yet
    _fits(page, "the partnership's plan")
    _shot(page, "plan")

    # 5. The plan's steps, on the outreach list with their owners and dates.
    page.goto(f"{live_server}/partnerships/{p.id}/outreach?view=all")
    rows = page.locator("table.tasks tbody tr")
    rows.first.wait_for()

    def row_of(kind: str, person: str | None = None, owner: str | None = None):
        found = rows.filter(has_text=kind)
        if person:
            found = found.filter(has=page.locator("td:nth-child(3)", has_text=person))
        if owner:
            found = found.filter(has=page.locator("td:nth-child(4)", has_text=owner))
        assert found.count() == 1, (kind, person, owner, found.count())
        return found

    on = lambda n: (launch_day + timedelta(days=n)).strftime("%a %d %b %Y")  # noqa: E731
    for lead in ("Karen Alvarez", "Nia Newcomb", "Robin Castillo"):
        assert on(30) in row_of("Champion call", owner=lead).locator("td").first.inner_text()
    assert on(7) in row_of("Reconnect", person="Noah Noshow", owner="Dana Whitehorse").locator("td").first.inner_text()
    for employer in ("Karen Alvarez", "Robin Castillo", "Nia Newcomb"):
        row = row_of("Recruit one more", person=employer, owner=employer)
        assert on(30) in row.locator("td").first.inner_text()
    assert rows.filter(has_text="Recruit one more").filter(has_text="Pat Partner").count() == 0

    session = committed()
    calls = session.scalars(select(Task).where(Task.partnership_id == p.id, Task.kind == "champion_call")).all()
    assert len(calls) == 3  # not the area nobody championed
    assert session.scalar(select(Task.status).where(Task.meeting_id == meeting.id,
                                                    Task.step_key == "send_summary")) == "done"
    assert len(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.idempotency_key.like(f"summary:{meeting.id}:%"))).all()) == 5
    wins = session.scalars(select(Commitment).where(Commitment.early_win.is_(True))).all()
    assert sorted(c.early_win_kind for c in wins) == ["activity", "prototype"]
    assert page.errors == [] and page.dialogs == []


def test_the_demo_partnership_two_weeks_after_its_launch_shows_its_red_flag_on_a_phone(page, live_server, db):
    accounts = {a["email"].split("@")[0]: a for a in demo.load()}
    db.session.commit()
    partnership_id = db.session.scalar(select(Partnership.id).where(Partnership.name == demo.LAUNCHED_NAME))
    page.set_viewport_size(PHONE)
    sign_in_page(page, live_server, accounts["convener"]["email"], accounts["convener"]["password"])
    page.goto(f"{live_server}/partnerships/{partnership_id}/health")
    card = page.locator("section#supply_side_substitution")
    assert card.get_attribute("data-state") == "red"
    assert "Most of the open commitments and tasks are owned by community partners" in card.inner_text()
    assert page.locator("section#leverage_of_leadership").get_attribute("data-state") == "green"
    _fits(page, "the demo's health page")
    _shot(page, "health")
    card.get_by_role("link", name="Nora Kee").click()  # the signal's people lead to the cause
    page.get_by_role("heading", name="Nora Kee", exact=True, level=1).wait_for()

    # the same partnership's plan and its launch's door, as they stand two weeks on
    page.goto(f"{live_server}/partnerships/{partnership_id}/plan")
    page.locator("#who-promised").wait_for()
    assert "Early win late" in page.locator("body").inner_text()
    _fits(page, "the demo's plan")
    _shot(page, "launched-plan")
    launch_id = db.session.scalar(select(Meeting.id).where(Meeting.partnership_id == partnership_id,
                                                           Meeting.kind == "launch"))
    page.goto(f"{live_server}/meetings/{launch_id}/wall")
    apprentices = _area(page, "Build the apprenticeship pipeline")
    apprentices.get_by_text("Employers would take 12 apprentices a year between them").wait_for()
    assert _area(page, "A regional building-materials hub").get_by_text("Not a priority now").count() == 1
    assert "Luis Tapia" in page.locator(".referral-list").inner_text()
    _fits(page, "the demo's wall")
    _shot(page, "launched-wall")
    page.goto(f"{live_server}/meetings/{launch_id}/attendance")
    page.get_by_role("button", name="Tess Lindqvist: present, tap to undo").wait_for()
    assert page.locator("#ratio").inner_text() == "62%"  # five employers, three community partners
    _fits(page, "the demo's door")
    _shot(page, "launched-attendance")
    assert page.errors == [] and page.dialogs == []
