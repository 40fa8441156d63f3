"""The health page and its API (issue 15 items 1 and 6): each red flag and green light with its
state in a word, its figure, its sentence and links to the cause; the convener's grant game and
turf trap notes recorded, refused when bad and cleared; people outside the partnership are
never named to someone who may not see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.contacts import services as contacts
from crm.health.models import HealthNote
from crm.launch import plans
from crm.outreach import services as outreach
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, PriorityNote
from crm.timeutil import utcnow
from tests.helpers import shown_text
from tests.web.test_query_counts import counting
from tests.web.world import sign_in, snapshot


@pytest.fixture
def region(db, make_partnership, make_org, make_person, add_member, make_user):
    """Community partners and the convener own most of the partnership's open work."""
    p = make_partnership("Region Health", timezone="UTC")
    other = make_partnership("Elsewhere Health", timezone="UTC")
    employer, college = make_org("Prescott Precision"), make_org("Region X College", kind="community_college")
    karen = make_person("Karen Alvarez", org=employer)
    dean = make_person("Dean Ortiz", org=college)
    outsider = make_person("Olive Outside", org=college)  # owns a task, is no member
    add_member(p, karen, "chair", "champion")
    add_member(p, dean, "community_partner", "accepted")
    due = (utcnow() + timedelta(days=20)).date()
    for i in range(4):
        outreach.create_task(p, "custom", due, owner_id=dean.id, title=f"College course {i}")
    outreach.create_task(p, "custom", due, owner_id=outsider.id, title="Outside grant")
    outreach.create_task(p, "custom", due, owner_id=karen.id, title="Host a plant tour")
    outreach.create_task(p, "ask", due, owner_id=dean.id)  # outreach staff work: not counted
    db.session.commit()
    return dict(p=p, other=other, karen=karen, dean=dean, outsider=outsider,
                convener=make_user("h.convener@example.org", "convener", partnerships=[p]),
                viewer=make_user("h.viewer@example.org", "viewer", partnerships=[p]),
                chair=make_user("h.chair@example.org", "chair", partnerships=[p], person=karen),
                stranger=make_user("h.stranger@example.org", "convener", partnerships=[other]))


def _signal(payload, code):
    return next(s for s in payload["signals"] + payload["green_lights"] if s["code"] == code)


def test_the_health_page_names_the_red_flag_its_figure_why_and_links_to_the_cause(client, region):
    sign_in(client, region["convener"])
    p = region["p"]
    assert f"/partnerships/{p.id}/health" in client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    response = client.get(f"/partnerships/{p.id}/health")
    page = shown_text(response)
    assert response.status_code == 200
    assert "Supply-side substitution" in page and "Red flag" in page
    assert "5 of 6 open (83%) owned by community partners and conveners" in page
    assert "Most of the open commitments and tasks are owned by community partners" in page
    html = response.get_data(as_text=True)
    assert f'href="/people/{region["dean"].id}"' in html and f"/partnerships/{p.id}/outreach" in html
    assert "Not enough data" in page  # e.g. the slippery slope, with what is missing
    assert "It takes attendance at three partnership meetings" in page
    due = (utcnow() + timedelta(days=20)).date()  # the tasks' due day, as the task lists write it
    assert f"College course 0, due {due:%a %d %b %Y}" in page and due.isoformat() not in page


def test_api_health_has_every_code_with_a_state_and_matches_the_page(client, bearer, region):
    payload = client.get(f"/api/v1/partnerships/{region['p'].id}/health", headers=bearer(region["convener"])).json
    assert [s["code"] for s in payload["signals"]] == [
        "keystone_conundrum", "supply_side_substitution", "slippery_slope", "narrowing_niche",
        "ambiguity_anchor", "done_deal", "grant_game", "turf_trap"]
    supply = _signal(payload, "supply_side_substitution")
    assert supply["state"] == "red" and supply["figure"].startswith("5 of 6 open")
    assert {i["type"] for i in supply["items"]} == {"task"} and len(supply["items"]) == 5
    assert set(supply["people"]) == {region["dean"].id, region["outsider"].id}
    assert all(s["state"] in ("green", "amber", "red", "unknown") for s in payload["signals"] + payload["green_lights"])


def test_someone_who_may_not_see_a_person_outside_the_partnership_is_not_shown_them(client, bearer, region):
    payload = client.get(f"/api/v1/partnerships/{region['p'].id}/health", headers=bearer(region["viewer"])).json
    supply = _signal(payload, "supply_side_substitution")
    assert region["outsider"].id not in supply["people"]
    # the viewer cannot see whose the outsider's task is, so it counts as having no known owner
    assert supply["figure"].startswith("4 of 5 open")
    sign_in(client, region["viewer"])
    assert "Olive Outside" not in shown_text(client.get(f"/partnerships/{region['p'].id}/health"))


