"""The launch summary in Chromium, on a phone (390 px) and a laptop (1280 px): from the launch
meeting's page a convener (or a chair) opens the summary drafted from the wall, edits its
subject and text, saves and sees the preview, sends it (one outbox message per recipient, from
the chairs), sees "already sent" and no second send; the printable page prints on one or two
pages without the navigation. axe finds no serious or critical WCAG violation on either page."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.launch import priorities
from crm.launch import services as door
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Invitation
from crm.timeutil import utcnow
from tests.browser.test_accessibility import _axe
from tests.browser_fixtures import ARTIFACTS, sign_in_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "who"), [(390, "convener"), (1280, "chair")])
def test_a_summary_is_composed_edited_and_sent_once(page, live_server, committed, db, make_partnership, make_org,
                                                    make_person, add_member, make_user, width, who):
    p = make_partnership("Region X Light Manufacturing", sector="Light Manufacturing", timezone="UTC")
    acme = make_org("Acme Tools")
    ginger = make_person("Ginger Rowe", org=acme, email="ginger@acme.example", title="CEO")
    karen = make_person("Karen Alvarez", org=acme, email="karen@acme.example")
    robin = make_person("Robin Castillo", org=acme, email="robin@acme.example")
    nadia = make_person("Nadia Okafor", org=acme, email="nadia@acme.example")
    for person in (ginger, karen, robin, nadia):
        add_member(p, person, "chair" if person is ginger else "member", "accepted")
    meeting = outreach.create_meeting(p, utcnow() - timedelta(days=3), "launch", location="Acme Tools, Prescott",
                                      chair_ids=[ginger.id])
    db.session.commit()
    if not any(i.person_id == nadia.id for i in meeting.invitations):
        meeting.invitations.append(Invitation(person_id=nadia.id, response="declined"))
    for person in (ginger, karen, robin):
        door.set_present(meeting, person, True)
    db.session.commit()
    area = priorities.create_area(p, "Talent pipeline", ["Apprenticeships"], ["A college partner"])
    priorities.create_area(p, "Supply chain", ["Local suppliers"])
    db.session.commit()
    priorities.add_champion(area, karen, lead=True)
    priorities.add_champion(area, robin)
    db.session.commit()
    email = f"summary.{who}@example.org"
    make_user(email, who, partnerships=[p], person=ginger if who == "chair" else None)

    page.set_viewport_size({"width": width, "height": 844})
    sign_in_page(page, live_server, email)
    page.goto(f"{live_server}/meetings/{meeting.id}")
    page.get_by_role("link", name="Summary", exact=True).click()
    text = page.get_by_label("Text")
    assert "1. Talent pipeline" in text.input_value() and "NOT A PRIORITY NOW" in text.input_value()
    page.get_by_text("one message to each of").wait_for()
    page.get_by_label("Subject").fill("What we decided at the launch")
    text.fill(text.input_value().replace("Dear colleagues,", "Dear colleagues,\n\nA note from the chairs <first>."))
    page.get_by_role("button", name="Save and preview").click()
    page.get_by_text("Summary saved").wait_for()
    preview = page.locator("#preview")
    assert "A note from the chairs <first>." in preview.inner_text()
    assert "What we decided at the launch" in preview.inner_text()
    assert _axe(page) == []  # WCAG 2.1 AA: no serious or critical violation
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the composer scrolls sideways ({width_now}px)"
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"summary-composer-{width}.png"), full_page=True)

    page.get_by_role("button", name="Send to 4 people").click()
    page.get_by_text("Summary queued in the outbox for 4 people.").wait_for()
    page.get_by_text("Already sent on").wait_for()
    assert page.get_by_role("button", name="Send to").count() == 0  # everyone has it: nothing to resend
    page.screenshot(path=os.path.join(ARTIFACTS, f"summary-sent-{width}.png"), full_page=True)
    session = committed()
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("summary:%"))).all()
    assert sorted(r.to_email for r in rows) == ["ginger@acme.example", "karen@acme.example", "nadia@acme.example",
                                                "robin@acme.example"]
    assert {(r.subject, r.from_name, r.reply_to) for r in rows} == {
        ("What we decided at the launch", "Ginger Rowe", "ginger@acme.example")}
    assert all("A note from the chairs <first>." in r.body for r in rows)
    assert session.scalar(select(Task.status).where(Task.meeting_id == meeting.id,
                                                    Task.step_key == "send_summary")) == "done"

    page.get_by_role("link", name="Printable page").click()
    page.get_by_role("heading", name="What we decided at the launch").wait_for()
    assert _axe(page) == []
    page.emulate_media(media="print")
    assert not page.get_by_text("Back to the composer").is_visible()
    page.screenshot(path=os.path.join(ARTIFACTS, f"summary-print-{width}.png"), full_page=True)
    pdf = page.pdf(format="A4")
    with open(os.path.join(ARTIFACTS, f"summary-print-{width}.pdf"), "wb") as out:
        out.write(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, f"the printable summary takes {pages} pages"
    assert page.errors == [] and page.dialogs == []
