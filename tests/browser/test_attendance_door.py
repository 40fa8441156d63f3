"""At the launch's door on a phone (390 px): a chair taps the people who came (the room's
business-led ratio follows at each tap, without reloading), finds a known walk-in as they type
and marks them present, then adds someone new; nothing scrolls sideways."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.outreach import services as outreach
from crm.partnerships.models import Invitation
from crm.timeutil import utcnow
from tests.browser_fixtures import ARTIFACTS, sign_in_page
from tests.helpers import invite

pytestmark = pytest.mark.browser


def test_a_chair_takes_attendance_at_the_door_on_a_phone(page, live_server, committed, db, make_partnership,
                                                         make_org, make_person, add_member, make_user):
    p = make_partnership("Region Door", timezone="UTC")
    employer, college = make_org("Prescott Precision"), make_org("Front Range College", kind="community_college")
    chair = make_person("Karen Alvarez", org=employer, title="CEO")
    ann = make_person("Ann Accepted", org=employer)
    pat = make_person("Pat Partner", org=college)
    sam = make_person("Sam Stranger", org=make_org("Stranger Steel"))
    add_member(p, chair, "chair", "champion")
    add_member(p, ann, "member", "accepted")
    add_member(p, pat, "community_partner", "accepted")
    add_member(p, sam, "member", "candidate")  # on the list, never invited: a walk-in the chair may see
    meeting = outreach.create_meeting(p, utcnow() - timedelta(minutes=10), "launch", chair_ids=[chair.id])
    invite(meeting, (ann, "accepted"), (pat, "accepted"))
    db.session.commit()
    make_user("door.chair@example.org", "chair", partnerships=[p], person=chair)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server, "door.chair@example.org")
    page.goto(f"{live_server}/meetings/{meeting.id}/attendance")
    ratio = page.locator("#ratio")
    assert ratio.inner_text() == "0%"
    page.get_by_role("button", name="Ann Accepted: tap when here").click()
    page.get_by_role("button", name="Ann Accepted: present, tap to undo").wait_for()
    assert ratio.inner_text() == "100%"
    page.get_by_role("button", name="Pat Partner: tap when here").click()
    page.get_by_role("button", name="Pat Partner: present, tap to undo").wait_for()
    assert ratio.inner_text() == "50%"

    page.get_by_label("Find a person").fill("Sam")
    page.get_by_label("Sam Stranger").check()
    page.get_by_role("button", name="Mark the one picked present").click()
    page.get_by_role("button", name="Sam Stranger: present, tap to undo").wait_for()
    assert ratio.inner_text() == "67%"

    page.get_by_label("Name", exact=True).fill("Nia New")
    page.get_by_label("Organisation").fill("Brand New Co")
    page.get_by_label("Employer", exact=True).check()
    page.get_by_role("button", name="Add and mark present").click()
    page.get_by_role("button", name="Nia New: present, tap to undo").wait_for()
    assert ratio.inner_text() == "75%"

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the door scrolls sideways on a phone ({width}px)"
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=os.path.join(ARTIFACTS, "attendance_phone.png"))
    present = committed().scalars(select(Invitation.person_id).where(
        Invitation.meeting_id == meeting.id, Invitation.attended.is_(True))).all()
    assert len(present) == 4
    assert page.errors == [] and page.dialogs == []
