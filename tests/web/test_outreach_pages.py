"""Outreach pages: a convener sets the launch date and sees the tasks laid out with their pace,
assigns an ask (the proposed employer asker, or a convener with a reason), reschedules the
meeting, edits and downloads the invitation letter, and sees the scheduler's health line."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Meeting
from crm.timeutil import local, utcnow
from tests.helpers import text_of
from tests.web.world import build_world, sign_in


def _launch(client, world, days=35):
    when = (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT10:00")
    return client.post(f"/partnerships/{world.a.id}/outreach/meetings",
                       data={"kind": "launch", "starts_at": when, "title": "Launch", "location": "Alpha Works"})


def test_setting_the_launch_date_lays_out_the_tasks(client, db, add_member, make_person):
    world = build_world()
    add_member(world.a, make_person("Ann Approved", org=world.org_a), stage="approved")
    sign_in(client, world.users["convener_a"])
    response = _launch(client, world)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "Ask (invitation)" in text and "Ann Approved" in text and "Second meeting" in text
    assert "On time" in text
    outreach = text_of(client.get(f"/partnerships/{world.a.id}/outreach"))
    assert "not employer-to-employer" in outreach


def test_bad_meeting_input_keeps_the_page_with_a_message(client):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    response = client.post(f"/partnerships/{world.a.id}/outreach/meetings", data={"kind": "launch", "starts_at": "x"})
    assert response.status_code == 400 and "Choose the date and time" in text_of(response)


def test_rescheduling_moves_open_tasks(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    meeting_id = world.extra["meeting_id"]
    before = {t.id: t.due for t in db.session.scalars(select(Task).where(Task.meeting_id == meeting_id))}
    meeting = db.session.get(Meeting, meeting_id)
    # the form takes the partnership's local time (the UTC time posted as local moved it 8 days when
    # UTC had passed midnight and Phoenix had not)
    new = (local(meeting.starts_at, meeting.partnership.timezone) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/meetings/{meeting_id}/move", data={"starts_at": new}, follow_redirects=True)
    assert "moved 7 days later" in text_of(response)
    after = {t.id: t.due for t in db.session.scalars(select(Task).where(Task.meeting_id == meeting_id))}
    assert set(after) == set(before) and all(after[k] == before[k] + timedelta(days=7) for k in before)


def test_assigning_a_convener_to_ask_an_employer_needs_a_reason(client, db, make_org, make_person, add_member):
    world = build_world()
    board = make_org("Board", kind="workforce_board")
    convener = make_person("Connie", org=board)
    add_member(world.a, convener, role="convener", stage="champion")
    sign_in(client, world.users["convener_a"])
    task_id = world.extra["task_id"]
    refused = client.post(f"/tasks/{task_id}", data={"action": "assign", "owner_id": convener.id},
                          follow_redirects=True)
    assert "employer-to-employer" in text_of(refused)
    assert db.session.get(Task, task_id).owner_id == world.chair_person.id
    client.post(f"/tasks/{task_id}", data={"action": "assign", "owner_id": convener.id,
                                           "asker_reason": "Only she knows him"})
    assert db.session.get(Task, task_id).asker_reason == "Only she knows him"
    assert "1 of 1 ask is not employer-to-employer" in text_of(client.get(f"/partnerships/{world.a.id}/outreach"))


def test_completing_an_ask_as_referred_adds_the_referral(client, db):
    world = build_world()
    sign_in(client, world.users["chair_a"])
    response = client.post(f"/tasks/{world.extra['task_id']}", data={
        "status": "done", "outcome": "referred", "referred_name": "Rita Referral"}, follow_redirects=True)
    assert "Rita Referral added as a referral" in text_of(response)


def test_views_filter_and_htmx_returns_only_the_list(client):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    fragment = client.get(f"/partnerships/{world.a.id}/outreach?view=overdue", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith("<div id=\"task-list\">")
    assert "No tasks here" in body
    # the views nav comes with it, out of band, the view shown now marked current (and only it)
    nav = body.split('<nav class="views" id="task-views"')[1].split("</nav>")[0]
    assert 'hx-swap-oob="true"' in nav and nav.count('aria-current="page"') == 1
    assert re.search(r'class="current" aria-current="page">Overdue</a>', nav)


def test_invitation_letter_is_editable_rendered_and_downloadable(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    bad = client.post(f"/partnerships/{world.a.id}/letter", data={"subject": "Hi", "body": "{{ invitee"})
    assert bad.status_code == 400 and "does not render" in text_of(bad)
    client.post(f"/partnerships/{world.a.id}/letter", data={
        "subject": "Join us, {{ invitee }}", "body": "Dear {{ invitee }}, {{ sector }} <b>{{ asker }}</b>"})
    task_id = world.extra["task_id"]
    page = client.get(f"/tasks/{task_id}/invitation")
    assert "&lt;b&gt;Chair Alpha&lt;/b&gt;" in page.get_data(as_text=True)  # escaped in HTML
    eml = client.get(f"/tasks/{task_id}/invitation?format=eml")
    assert eml.mimetype == "message/rfc822" and b"Subject: Join us, Member Alpha" in eml.data
    txt = client.get(f"/tasks/{task_id}/invitation?format=txt").get_data(as_text=True)
    assert "Dear Member Alpha, Manufacturing <b>Chair Alpha</b>" in txt
    client.post(f"/tasks/{task_id}/invitation")
    client.post(f"/tasks/{task_id}/invitation")
    queued = db.session.scalars(select(OutboxMessage)).all()
    assert len(queued) == 1 and queued[0].from_name == "Chair Alpha" and queued[0].reply_to == "chair@alpha.example"


def test_dashboard_says_loudly_when_the_scheduler_never_ran_and_warns_about_the_outbox(client, db):
    from crm.outreach import mail

    world = build_world()
    mail.enqueue("k1", "a@x.example", "s", "b")
    db.session.commit()
    msg = db.session.scalar(select(OutboxMessage))
    msg.attempts, msg.last_error = 1, "ConnectionRefusedError: down"
    db.session.commit()
    sign_in(client, world.users["convener_a"])
    text = text_of(client.get("/"))
    assert "The scheduler has never run" in text
    assert "waiting in the outbox" in text and "ConnectionRefusedError" in text


def test_person_and_partnership_pages_show_outreach(client):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    assert "Ask (invitation)" in text_of(client.get(f"/people/{world.person_a.id}"))
    partnership = text_of(client.get(f"/partnerships/{world.a.id}"))
    assert "Outreach" in partnership and "not employer-to-employer" in partnership


def test_my_tasks_lists_the_asks_my_person_owns(client):
    world = build_world()
    sign_in(client, world.users["chair_a"])
    text = text_of(client.get("/tasks?view=all"))
    assert "Member Alpha" in text


def test_a_long_task_list_comes_a_page_at_a_time_in_the_browser_and_the_api(client, db):
    from datetime import date

    from crm.accounts import services as accounts
    from crm.outreach.views import TASKS_PER_PAGE

    world = build_world()
    db.session.add_all([Task(partnership_id=world.a.id, kind="thank_you", title=f"Thank #{i:03d}",
                             due=date(2027, 1, 1) + timedelta(days=i)) for i in range(TASKS_PER_PAGE + 5)])
    token = accounts.create_api_token(world.users["convener_a"], "test")
    db.session.commit()
    sign_in(client, world.users["convener_a"])
    first = client.get(f"/partnerships/{world.a.id}/outreach?view=all")
    assert first.status_code == 200 and "Thank #000" in text_of(first) and "Next" in text_of(first)
    second = text_of(client.get(f"/partnerships/{world.a.id}/outreach?view=all&page=2"))
    assert "Thank #104" in second and "Thank #000" not in second and "Previous" in second
    assert client.get(f"/partnerships/{world.a.id}/outreach?page=x").status_code == 200
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get(f"/api/v1/partnerships/{world.a.id}/tasks?per_page=50", headers=headers).json
    assert len(page["items"]) == 50 and page["has_next"] and page["page"] == 1
    rest = client.get(f"/api/v1/partnerships/{world.a.id}/tasks?per_page=200", headers=headers).json
    assert not rest["has_next"] and {t["title"] for t in rest["items"]} >= {"Thank #000", "Thank #104"}


def test_my_tasks_today_is_the_local_day_not_utcs(client, db, monkeypatch):
    from datetime import UTC, date, datetime

    from crm.outreach import services as outreach
    from crm.partnerships.models import Partnership

    world = build_world()
    due_today = outreach.create_task(world.a, "custom", date(2026, 11, 29), owner_id=world.chair_person.id,
                                     title="Call the mayor tonight")
    db.session.commit()
    # 03:00 UTC on the 30th is 20:00 on the 29th in Denver (the default zone): the task is due
    # today there; with UTC's day, My tasks listed it as overdue and "Today" hid it
    monkeypatch.setattr(outreach, "utcnow", lambda: datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    assert outreach.today_for(None) == date(2026, 11, 29) == outreach.today_for(db.session.get(Partnership, world.a.id))
    sign_in(client, world.users["chair_a"])
    assert due_today.title in text_of(client.get("/tasks?view=today"))
    assert due_today.title not in text_of(client.get("/tasks?view=overdue"))
