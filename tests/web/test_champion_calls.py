"""After the launch (issue 14 item 4): the plan's after-steps, every one at once when an area or
attendee is recorded later, with owners and days on the pages and in the API (with the
priority area of a champion call); the second meeting set from its step's prefilled form
closes the step; champion calls recorded as meetings of their area close theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from crm.launch import priorities
from crm.launch import services as door
from crm.outreach import jobs, reconcile
from crm.outreach import services as outreach
from crm.outreach.models import Task
from crm.partnerships.models import Meeting
from crm.timeutil import utcnow
from tests.helpers import invite, shown_text
from tests.web.world import sign_in, snapshot


@pytest.fixture
def after(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region Calls", timezone="UTC")
    other = make_partnership("Elsewhere Calls", timezone="UTC")
    employer, rival = make_org("Prescott Precision"), make_org("Verde Valley Tools")
    college = make_org("Yavapai College", kind="community_college")
    karen = make_person("Karen Alvarez", org=employer)
    robin = make_person("Robin Castillo", org=rival)
    dana = make_person("Dana Community", org=college)
    nora = make_person("Nora Noshow", org=rival)
    conv = make_person("Cora Convener")
    hidden = make_person("Hidden Elsewhere", org=employer)
    add_member(p, karen, "chair", "champion")
    add_member(p, robin, "member", "accepted")
    add_member(p, dana, "community_partner", "accepted")
    add_member(p, nora, "member", "accepted")
    add_member(p, conv, "convener", "champion")
    add_member(other, hidden)
    launch = outreach.create_meeting(p, utcnow() - timedelta(days=3), "launch", chair_ids=[karen.id],
                                     host_organisation_id=employer.id, location="Prescott Precision, Bay 2")
    invite(launch, (robin, "accepted"), (dana, "accepted"), (nora, "accepted"))
    db.session.commit()
    return dict(p=p, other=other, launch=launch, karen=karen, robin=robin, dana=dana, nora=nora, conv=conv,
                hidden=hidden, employer=employer,
                convener=make_user("calls.convener@example.org", "convener", partnerships=[p], person=conv),
                chair=make_user("calls.chair@example.org", "chair", partnerships=[p], person=karen),
                viewer=make_user("calls.viewer@example.org", "viewer", partnerships=[p]),
                outsider=make_user("calls.outsider@example.org", "convener", partnerships=[other]))


def _steps(db, meeting) -> dict[str, tuple]:
    return {t.step_key: (t.owner_id, t.status, (t.due - meeting.starts_at.date()).days, t.priority_area_id)
            for t in db.session.scalars(select(Task).where(Task.meeting_id == meeting.id, Task.kind.in_(
                ("champion_call", "second_meeting", "reconnect", "recruit_one_more", "send_summary"))))
            if t.status != "cancelled"}


def test_an_area_and_attendance_recorded_later_give_every_after_step_at_once(client, db, after):
    sign_in(client, after["convener"])
    launch, karen, robin, dana, nora, conv = (after[k] for k in ("launch", "karen", "robin", "dana", "nora", "conv"))
    client.post(f"/meetings/{launch.id}/attendance", data={"person_id": robin.id, "present": "1"})
    client.post(f"/meetings/{launch.id}/attendance", data={"person_id": dana.id, "present": "1"})
    client.post(f"/partnerships/{after['p'].id}/priority-areas", data={"name": "Talent pipeline"})
    area = priorities.areas_of(after["p"].id)[0]
    client.post(f"/priority-areas/{area.id}/champions", data={"person_id": karen.id, "lead": "yes"})
    steps = _steps(db, launch)
    assert steps == {
        f"champion_call:{area.id}": (karen.id, "open", 30, area.id),
        "second_meeting": (conv.id, "open", 60, None),
        "send_summary": (conv.id, "open", 7, None),
        f"recruit_one_more:{robin.id}": (robin.id, "open", 30, None),  # an employer; Dana is not
        f"reconnect:{nora.id}": (conv.id, "open", 7, None),  # invited, did not come (the launch is over)
    }  # (Robin's and Dana's reconnects closed when they were marked present)
    page = shown_text(client.get(f"/partnerships/{after['p'].id}/outreach"))
    for words in ("Champion call", "Second meeting", "Recruit one more", "Reconnect", "Send summary"):
        assert words in page
    on_launch = shown_text(client.get(f"/meetings/{launch.id}"))  # the launch's page lists its steps
    for words in ("Champion call", "Second meeting", "Recruit one more", "Reconnect", "Karen Alvarez",
                  f"{launch.starts_at + timedelta(days=30):%a %d %b %Y}"):
        assert words in on_launch
    mine = shown_text(client.get("/tasks?view=all"))
    assert "Second meeting" in mine and "Reconnect" in mine and "Nora Noshow" in mine
    sign_in(client, after["chair"])
    assert "Champion call" in shown_text(client.get("/tasks?view=all"))


def test_the_api_gives_tasks_their_priority_area_and_filters_by_it(client, db, after, bearer):
    p = after["p"]
    area = priorities.create_area(p, "Supply chain")
    priorities.add_champion(area, after["karen"], lead=True)
    db.session.expire_all()  # the partnership's areas were loaded before this one was added
    reconcile.reconcile_partnership(p.id)  # what committing a request does (the hook)
    db.session.commit()
    headers = bearer(after["viewer"])
    tasks = client.get(f"/api/v1/partnerships/{p.id}/tasks", headers=headers).json["items"]
    calls = [t for t in tasks if t["kind"] == "champion_call"]
    assert [(t["priority_area_id"], t["owner_id"]) for t in calls] == [(area.id, after["karen"].id)]
    assert all(t["priority_area_id"] is None for t in tasks if t["kind"] != "champion_call")
    only = client.get(f"/api/v1/partnerships/{p.id}/tasks?priority_area_id={area.id}", headers=headers).json
    assert [t["kind"] for t in only["items"]] == ["champion_call"]
    elsewhere = priorities.create_area(after["other"], "Hidden area")
    db.session.commit()
    for bad in (elsewhere.id, 999999, "x"):
        refused = client.get(f"/api/v1/partnerships/{p.id}/tasks?priority_area_id={bad}", headers=headers)
        assert refused.status_code == 400 and list(refused.json["error"]["fields"]) == ["priority_area_id"]


def test_the_second_meeting_step_opens_the_meeting_form_prefilled_and_setting_it_closes_the_step(client, db, after):
    sign_in(client, after["convener"])
    p, launch = after["p"], after["launch"]
    page = client.get(f"/partnerships/{p.id}/outreach")
    assert f"/partnerships/{p.id}/outreach?prefill=second#new-meeting" in page.get_data(as_text=True)
    form = client.get(f"/partnerships/{p.id}/outreach?prefill=second").get_data(as_text=True)
    assert '<option selected value="second">' in form
    assert 'value="Prescott Precision, Bay 2"' in form and 'value="Second partnership meeting"' in form
    day = launch.starts_at + timedelta(days=40)
    response = client.post(f"/partnerships/{p.id}/outreach/meetings", data={
        "kind": "second", "title": "Second partnership meeting", "starts_at": f"{day:%Y-%m-%dT%H:%M}",
        "chair_ids": after["karen"].id, "host_organisation_id": after["employer"].id})
    assert response.status_code == 302
    assert "Second partnership meeting set; the plan's second-meeting step is done." in shown_text(
        client.get(response.headers["Location"]))
    task = db.session.scalar(select(Task).where(Task.meeting_id == launch.id, Task.kind == "second_meeting"))
    assert task.status == "done" and task.closed_reason == f"Second meeting set for {day:%d %b %Y}."
    # the API's meeting says which area a champion call is for (none here)
    second = db.session.scalar(select(Meeting).where(Meeting.kind == "second"))
    assert client.get(f"/meetings/{second.id}").status_code == 200


def test_a_viewer_sees_no_prefilled_form_and_nothing_changes(client, db, after):
    sign_in(client, after["viewer"])
    before = snapshot()
    page = client.get(f"/partnerships/{after['p'].id}/outreach?prefill=second").get_data(as_text=True)
    assert "Second partnership meeting" not in page and snapshot() == before


@pytest.fixture
def area(db, after):
    area = priorities.create_area(after["p"], "Talent pipeline")
    priorities.add_champion(area, after["karen"], lead=True)
    priorities.add_champion(area, after["robin"])
    priorities.add_champion(area, after["dana"])  # a community partner: not on the call's list
    db.session.expire_all()
    reconcile.reconcile_partnership(after["p"].id)
    db.session.commit()
    return area


def _call_task(db, after, area):
    return db.session.scalar(select(Task).where(Task.meeting_id == after["launch"].id,
                                                Task.step_key == f"champion_call:{area.id}"))


def test_recording_the_call_from_its_step_makes_a_meeting_of_the_area_and_closes_the_step(client, db, after, area):
    sign_in(client, after["chair"])
    task = _call_task(db, after, area)
    assert (task.status, task.owner_id) == ("open", after["karen"].id)
    tasks_page = client.get("/tasks?view=all").get_data(as_text=True)
    assert f"/priority-areas/{area.id}/call" in tasks_page
    page = shown_text(client.get(f"/priority-areas/{area.id}/call"))
    assert "Karen Alvarez" in page and "Robin Castillo" in page
    assert "Not on the list (the call is employers only): Dana Community." in page
    when = utcnow() - timedelta(hours=2)
    response = client.post(f"/priority-areas/{area.id}/call", data={
        "starts_at": f"{when:%Y-%m-%dT%H:%M}", "person_id": [after["karen"].id, after["robin"].id],
        "notes": "Apprenticeship pilot <b>agreed</b>", "next_steps": "Karen drafts the pilot by 1 May"})
    assert response.status_code == 303
    call = db.session.scalar(select(Meeting).where(Meeting.kind == "champion_call"))
    assert (call.priority_area_id, call.notes, call.next_steps) == (
        area.id, "Apprenticeship pilot <b>agreed</b>", "Karen drafts the pilot by 1 May")
    assert door.room_of(call).present == tuple(sorted((after["karen"].id, after["robin"].id)))
    task = _call_task(db, after, area)
    assert task.status == "done" and task.closed_reason == f"Champion call held on {when:%d %b %Y}."
    again = client.get(f"/priority-areas/{area.id}/call")
    assert "Apprenticeship pilot &lt;b&gt;agreed&lt;/b&gt;" in again.get_data(as_text=True)
    assert "Edit the call" in shown_text(again)
    # edited: Robin was not there after all, Nora joined; still one call, the step stays done
    client.post(f"/priority-areas/{area.id}/call", data={
        "starts_at": f"{when:%Y-%m-%dT%H:%M}", "person_id": [after["karen"].id], "joined_id": after["nora"].id})
    calls = db.session.scalars(select(Meeting).where(Meeting.kind == "champion_call")).all()
    assert len(calls) == 1 and door.room_of(calls[0]).present == tuple(sorted((after["karen"].id, after["nora"].id)))
    assert _call_task(db, after, area).status == "done"


def test_someone_not_an_employer_on_the_call_is_recorded_and_flagged(client, db, after, area, bearer):
    sign_in(client, after["convener"])
    when = utcnow() - timedelta(hours=1)
    response = client.post(f"/priority-areas/{area.id}/call", data={
        "starts_at": f"{when:%Y-%m-%dT%H:%M}", "person_id": [after["karen"].id], "joined_id": after["dana"].id},
        follow_redirects=True)
    assert "1 person on this call is not at an employer" in shown_text(response)
    call = db.session.scalar(select(Meeting).where(Meeting.kind == "champion_call"))
    got = client.get(f"/api/v1/meetings/{call.id}", headers=bearer(after["viewer"])).json
    assert got["priority_area_id"] == area.id and got["kind"] == "champion_call"
    assert [w["code"] for w in got["warnings"]] == ["not_employers_on_call"]
    assert sorted(got["attendance"]["present"]) == sorted((after["karen"].id, after["dana"].id))


def test_a_lead_who_is_not_an_employer_is_warned_on_the_area(client, db, after, area, bearer):
    priorities.add_champion(area, after["dana"], lead=True)
    db.session.commit()
    sign_in(client, after["convener"])
    page = shown_text(client.get(f"/partnerships/{after['p'].id}/priority-areas"))
    assert "The lead champion is not an employer" in page
    listed = client.get(f"/api/v1/partnerships/{after['p'].id}/priority-areas", headers=bearer(after["viewer"])).json
    assert [w["code"] for w in listed[0]["warnings"]] == ["lead_not_employer"]
    assert "The lead champion is not an employer" in shown_text(client.get(f"/priority-areas/{area.id}/call"))


def test_a_bad_call_keeps_what_was_typed_and_changes_nothing(client, db, after, area):
    sign_in(client, after["chair"])  # a chair sees only the partnership's people
    before = snapshot()
    tomorrow = utcnow() + timedelta(days=1)
    cases = [({"starts_at": f"{tomorrow:%Y-%m-%dT%H:%M}", "person_id": after["karen"].id}, "once it was held"),
             ({"starts_at": "not a date", "person_id": after["karen"].id}, "Give the call's date and time"),
             ({"starts_at": "2026-01-01T10:00"}, "Tick who was on the call"),
             ({"starts_at": "2026-01-01T10:00", "person_id": after["hidden"].id}, "No such person"),
             ({"starts_at": "2026-01-01T10:00", "joined_id": "abc"}, "No such person")]
    for data, message in cases:
        response = client.post(f"/priority-areas/{area.id}/call", data={**data, "notes": "<i>kept</i>"})
        assert response.status_code == 400, data
        assert message in shown_text(response), data
        assert "&lt;i&gt;kept&lt;/i&gt;" in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_api_records_the_call_and_refuses_what_it_cannot_use(client, db, after, area, bearer):
    headers = bearer(after["chair"])
    when = utcnow() - timedelta(days=1)
    body = {"starts_at": f"{when:%Y-%m-%dT%H:%M:%SZ}", "present_ids": [after["karen"].id, after["robin"].id],
            "notes": "Pilot", "next_steps": "Draft by May"}
    done = client.put(f"/api/v1/priority-areas/{area.id}/champion-call", headers=headers, json=body)
    assert done.status_code == 200, done.json
    got = done.json
    assert (got["priority_area_id"], got["next_steps"], got["warnings"]) == (area.id, "Draft by May", [])
    assert _call_task(db, after, area).status == "done"
    tasks = client.get(f"/api/v1/partnerships/{after['p'].id}/tasks?priority_area_id={area.id}", headers=headers).json
    assert [(t["kind"], t["status"]) for t in tasks["items"]] == [("champion_call", "done")]
    viewer, outsider = bearer(after["viewer"]), bearer(after["outsider"])
    before = snapshot()
    for bad, field in (({**body, "present_ids": [after["hidden"].id]}, "present_ids"),
                       ({**body, "starts_at": f"{utcnow() + timedelta(days=2):%Y-%m-%dT%H:%M:%SZ}"}, "starts_at"),
                       ({**body, "present_ids": []}, "present_ids")):
        refused = client.put(f"/api/v1/priority-areas/{area.id}/champion-call", headers=headers, json=bad)
        assert refused.status_code == 400 and field in refused.json["error"]["fields"], refused.json
    assert client.put(f"/api/v1/priority-areas/{area.id}/champion-call", headers=viewer, json=body).status_code == 403
    assert client.put(f"/api/v1/priority-areas/{area.id}/champion-call", headers=outsider, json=body).status_code == 404
    assert snapshot() == before


def test_the_scheduler_gives_the_no_shows_their_reconnect_once_the_door_closes_and_only_once(app, db, after,
                                                                                           committed):
    p, nora = after["p"], after["nora"]
    # a launch whose door is still open: nobody is a no-show yet, so no reconnect step
    launch = outreach.create_meeting(p, utcnow() - timedelta(minutes=30), "launch")
    invite(launch, (nora, "accepted"))
    db.session.commit()

    def reconnects():
        return committed().scalars(select(Task.step_key).where(Task.meeting_id == launch.id,
                                                               Task.kind == "reconnect")).all()
    assert jobs.run("reconcile_closed_doors", app=app) == "reconciled 0 launches whose door closed"
    assert f"reconnect:{nora.id}" not in reconnects()
    # time passes (the row moves without a change the plan watches): the door is closed now
    db.session.execute(update(Meeting).where(Meeting.id == launch.id).values(starts_at=utcnow() - timedelta(hours=3)))
    db.session.commit()
    assert f"reconnect:{nora.id}" not in reconnects()
    assert jobs.run("reconcile_closed_doors", app=app) != "reconciled 0 launches whose door closed"
    assert f"reconnect:{nora.id}" in reconnects()
    assert jobs.run("reconcile_closed_doors", app=app) == "reconciled 0 launches whose door closed"
    assert reconnects().count(f"reconnect:{nora.id}") == 1


def test_the_calls_meeting_page_shows_its_notes_and_next_steps_escaped(client, db, after, area):
    sign_in(client, after["convener"])
    when = utcnow() - timedelta(hours=1)
    client.post(f"/priority-areas/{area.id}/call", data={"starts_at": f"{when:%Y-%m-%dT%H:%M}",
                                                         "person_id": after["karen"].id, "notes": "<script>x</script>",
                                                         "next_steps": "First step\n\nSecond step"})
    call = db.session.scalar(select(Meeting).where(Meeting.kind == "champion_call"))
    page = client.get(f"/meetings/{call.id}").get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<li>First step</li>" in page and "<li>Second step</li>" in page
    assert f"/priority-areas/{area.id}/call" in page


def test_the_openapi_document_names_the_after_launch_task_kinds_and_the_area_fields(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert {"champion_call", "second_meeting", "reconnect", "recruit_one_more", "send_summary"} <= set(
        schemas["TaskKind"]["enum"])
    assert "priority_area_id" in schemas["TaskOut"]["properties"]
    assert "priority_area_id" in schemas["MeetingDetailOut"]["properties"]
    assert {"not_employers_on_call", "lead_not_employer"} <= set(schemas["WarningCode"]["enum"])


def test_an_area_and_its_champion_added_in_one_transaction_get_their_call_at_commit(db, after):
    after["p"].priority_areas  # noqa: B018 (the partnership's list loaded before the area is added)
    area = priorities.create_area(after["p"], "One transaction")
    priorities.add_champion(area, after["karen"], lead=True)
    reconcile.reconcile_partnership(after["p"].id)
    db.session.commit()
    assert _call_task(db, after, area).owner_id == after["karen"].id
