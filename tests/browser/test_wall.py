"""The commitments wall in Chromium, as a convener runs it during the launch meeting: notes
captured first, four areas made on the wall, the notes sorted by dragging them with a mouse
(1280 px) or by each note's pick control with a thumb (390 px), champions' names put on areas
(one lead), one area left without a name and shown "not a priority now", and two peers named
by people in the room becoming referred candidates."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.contacts.models import Person, Tie
from crm.launch import services as door
from crm.outreach import services as outreach
from crm.partnerships.models import Membership, PriorityNote
from crm.timeutil import utcnow
from tests.browser_fixtures import ARTIFACTS, htmx_settled, sign_in_page

pytestmark = pytest.mark.browser

SHOTS = "/work/brief/shots"
AREAS = ("Talent pipeline", "Supply chain", "Getting to work", "Branding the region")
#: each note, its kind and the area it is sorted into
NOTES = {"Apprenticeships": "Talent pipeline", "Night classes at the college": "Talent pipeline",
         "Local machining suppliers": "Supply chain", "A bus line to the industrial park": "Getting to work"}


def _area(page, name):
    return page.locator("section.area", has=page.get_by_role("heading", name=name, exact=True))


@pytest.mark.parametrize(("width", "sort"), [(1280, "drag"), (390, "pick")])
def test_a_convener_builds_the_wall_with_champions_and_referrals(page, live_server, committed, db, make_partnership,
                                                                 make_org, make_person, add_member, make_user,
                                                                 width, sort):
    p = make_partnership("Region Wall", timezone="UTC")
    plant, college = make_org("Prescott Precision"), make_org("Yavapai College", kind="community_college")
    people = {name: make_person(name, org=org) for name, org in (
        ("Karen Alvarez", plant), ("Robin Castillo", plant), ("Lee Okafor", plant), ("Dana Whitehorse", college))}
    for person in people.values():
        add_member(p, person, "member", "accepted")
    meeting = outreach.create_meeting(p, utcnow() - timedelta(hours=1), "launch", title="Launch night")
    for person in people.values():
        door.set_present(meeting, person, True)
    db.session.commit()
    make_user("wall.convener@example.org", "convener", partnerships=[p])

    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, live_server, "wall.convener@example.org")
    page.goto(f"{live_server}/meetings/{meeting.id}")
    page.get_by_role("link", name="The wall").click()

    # the notes first: none belongs to an area yet
    page.get_by_label("What was said").fill("Apprenticeships\nNight classes at the college\nLocal machining suppliers")
    page.get_by_role("button", name="Add opportunity").click()
    page.get_by_text("3 notes on the wall.").wait_for()
    page.get_by_label("What was said").fill("A bus line to the industrial park")
    page.get_by_role("button", name="Add requirement").click()
    page.get_by_text("1 note on the wall.").wait_for()
    assert page.locator("#unsorted li.note").count() == 4

    # four areas, made on the wall
    for name in AREAS:
        htmx_settled(page)  # the wall was just swapped in: type into the new one, not the old
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Add area").click()
        _area(page, name).wait_for()
    assert _area(page, "Supply chain").get_by_text("Not a priority now").count() == 1
    htmx_settled(page)
    page.get_by_label("Name", exact=True).fill("talent PIPELINE")  # refused (400): the message still shows
    page.get_by_role("button", name="Add area").click()
    page.get_by_text("Region Wall already has an area named talent PIPELINE.").wait_for()
    assert page.get_by_label("Name", exact=True).input_value() == "talent PIPELINE"

    # clustered: dragged with a mouse, or picked with a thumb
    for text, area in NOTES.items():
        note = page.locator("#unsorted li.note", has_text=text)
        if sort == "drag":
            note.locator(".note-text").drag_to(_area(page, area))  # grabbed by its text, as a hand does
        else:
            htmx_settled(page)
            note.get_by_label(f"Area for “{text}”").select_option(label=area)
        _area(page, area).locator("li.note", has_text=text).wait_for()
    assert page.locator("#unsorted li.note").count() == 0

    # names on the areas: two on the talent pipeline (Karen leads), one each on two more
    for area, name, lead in (("Talent pipeline", "Robin Castillo", False), ("Talent pipeline", "Karen Alvarez", True),
                             ("Supply chain", "Lee Okafor", True), ("Getting to work", "Robin Castillo", False)):
        section = _area(page, area)
        section.get_by_label("Put a name on it").select_option(label=name)
        if lead:
            section.get_by_label("Lead").check()
        section.get_by_role("button", name="Add champion").click()
        page.get_by_text(f"{name} champions {area}{' as its lead' if lead else ''}.").wait_for()
    talent = _area(page, "Talent pipeline")
    assert talent.locator(".champions li").first.inner_text().startswith("Karen Alvarez")
    assert talent.locator(".champions .badge.lead").count() == 1
    for area in AREAS[:3]:
        assert _area(page, area).get_by_text("Not a priority now").count() == 0
    assert _area(page, "Branding the region").get_by_text("Not a priority now").count() == 1
    # laid out for a thumb and a laptop: "Take off" stays beside its champion (not on a line of its own
    # after the Lead badge); each note's area picker spans the note, so area names read in full
    for row in talent.locator(".champions li").all():
        who, off = row.locator(".who").bounding_box(), row.locator("form.inline button").bounding_box()
        assert off["x"] >= who["x"] + who["width"] - 1 and off["y"] < who["y"] + who["height"], (who, off)
    note = talent.locator("li.note").first
    picker = note.locator("select").bounding_box()
    assert picker["width"] >= 0.85 * note.bounding_box()["width"], picker

    # two peers named by people in the room
    for referrer, peer, organisation in (("Karen Alvarez", "Maria Delgado", "Copper State Tooling"),
                                         ("Lee Okafor", "Sam Whitfield", "Mesa Fabrication")):
        page.get_by_label("Named by").select_option(label=referrer)
        page.get_by_label("Peer's name").fill(peer)
        page.get_by_label("Organisation", exact=True).fill(organisation)
        page.get_by_role("button", name="Add referral").click()
        page.get_by_text(f"{referrer} referred {peer}: a candidate in the pipeline.").wait_for()
    referrals = page.locator(".referral-list li")
    assert referrals.count() == 2 and "named by Lee Okafor" in referrals.nth(1).inner_text()

    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the wall scrolls sideways ({width_now}px at {width}px)"
    page.locator("#referrals").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    for folder in (ARTIFACTS, SHOTS):
        if folder == ARTIFACTS or os.path.isdir(SHOTS):
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"wall-{width}.png"), full_page=True)

    session = committed()
    assert session.scalar(select(PriorityNote.priority_area_id).where(PriorityNote.text == "Apprenticeships"))
    ties = session.execute(select(Tie.source_id, Person.name).join(Person, Person.id == Tie.target_id).where(
        Tie.kind == "referred", Tie.meeting_id == meeting.id).order_by(Tie.id)).all()
    assert ties == [(people["Karen Alvarez"].id, "Maria Delgado"), (people["Lee Okafor"].id, "Sam Whitfield")]
    stages = session.scalars(select(Membership.stage).join(Person, Person.id == Membership.person_id).where(
        Person.name.in_(("Maria Delgado", "Sam Whitfield")))).all()
    assert stages == ["candidate", "candidate"]
    assert page.errors == [] and page.dialogs == []