def test_other_partnerships_health_answers_404(client, bearer, region):
    assert client.get(f"/api/v1/partnerships/{region['p'].id}/health",
                      headers=bearer(region["stranger"])).status_code == 404
    sign_in(client, region["stranger"])
    assert client.get(f"/partnerships/{region['p'].id}/health").status_code == 404


def test_the_convener_records_a_turf_trap_in_the_browser_and_clears_it(client, db, region):
    sign_in(client, region["convener"])
    p = region["p"]
    today = utcnow().date()
    response = client.post(f"/partnerships/{p.id}/health/notes", data={
        "code": "turf_trap", "noted_on": (today - timedelta(days=3)).isoformat(),
        "text": "The college wants the training agenda <b>without</b> an MOU"})
    assert response.status_code == 303
    page = client.get(f"/partnerships/{p.id}/health")
    text = shown_text(page)
    assert "The college wants the training agenda <b>without</b> an MOU" in text  # shown as typed, escaped
    assert "<b>without</b>" not in page.get_data(as_text=True)
    note = db.session.scalar(select(HealthNote).where(HealthNote.partnership_id == p.id))
    assert client.post(f"/health-notes/{note.id}/clear", data={}).status_code == 303
    assert db.session.get(HealthNote, note.id).cleared_on == today
    assert "cleared" in shown_text(client.get(f"/partnerships/{p.id}/health"))


@pytest.mark.parametrize(("form", "message"), [
    ({"code": "turf_trap", "text": "  "}, "Say what you saw"),
    ({"code": "turf_trap", "text": "x", "noted_on": "2999-01-01"}, "Choose a date between"),
    ({"code": "turf_trap", "text": "x", "noted_on": "yesterday"}, "YYYY-MM-DD"),
    ({"code": "weather", "text": "x"}, "Choose grant game or turf trap"),
])
def test_a_bad_note_is_refused_with_a_message_and_nothing_saved(client, region, form, message):
    sign_in(client, region["convener"])
    before = snapshot()
    response = client.post(f"/partnerships/{region['p'].id}/health/notes", data=form)
    assert response.status_code == 400 and message in shown_text(response)
    assert snapshot() == before


def test_a_note_dated_tomorrow_is_refused(client, region):
    sign_in(client, region["convener"])
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    response = client.post(f"/partnerships/{region['p'].id}/health/notes",
                           data={"code": "grant_game", "text": "x", "noted_on": tomorrow})
    assert response.status_code == 400 and "cannot be in the future" in shown_text(response)


def test_api_records_lists_and_clears_a_grant_game(client, db, bearer, region):
    headers = bearer(region["convener"])
    url = f"/api/v1/partnerships/{region['p'].id}/health-notes"
    today = utcnow().date()
    created = client.post(url, json={"code": "grant_game", "text": "Chasing the state grant"}, headers=headers)
    assert created.status_code == 201 and created.json["noted_on"] == today.isoformat()
    assert created.json["cleared_on"] is None
    health = client.get(f"/api/v1/partnerships/{region['p'].id}/health", headers=headers).json
    grant = _signal(health, "grant_game")
    assert grant["state"] == "red" and grant["items"] == [{"type": "health_note", "id": created.json["id"]}]
    assert [n["id"] for n in client.get(url, headers=headers).json] == [created.json["id"]]
    cleared = client.patch(f"/api/v1/health-notes/{created.json['id']}", json={"cleared_on": today.isoformat()},
                           headers=headers)
    assert cleared.status_code == 200 and cleared.json["cleared_on"] == today.isoformat()
    health = client.get(f"/api/v1/partnerships/{region['p'].id}/health", headers=headers).json
    assert _signal(health, "grant_game")["state"] == "green"


@pytest.mark.parametrize("body", [
    {"code": "grant_game", "text": "x", "extra": 1},
    {"code": "grant_game", "text": ""},
    {"code": "grant_game", "text": "x", "noted_on": 20260101},
    {"code": "grant_game", "text": "x", "noted_on": "01/01/2026"},
    {"code": "grant game", "text": "x"},
    {"code": "grant_game", "text": "x" * 2001},
])
def test_api_notes_take_strict_input(client, db, bearer, region, body):
    response = client.post(f"/api/v1/partnerships/{region['p'].id}/health-notes", json=body,
                           headers=bearer(region["convener"]))
    assert response.status_code == 400 and response.json["error"]["fields"]
    assert db.session.scalar(select(func.count(HealthNote.id))) == 0


