"""Calendars: every meeting and task exports as ICS; each user's private feed works only with
its current token, and rotating or revoking the token cuts the old URL off."""

from __future__ import annotations

import re

from icalendar import Calendar

from tests.web.world import build_world, sign_in


def test_meeting_and_task_export_as_ics(client):
    world = build_world()
    sign_in(client, world.users["viewer_a"])
    meeting = client.get(f"/meetings/{world.extra['meeting_id']}/calendar.ics")
    assert meeting.mimetype == "text/calendar"
    events = Calendar.from_ical(meeting.data).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["uid"]).startswith("meeting-")
    task = Calendar.from_ical(client.get(f"/tasks/{world.extra['task_id']}/calendar.ics").data)
    assert "Member Alpha" in str(task.walk("VEVENT")[0]["summary"])


def test_private_feed_by_token_can_be_rotated_and_revoked(client, db):
    world = build_world()
    feed = client.get("/calendar/world-feed-token.ics")
    assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.data
    assert client.get("/calendar/wrong.ics").status_code == 410  # Gone: unknown and revoked alike
    sign_in(client, world.users["convener_a"])
    response = client.post("/calendar/feed", follow_redirects=True)
    token = re.search(r"/calendar/([A-Za-z0-9_-]+)\.ics", response.get_data(as_text=True)).group(1)
    assert client.get("/calendar/world-feed-token.ics").status_code == 410
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    client.post("/calendar/feed/revoke")
    assert client.get(f"/calendar/{token}.ics").status_code == 410


def test_a_chairs_feed_lists_the_tasks_they_own(client, db):
    from crm.accounts.models import token_digest

    world = build_world()
    world.users["chair_a"].ics_token_hash = token_digest("chair-token")
    db.session.commit()
    cal = Calendar.from_ical(client.get("/calendar/chair-token.ics").data)
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert any("Member Alpha" in s for s in summaries) and any("Launch" in s for s in summaries)
