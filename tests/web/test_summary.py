"""The launch summary's pages (issue 14 item 3): drafted from the wall and the plan, edited and
saved with its version (a race or bad input loses nothing typed), sent through the outbox on
the chairs' behalf to attendees and invited no-shows, once each; sending closes the plan's
send_summary step; the printable page; user text escaped everywhere."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from crm.contacts.models import Person
from crm.launch import priorities, summaries
from crm.launch import services as door
from crm.launch.summary_models import MeetingSummary
from crm.outreach import services as outreach
from crm.outreach.models import OutboxMessage, Task
from crm.partnerships.models import Invitation
from crm.timeutil import utcnow
from tests.helpers import shown_text
from tests.web.test_query_counts import counting
from tests.web.world import sign_in, snapshot


@pytest.fixture
def launch(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region X Summary", sector="Light Manufacturing", timezone="UTC")
    other = make_partnership("Elsewhere Summary", timezone="UTC")
    acme = make_org("Acme <Tools>")
    college = make_org("Yavapai College", kind="community_college")
    people = {
        "ginger": make_person("Ginger Chair", org=acme, email="ginger@acme.example", title="CEO"),
        "karen": make_person("Karen Lead", org=acme, email="karen@acme.example"),
        "robin": make_person("Robin Present", org=acme, email="robin@acme.example"),
        "cole": make_person("Cole Partner", org=college, email="cole@college.example"),
        "nadia": make_person("Nadia Noshow", org=acme, email="nadia@acme.example"),
        "nomail": make_person("Norma Nomail", org=acme),
        "archived": make_person("Archie Archived", org=acme, email="archie@acme.example"),
        "merged": make_person("Mary Merged", org=acme, email="mary@acme.example"),
        "twin": make_person("Robin Twin", org=acme, email="ROBIN@acme.example"),
    }
    for person in people.values():
        add_member(p, person, "chair" if person is people["ginger"] else "member", "accepted")
    meeting = outreach.create_meeting(p, utcnow() - timedelta(days=2), "launch", location="Acme's floor",
                                      chair_ids=[people["ginger"].id])
    db.session.commit()
    for key in ("nadia", "nomail", "archived", "merged", "twin"):
        if not any(i.person_id == people[key].id for i in meeting.invitations):
            meeting.invitations.append(Invitation(person_id=people[key].id, response="declined"))
    for key in ("ginger", "karen", "robin", "cole"):
        door.set_present(meeting, people[key], True)
    db.session.commit()
    db.session.execute(update(Person).where(Person.id == people["archived"].id).values(archived_at=utcnow()))
    db.session.execute(update(Person).where(Person.id == people["merged"].id)
                       .values(merged_into_id=people["karen"].id))
    db.session.commit()
    talent = priorities.create_area(p, "Talent <pipeline>", ["Apprenticeships <now>"], ["A college partner"])
    db.session.commit()  # (the plan reads the partnership's areas as loaded: one commit each, as requests do)
    priorities.add_champion(talent, people["karen"], lead=True)
    priorities.add_champion(talent, people["robin"])
    priorities.create_area(p, "Supply chain", ["Local suppliers"])
    db.session.commit()
    return dict(p=p, other=other, meeting=meeting, people=people,
                convener=make_user("sum.convener@example.org", "convener", partnerships=[p]),
                chair=make_user("sum.chair@example.org", "chair", partnerships=[p], person=people["ginger"]),
                viewer=make_user("sum.viewer@example.org", "viewer", partnerships=[p]),
                outsider=make_user("sum.outsider@example.org", "convener", partnerships=[other]))


def _url(launch, tail=""):
    return f"/meetings/{launch['meeting'].id}/summary{tail}"


def _outbox(db):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("summary:%"))
                              .order_by(OutboxMessage.to_person_id)).all()


def _task(db, launch):
    return db.session.scalar(select(Task).where(Task.meeting_id == launch["meeting"].id,
                                                Task.step_key == "send_summary"))


def _form(client, launch, **changes):
    """The composer's form as the page holds it (subject, text, version), with `changes`."""
    page = client.get(_url(launch)).get_data(as_text=True)
    value = lambda start, end: html.unescape(page.split(start, 1)[1].split(end, 1)[0])  # noqa: E731
    data = {"subject": value('name="subject" value="', '"'), "version": value('name="version" value="', '"'),
            "text": value('name="text" rows="22" required>', "</textarea>")}
    return {**data, **changes}