def test_api_notes_are_for_the_partnerships_conveners_only(client, db, bearer, region):
    url = f"/api/v1/partnerships/{region['p'].id}/health-notes"
    body = {"code": "turf_trap", "text": "x"}
    assert client.post(url, json=body, headers=bearer(region["chair"])).status_code == 403
    assert client.post(url, json=body, headers=bearer(region["viewer"])).status_code == 403
    assert client.post(url, json=body, headers=bearer(region["stranger"])).status_code == 404
    note_id = client.post(url, json=body, headers=bearer(region["convener"])).json["id"]
    clear = {"cleared_on": utcnow().date().isoformat()}
    assert client.patch(f"/api/v1/health-notes/{note_id}", json=clear,
                        headers=bearer(region["chair"])).status_code == 403
    assert client.patch(f"/api/v1/health-notes/{note_id}", json=clear,
                        headers=bearer(region["stranger"])).status_code == 404
    early = {"cleared_on": (utcnow() - timedelta(days=30)).date().isoformat()}
    refused = client.patch(f"/api/v1/health-notes/{note_id}", json=early, headers=bearer(region["convener"]))
    assert refused.status_code == 400 and "before it was recorded" in refused.json["error"]["message"]


def test_action_plans_feed_the_ambiguity_anchor_and_the_employers_delivered_commitments(client, db, bearer, region):
    p = region["p"]
    area = partnerships.add_priority_area(p, "Talent pipeline", [region["karen"].id], lead_id=region["karen"].id)
    area.created_at = utcnow() - timedelta(days=40)  # past the grace days: judged
    db.session.commit()
    headers = bearer(region["convener"])
    health = client.get(f"/api/v1/partnerships/{p.id}/health", headers=headers).json
    anchor = _signal(health, "ambiguity_anchor")
    assert anchor["state"] == "red" and anchor["items"] == [{"type": "priority_area", "id": area.id}]
    plans.save_plan(area, {}, ["20 apprentices placed by June"], [])
    win, _warnings = plans.add_commitment(area, region["karen"], "Open the plant for a tour",
                                          (utcnow() - timedelta(days=2)).date(), early_win=True)
    plans.set_status(win, "done")
    db.session.commit()
    health = client.get(f"/api/v1/partnerships/{p.id}/health", headers=headers).json
    assert _signal(health, "ambiguity_anchor")["state"] == "green"
    delivered = _signal(health, "culture_of_commitment")
    assert delivered["state"] == "green" and delivered["items"] == [{"type": "commitment", "id": win.id}]
    assert delivered["people"] == [region["karen"].id]


def _grow(db, region, n: int) -> None:
    """n more of everything the health page reads: areas with champions and notes, tasks,
    commitments with an early win, meetings with attendance, referrals."""
    p, karen, dean = region["p"], region["karen"], region["dean"]
    for i in range(n):
        person = partnerships.add_member(p, region["make_person"](f"Grown {n}-{i}").id, "member", "attended")
        area = partnerships.add_priority_area(p, f"Area {n}-{i}", [karen.id, person.person_id], lead_id=karen.id)
        db.session.flush()
        db.session.add(PriorityNote(partnership_id=p.id, priority_area_id=area.id, kind="opportunity",
                                    text=f"Opportunity {i}"))
        plans.save_plan(area, {}, [f"Outcome {i}"], [])
        plans.add_commitment(area, dean, f"Deliver {i}", (utcnow() + timedelta(days=5)).date(), early_win=True)
        outreach.create_task(p, "custom", (utcnow() + timedelta(days=9)).date(), owner_id=karen.id, title=f"T{i}")
        meeting = outreach.create_meeting(p, utcnow() - timedelta(days=3 + i), "other", title=f"M{n}-{i}")
        meeting.invitations = [Invitation(person_id=karen.id, attended=True),
                               Invitation(person_id=dean.id, attended=True)]
        contacts.add_tie("referred", karen.id, person.person_id, partnership_id=p.id)
    db.session.commit()


@pytest.mark.slow  # seeds and counts twice
def test_the_health_page_runs_the_same_number_of_queries_whatever_the_rows(client, db, region, make_person):
    region["make_person"] = make_person
    sign_in(client, region["convener"])
    url = f"/partnerships/{region['p'].id}/health"
    counts = []
    for n in (2, 8):
        _grow(db, region, n)
        assert client.get(url).status_code == 200  # the network's cache catches up here
        with counting(db) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] < 30, f"queries grew with rows: {counts}"
