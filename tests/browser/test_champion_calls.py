"""A champion call recorded from its step on a phone (390 px): the area's lead champion, a chair,
finds the call in My tasks with its date, opens "Record the call", finds the area's employer
champions ticked (the community partner left off, the call being employers only), adds who
else joined, writes notes and next steps and saves; the step is done, the call is a meeting of
the area with its attendance; nothing scrolls sideways."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.launch import priorities
from crm.launch import services as door
from crm.outreach import reconcile
from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from crm.timeutil import utcnow
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser
#: where the session's screenshots are looked at (kept in test-artifacts/ too)
SHOTS = "/work/brief/shots"


def _shot(page, name: str) -> None:
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"calls-{name}.png")
    page.screenshot(path=path, full_page=True)
    if os.path.isdir(SHOTS):
        shutil.copy(path, os.path.join(SHOTS, f"calls-{name}.png"))


def test_the_lead_records_the_champion_call_from_the_task_on_a_phone(page, live_server, committed, db,
                                                                    make_partnership, make_org, make_person,
                                                                    add_member, make_user):
    p = make_partnership("Region Calls", timezone="UTC")
    employer, rival = make_org("Prescott Precision"), make_org("Verde Valley Tools")
    karen, robin = make_person("Karen Alvarez", org=employer), make_person("Robin Castillo", org=rival)
    dana = make_person("Dana Whitfield", org=make_org("Yavapai College", kind="community_college"))
    ines = make_person("Ines Okafor", org=rival)
    add_member(p, karen, "chair", "champion")
    add_member(p, robin, "member", "attended")
    add_member(p, dana, "community_partner", "attended")
    add_member(p, ines, "member", "attended")
    launch = outreach.create_meeting(p, utcnow() - timedelta(days=5), "launch", chair_ids=[karen.id])
    area = priorities.create_area(p, "Talent pipeline", ["Apprenticeships"], ["A college partner"])
    priorities.add_champion(area, karen, lead=True)
    priorities.add_champion(area, robin)
    priorities.add_champion(area, dana)
    db.session.expire_all()
    reconcile.reconcile_partnership(p.id)
    db.session.commit()
    make_user("calls.chair@example.org", "chair", partnerships=[p], person=karen)
    due = launch.starts_at.date() + timedelta(days=30)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server, "calls.chair@example.org")
    page.goto(f"{live_server}/tasks")
    page.get_by_role("navigation", name="Task views").get_by_role("link", name="All").click()
    row = page.locator("tr", has_text="Champion call")
    row.get_by_text(f"{due:%a %d %b %Y}").wait_for()
    _shot(page, "my-tasks-phone")
    row.get_by_role("link", name="Record the call").click()
    page.get_by_role("heading", name="Champion call: Talent pipeline").wait_for()
    assert page.get_by_label("Karen Alvarez").is_checked() and page.get_by_label("Robin Castillo").is_checked()
    page.get_by_text("Not on the list (the call is employers only): Dana Whitfield.").wait_for()
    page.get_by_label("Someone else who joined").select_option(label="Ines Okafor (Verde Valley Tools)")
    page.get_by_label("Notes").fill("Apprenticeship pilot agreed with two employers.")
    page.get_by_label("Next steps").fill("Karen drafts the pilot by 1 May\nRobin asks two suppliers")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the call's page scrolls sideways on a phone ({width}px)"
    _shot(page, "record-phone")
    page.get_by_role("button", name="Record the call").click()
    page.get_by_text("Champion call for Talent pipeline recorded; its step is done.").wait_for()
    assert page.get_by_label("Ines Okafor").is_checked()
    _shot(page, "recorded-phone")

    session = committed()
    call = session.scalar(select(Meeting).where(Meeting.kind == "champion_call"))
    assert call.priority_area_id == area.id and call.next_steps.startswith("Karen drafts")
    assert door.room_of(call).present == tuple(sorted((karen.id, robin.id, ines.id)))
    task = session.scalar(select(Task).where(Task.kind == "champion_call"))
    assert task.status == "done" and task.closed_reason.startswith("Champion call held on")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/priority-areas/{area.id}/call")
    _shot(page, "call-desktop")
    assert page.errors == [] and page.dialogs == []


def test_the_convener_schedules_the_second_meeting_from_its_step_on_a_phone(page, live_server, committed, db,
                                                                           make_partnership, make_org, make_person,
                                                                           add_member, make_user):
    p = make_partnership("Region Second", timezone="UTC")
    employer = make_org("Prescott Precision")
    karen, conv = make_person("Karen Alvarez", org=employer), make_person("Cora Convener")
    add_member(p, karen, "chair", "champion")
    add_member(p, conv, "convener", "champion")
    launch = outreach.create_meeting(p, utcnow() - timedelta(days=5), "launch", chair_ids=[karen.id],
                                     host_organisation_id=employer.id, location="Prescott Precision, Bay 2")
    db.session.commit()
    make_user("second.convener@example.org", "convener", partnerships=[p], person=conv)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_page(page, live_server, "second.convener@example.org")
    page.goto(f"{live_server}/tasks?view=all")
    page.locator("tr", has_text="Second meeting").get_by_role("link", name="Schedule it").click()
    form = page.locator("#new-meeting")
    form.wait_for()
    assert form.get_by_label("Kind").input_value() == "second"
    assert form.get_by_label("Title").input_value() == "Second partnership meeting"
    assert form.get_by_label("Place (host employer's facility)").input_value() == "Prescott Precision, Bay 2"
    _shot(page, "second-meeting-phone")
    form.get_by_role("button", name="Set meeting").click()
    page.get_by_text("Second partnership meeting set").first.wait_for()
    session = committed()
    second = session.scalar(select(Meeting).where(Meeting.kind == "second"))
    assert 0 < (second.starts_at.date() - launch.starts_at.date()).days <= 60
    task = session.scalar(select(Task).where(Task.kind == "second_meeting"))
    assert task.status == "done" and task.closed_reason.startswith("Second meeting set for")
    assert page.errors == [] and page.dialogs == []