def test_the_draft_tells_the_wall_with_champions_not_a_priority_now_and_dated_next_steps(client, db, launch):
    sign_in(client, launch["convener"])
    response = client.get(_url(launch))
    assert response.status_code == 200
    page = shown_text(response)
    assert "Summary: the Light Manufacturing sector partnership launch" in page
    assert "1. Talent <pipeline>" in page and "Karen Lead (Acme <Tools>), lead; Robin Present (Acme <Tools>)" in page
    assert "- Apprenticeships <now>" in page and "NOT A PRIORITY NOW" in page and "- Supply chain" in page
    call = db.session.scalar(select(Task).where(Task.meeting_id == launch["meeting"].id,
                                                Task.kind == "champion_call"))
    assert call.owner_id == launch["people"]["karen"].id
    assert f"led by Karen Lead: by {call.due:%A, %B} {call.due.day}" in page
    assert "Second partnership meeting: by" in page
    assert "4 people took part: 3 employers and 1 community partner." in page
    assert "Employers: please share this summary with other employers" in page
    assert "Ginger Chair CEO, Acme <Tools>" in page and "Sent on the chairs' behalf by" in page
    # user text is escaped in the textarea and the preview alike
    raw = response.get_data(as_text=True)
    assert "<pipeline>" not in raw and "Talent &lt;pipeline&gt;" in raw


def test_the_meeting_page_and_its_step_lead_to_the_composer(client, db, launch):
    sign_in(client, launch["chair"])
    page = client.get(f"/meetings/{launch['meeting'].id}").get_data(as_text=True)
    assert page.count(f'href="/meetings/{launch["meeting"].id}/summary"') == 2  # the button and the step's link
    assert "Write the summary" in page


def test_recipients_are_attendees_and_no_shows_with_email_not_archived_merged_or_twice(client, db, launch):
    sign_in(client, launch["chair"])
    page = shown_text(client.get(_url(launch)))
    people = launch["people"]
    for key in ("ginger", "karen", "robin", "cole", "nadia"):
        assert people[key].name in page
    for key in ("nomail", "archived", "merged", "twin"):
        assert people[key].name not in page.split("Recipients", 1)[1], key
    assert "one message to each of 5 people" in page


def test_send_queues_one_message_each_from_the_chairs_and_closes_the_step_once(client, db, launch):
    sign_in(client, launch["convener"])
    data = _form(client, launch, subject="Our launch: what we decided")
    response = client.post(_url(launch, "/send"), data=data)
    assert response.status_code == 303
    rows = _outbox(db)
    people = launch["people"]
    assert sorted(r.to_person_id for r in rows) == sorted(people[k].id for k in ("ginger", "karen", "robin", "cole",
                                                                                   "nadia"))
    assert {(r.from_name, r.reply_to, r.subject) for r in rows} == {
        ("Ginger Chair", "ginger@acme.example", "Our launch: what we decided")}
    assert all("Talent <pipeline>" in r.body for r in rows)
    task = _task(db, launch)
    assert task.status == "done" and task.closed_reason is None and task.completed_at is not None
    saved = db.session.scalar(select(MeetingSummary))
    assert saved.sent_at is not None and saved.subject == "Our launch: what we decided"
    # sending again sends nothing twice and says when it went
    response = client.post(_url(launch, "/send"), data=_form(client, launch), follow_redirects=True)
    assert "Already sent on" in shown_text(response) and len(_outbox(db)) == 5
    # a walk-in recorded later: a deliberate resend reaches only them
    late = people["twin"]
    db.session.execute(update(Person).where(Person.id == late.id).values(email="late@acme.example"))
    db.session.commit()
    door.set_present(launch["meeting"], late, True)
    db.session.commit()
    page = shown_text(client.get(_url(launch)))
    assert "Send to the 1 not yet sent" in page
    client.post(_url(launch, "/send"), data=_form(client, launch))
    assert len(_outbox(db)) == 6 and _outbox(db)[-1].to_email == "late@acme.example"


def test_the_plan_keeps_the_sent_summary_step_done(client, db, launch):
    sign_in(client, launch["convener"])
    client.post(_url(launch, "/send"), data=_form(client, launch))
    area = priorities.create_area(launch["p"], "Later area")  # the plan reconciles on commit
    db.session.commit()
    priorities.add_champion(area, launch["people"]["cole"])
    db.session.commit()
    assert _task(db, launch).status == "done"


def test_a_save_racing_another_is_refused_and_keeps_both_texts(client, db, launch):
    sign_in(client, launch["convener"])
    first = _form(client, launch, text="Theirs, saved first.\n")
    mine = dict(first, text="Mine <b>typed</b> second.\n")
    assert client.post(_url(launch), data=first).status_code == 303
    response = client.post(_url(launch), data=mine)
    assert response.status_code == 409
    raw = response.get_data(as_text=True)
    assert "Mine &lt;b&gt;typed&lt;/b&gt; second." in raw and "Theirs, saved first." in raw
    assert db.session.scalar(select(MeetingSummary.text)) == "Theirs, saved first.\n"
    # saving again from the refused page (it carries the new version) keeps mine
    again = dict(mine, version=raw.split('name="version" value="', 1)[1].split('"', 1)[0])
    assert client.post(_url(launch), data=again).status_code == 303
    assert db.session.scalar(select(MeetingSummary.text)) == "Mine <b>typed</b> second.\n"


def test_a_send_racing_a_save_sends_nothing_and_keeps_what_was_typed(client, db, launch):
    sign_in(client, launch["convener"])
    data = _form(client, launch)
    client.post(_url(launch), data=dict(data, text="Someone else's.\n"))
    response = client.post(_url(launch, "/send"), data=dict(data, text="My final words.\n"))
    assert response.status_code == 409 and "My final words." in response.get_data(as_text=True)
    assert _outbox(db) == [] and _task(db, launch).status == "open"


def test_bad_input_keeps_what_was_typed_and_changes_nothing(client, db, launch):
    sign_in(client, launch["convener"])
    before = snapshot()
    response = client.post(_url(launch, "/send"), data=_form(client, launch, subject="  ", text="Kept <i>text</i>"))
    assert response.status_code == 400
    assert "Give the summary a subject." in shown_text(response)
    assert "Kept &lt;i&gt;text&lt;/i&gt;" in response.get_data(as_text=True)
    assert snapshot() == before


def test_edits_can_be_dropped_until_sent(client, db, launch):
    sign_in(client, launch["convener"])
    client.post(_url(launch), data=_form(client, launch, text="Edited.\n"))
    saved = db.session.scalar(select(MeetingSummary))
    client.post(_url(launch, "/reset"), data={"version": str(saved.version)})
    assert db.session.scalar(select(func.count(MeetingSummary.id))) == 0
    assert "Talent <pipeline>" in shown_text(client.get(_url(launch)))


def test_no_summary_before_the_launch_and_none_for_other_meetings(client, db, launch):
    sign_in(client, launch["convener"])
    outreach.move_meeting(launch["meeting"], utcnow() + timedelta(days=3))
    db.session.commit()
    response = client.post(_url(launch, "/send"), data=_form(client, launch))
    assert response.status_code == 400 and "has not happened yet" in shown_text(response)
    assert _outbox(db) == []
    call = outreach.create_meeting(launch["p"], utcnow() + timedelta(days=10), "champion_call")
    db.session.commit()
    assert client.get(f"/meetings/{call.id}/summary").status_code == 404


def test_the_step_shows_due_then_late_and_sent(client, db, launch):
    sign_in(client, launch["convener"])
    task = _task(db, launch)
    assert task.due == (launch["meeting"].starts_at + timedelta(days=7)).date()
    page = shown_text(client.get(_url(launch)))
    assert f"On time Due {task.due:%A %d %B}" in page
    # a week and more after the launch (time passing, as the plan's due stays)
    db.session.execute(update(Task).where(Task.id == task.id).values(due=utcnow().date() - timedelta(days=1)))
    db.session.commit()
    assert "Late Due" in shown_text(client.get(_url(launch)))
    client.post(_url(launch, "/send"), data=_form(client, launch))
    page = shown_text(client.get(_url(launch)))
    assert "Late" not in page and "Already sent on" in page and "to 5 of 5 recipients" in page


def test_the_printable_page_has_no_navigation_and_escapes_text(client, db, launch):
    sign_in(client, launch["chair"])
    response = client.get(_url(launch, "/print"))
    raw = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="topbar"' not in raw and "css/summary.css" in raw
    assert "Talent &lt;pipeline&gt;" in raw and "<pipeline>" not in raw


def test_viewers_and_other_partnerships_are_refused(client, db, launch):
    before = snapshot()
    sign_in(client, launch["viewer"])
    assert client.get(_url(launch)).status_code == 403
    assert client.post(_url(launch, "/send"), data={"subject": "x", "text": "y", "version": "0"}).status_code == 403
    sign_in(client, launch["outsider"])
    assert client.get(_url(launch, "/print")).status_code == 404
    assert client.post(_url(launch, "/send"), data={"subject": "x", "text": "y", "version": "0"}).status_code == 404
    assert snapshot() == before


# --- the API ------------------------------------------------------------------------------------

def test_the_api_reads_saves_and_sends_as_the_page_does(client, db, launch, bearer):
    headers, url = bearer(launch["convener"]), f"/api/v1{_url(launch)}"
    got = client.get(url, headers=headers).json
    people = launch["people"]
    assert got["version"] == 0 and got["edited"] is False and got["sent_at"] is None and got["pace"] == "on_time"
    assert sorted(got["recipient_ids"]) == sorted(people[k].id for k in ("ginger", "karen", "robin", "cole", "nadia"))
    assert "Talent &lt;pipeline&gt;" in got["html"] and "<pipeline>" not in got["html"]
    assert "1. Talent <pipeline>" in got["text"]
    saved = client.patch(url, json={"text": "Edited <script>x</script>\n\nBye.", "version": 0}, headers=headers)
    assert saved.status_code == 200 and saved.json["edited"] is True and saved.json["version"] == 1
    assert saved.json["subject"] == got["subject"]  # a field left out keeps its text
    assert saved.json["html"] == "<p>Edited &lt;script&gt;x&lt;/script&gt;</p>\n<p>Bye.</p>\n"
    stale = client.patch(url, json={"subject": "Mine", "version": 0}, headers=headers)
    assert stale.status_code == 409 and stale.json["error"]["fields"] == {"version": ["now 1"]}
    assert client.post(f"{url}/send", json={"version": 0}, headers=headers).status_code == 409
    assert _outbox(db) == []
    sent = client.post(f"{url}/send", json={"version": 1}, headers=headers)
    assert sent.status_code == 200 and sent.json["queued"] == 5 and sent.json["already_sent"] == 0
    assert sent.json["not_sent_ids"] == [] and sent.json["pace"] == "done" and sent.json["sent_at"]
    assert {r.body for r in _outbox(db)} == {"Edited <script>x</script>\n\nBye.\n"}
    again = client.post(f"{url}/send", json={"version": sent.json["version"]}, headers=headers)
    assert again.json["queued"] == 0 and again.json["already_sent"] == 5 and len(_outbox(db)) == 5
    assert _task(db, launch).status == "done"


def test_the_api_input_is_strict(client, db, launch, bearer):
    headers, url = bearer(launch["chair"]), f"/api/v1{_url(launch)}"
    before = snapshot()  # (after the token: it is a row too)
    for body in ({"version": "0"}, {"version": 0, "extra": 1}, {"subject": "", "version": 0},
                 {"text": "x" * 50_001, "version": 0}, {"version": -1}, {}):
        response = client.patch(url, json=body, headers=headers)
        assert response.status_code == 400, body
    assert client.post(f"{url}/send", json={"version": 1.0}, headers=headers).status_code == 400
    assert snapshot() == before


def test_the_api_refuses_viewers_other_partnerships_and_other_meetings(client, db, launch, bearer):
    url, viewer, outsider = f"/api/v1{_url(launch)}", bearer(launch["viewer"]), bearer(launch["outsider"])
    before = snapshot()
    assert client.get(url, headers=viewer).status_code == 403
    assert client.post(f"{url}/send", json={"version": 0}, headers=viewer).status_code == 403
    assert client.get(url, headers=outsider).status_code == 404
    assert client.patch(url, json={"version": 0, "text": "x"}, headers=outsider).status_code == 404
    assert snapshot() == before
    call = outreach.create_meeting(launch["p"], utcnow() + timedelta(days=10), "champion_call")
    db.session.commit()
    assert client.get(f"/api/v1/meetings/{call.id}/summary", headers=bearer(launch["convener"])).status_code == 404


def test_the_api_says_why_it_cannot_send_before_the_launch(client, db, launch, bearer):
    outreach.move_meeting(launch["meeting"], utcnow() + timedelta(days=3))
    db.session.commit()
    response = client.post(f"/api/v1{_url(launch)}/send", json={"version": 0}, headers=bearer(launch["convener"]))
    assert response.status_code == 409 and "has not happened yet" in response.json["error"]["message"]
    assert _outbox(db) == [] and db.session.scalar(select(func.count(MeetingSummary.id))) == 0


def test_a_send_with_nobody_to_send_to_keeps_the_typed_draft(client, db, make_partnership, make_user):
    p = make_partnership("Empty Room Summary", timezone="UTC")
    meeting = outreach.create_meeting(p, utcnow() - timedelta(days=1), "launch")
    db.session.commit()
    sign_in(client, make_user("empty.convener@example.org", "convener", partnerships=[p]))
    page = client.get(f"/meetings/{meeting.id}/summary")
    assert "Nobody yet: mark attendance first." in shown_text(page) and "Send to" not in shown_text(page)
    response = client.post(f"/meetings/{meeting.id}/summary/send",
                           data={"subject": "Typed subject", "text": "Typed text.", "version": "0"},
                           follow_redirects=True)
    assert "Nobody to send it to" in shown_text(response)
    assert db.session.execute(select(MeetingSummary.subject, MeetingSummary.text)).one() == (
        "Typed subject", "Typed text.\n")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_before_the_launch_the_composer_offers_no_send(client, db, launch):
    outreach.move_meeting(launch["meeting"], utcnow() + timedelta(days=3))
    db.session.commit()
    sign_in(client, launch["convener"])
    page = shown_text(client.get(_url(launch)))
    assert "Send to" not in page and "Send it after the launch" in page


def _room_of(db, make_partnership, make_org, make_person, add_member, n: int):
    """A launch `n` invitees big, half of them present, with `n // 3` areas of two champions."""
    p = make_partnership(f"Room of {n}", timezone="UTC")
    org = make_org(f"Employer of {n}")
    people = [make_person(f"Person {n}-{i}", org=org, email=f"p{n}-{i}@x.example") for i in range(n)]
    for person in people:
        add_member(p, person, "member", "accepted")
    meeting = outreach.create_meeting(p, utcnow() - timedelta(days=1), "launch")
    db.session.commit()
    for person in people[: n // 2]:
        door.set_present(meeting, person, True)
    db.session.commit()
    for i in range(n // 3):
        area = priorities.create_area(p, f"Area {i}", [f"Opportunity {i}"], [f"Requirement {i}"])
        db.session.commit()
        priorities.add_champion(area, people[2 * i], lead=True)
        priorities.add_champion(area, people[2 * i + 1])
        db.session.commit()
    return p, meeting


def test_the_composer_runs_as_many_queries_for_a_big_room_as_a_small_one(client, db, make_partnership, make_org,
                                                                        make_person, add_member, make_user):
    small = _room_of(db, make_partnership, make_org, make_person, add_member, 6)
    big = _room_of(db, make_partnership, make_org, make_person, add_member, 60)
    sign_in(client, make_user("rooms.convener@example.org", "convener", partnerships=[small[0], big[0]]))
    counts = []
    for _p, meeting in (small, big):
        client.get(f"/meetings/{meeting.id}/summary")  # warm
        with counting(db) as statements:
            assert client.get(f"/meetings/{meeting.id}/summary").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_two_first_saves_at_once_make_the_later_a_conflict(db, launch, monkeypatch):
    """The later of two first saves read "nothing saved" before the other inserted its row: its
    insert meets that row, and answers a conflict (nothing overwritten), not an error."""
    meeting = launch["meeting"]
    db.session.add(MeetingSummary(meeting_id=meeting.id, subject="Theirs", text="Theirs.\n"))
    db.session.flush()
    reads, real = [], summaries.saved_of

    def saved_of(m):  # the first read happened before the other save's row was there
        reads.append(m)
        return None if len(reads) == 1 else real(m)

    monkeypatch.setattr(summaries, "saved_of", saved_of)
    with pytest.raises(summaries.SummaryConflict) as raised:
        summaries.save(meeting, "Mine", "Mine.\n", 0, None)
    assert raised.value.saved.subject == "Theirs"
    db.session.rollback()
