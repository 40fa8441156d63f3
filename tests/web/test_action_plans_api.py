"""The action plans' API (issue 14 item 6): a priority area's commitments listed and added (an
early win due more than 60 days after the launch is saved with its `early_win_late` warning),
PATCH of a commitment's status with its version (409 when stale), the area's plan read and
written whole; strict input; other partnerships' areas, commitments and people refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from crm.launch import plans, priorities
from crm.launch.models import ActionPlan, Commitment
from tests.web.test_action_plans import LAUNCH, plan_world  # noqa: F401  (the fixture)
from tests.web.world import snapshot


def test_commitments_are_added_with_their_warnings_and_listed(client, db, plan_world, bearer):  # noqa: F811
    area, headers = plan_world["area"], bearer(plan_world["convener"])
    url = f"/api/v1/priority-areas/{area.id}/commitments"
    response = client.post(url, headers=headers, json={
        "owner_id": plan_world["karen"].id, "text": "Prototype a shared apprenticeship",
        "due": (LAUNCH + timedelta(days=60)).isoformat(), "early_win": True, "early_win_kind": "prototype"})
    assert response.status_code == 201, response.json
    assert response.json["warnings"] == [] and response.json["owner_side"] == "employer"
    response = client.post(url, headers=headers, json={
        "owner_id": plan_world["dean"].id, "text": "Pilot a summer camp",
        "due": (LAUNCH + timedelta(days=61)).isoformat(), "early_win": True})
    assert response.status_code == 201
    body = response.json
    assert [w["code"] for w in body["warnings"]] == ["early_win_late"] and "61 days" in body["warnings"][0]["message"]
    assert body["owner_side"] == "community" and body["status"] == "open" and body["version"] == 1
    listed = client.get(url, headers=bearer(plan_world["viewer"])).json
    assert [c["text"] for c in listed] == ["Prototype a shared apprenticeship", "Pilot a summer camp"]
    assert listed[1]["warnings"][0]["code"] == "early_win_late"


def test_patch_with_the_version_read_and_409_when_stale(client, db, plan_world, bearer):  # noqa: F811
    c, _ = plans.add_commitment(plan_world["area"], plan_world["karen"], "Draft the curriculum", LAUNCH)
    db.session.commit()
    headers = bearer(plan_world["chair"])
    response = client.patch(f"/api/v1/commitments/{c.id}", headers=headers, json={"status": "done", "version": 1})
    assert response.status_code == 200 and response.json["status"] == "done" and response.json["done_at"]
    assert response.json["version"] == 2
    response = client.patch(f"/api/v1/commitments/{c.id}", headers=headers, json={"status": "dropped", "version": 1})
    assert response.status_code == 409 and response.json["error"]["fields"] == {"version": ["now 2"]}
    assert db.session.get(Commitment, c.id).status == "done"
    for body in ({"status": "finished", "version": 2}, {"status": "done"}, {"status": "done", "version": "2"},
                 {"status": "done", "version": 2, "extra": 1}):
        assert client.patch(f"/api/v1/commitments/{c.id}", headers=headers, json=body).status_code == 400, body
    response = client.patch(f"/api/v1/commitments/{c.id}", headers=bearer(plan_world["viewer"]),
                            json={"status": "open", "version": 2})
    assert response.status_code == 403


def test_strict_input_is_refused_with_field_messages_and_nothing_saved(client, db, plan_world, bearer):  # noqa: F811
    area, headers = plan_world["area"], bearer(plan_world["convener"])
    url = f"/api/v1/priority-areas/{area.id}/commitments"
    client.get(url, headers=headers)  # the token's first use is recorded before the snapshot
    good = {"owner_id": plan_world["karen"].id, "text": "x", "due": "2026-04-01"}
    before = snapshot()
    for bad, field in (({"due": "2026-04-01T00:00:00Z"}, "due"), ({"due": "1999-01-01"}, "due"),
                       ({"early_win": "yes"}, "early_win"), ({"owner_id": "5"}, "owner_id"),
                       ({"text": ""}, "text"), ({"early_win_kind": "party", "early_win": True}, "early_win_kind"),
                       ({"owner_id": plan_world["hidden"].id + 10**6}, "owner_id")):
        response = client.post(url, headers=headers, json={**good, **bad})
        assert response.status_code == 400, bad
        assert field in response.json["error"]["fields"], (bad, response.json)
    response = client.post(url, headers=headers, json={**good, "early_win_kind": "activity"})
    assert response.status_code == 400 and "early_win_kind" in response.json["error"]["fields"]
    assert snapshot() == before


def test_a_chair_cannot_name_a_person_of_another_partnership_and_outsiders_get_404(
        client, db, plan_world, bearer):  # noqa: F811
    area = plan_world["area"]
    c, _ = plans.add_commitment(area, plan_world["karen"], "Draft the curriculum", LAUNCH)
    db.session.commit()
    chair, outsider = bearer(plan_world["chair"]), bearer(plan_world["outsider"])
    before = snapshot()
    url = f"/api/v1/priority-areas/{area.id}/commitments"
    missing = client.post(url, headers=chair, json={"owner_id": 10**9, "text": "x", "due": "2026-04-01"})
    hidden = client.post(url, headers=chair,
                         json={"owner_id": plan_world["hidden"].id, "text": "x", "due": "2026-04-01"})
    assert hidden.status_code == missing.status_code == 400 and hidden.json == missing.json
    assert client.get(url, headers=outsider).status_code == 404
    assert client.get(f"/api/v1/priority-areas/{area.id}/action-plan", headers=outsider).status_code == 404
    assert client.patch(f"/api/v1/commitments/{c.id}", headers=outsider,
                        json={"status": "done", "version": 1}).status_code == 404
    assert client.put(f"/api/v1/priority-areas/{area.id}/action-plan", headers=outsider, json={}).status_code == 404
    assert snapshot() == before


def test_the_plan_is_read_empty_written_whole_and_refused_when_stale(client, db, plan_world, bearer):  # noqa: F811
    area, headers = plan_world["area"], bearer(plan_world["convener"])
    url = f"/api/v1/priority-areas/{area.id}/action-plan"
    empty = client.get(url, headers=headers).json
    assert empty["version"] is None and empty["outcomes"] == [] and empty["early_win_deadline"] == "2026-05-01"
    assert [w["code"] for w in empty["warnings"]] == ["no_early_win"]
    response = client.put(url, headers=headers, json={"goal_3_months": "Ten apprentices",
                                                      "outcomes": ["20 placed", " ", "20 placed"], "actions": ["Ask"]})
    assert response.status_code == 200 and response.json["outcomes"] == ["20 placed"]
    assert response.json["version"] == 1
    response = client.put(url, headers=headers, json={"goal_3_years": "A pipeline", "version": 1})
    assert response.status_code == 200 and response.json["goal_3_months"] is None
    assert response.json["goal_3_years"] == "A pipeline" and response.json["version"] == 2
    response = client.put(url, headers=headers, json={"goal_3_years": "Lost", "version": 1})
    assert response.status_code == 409
    assert client.put(url, headers=headers, json={"outcomes": "one"}).status_code == 400
    assert client.put(url, headers=bearer(plan_world["viewer"]), json={}).status_code == 403
    assert db.session.scalar(select(func.count(ActionPlan.id))) == 1
    assert db.session.scalar(select(ActionPlan.goal_3_years)) == "A pipeline"


def test_the_plan_of_an_area_nobody_champions_asks_no_early_win(client, db, plan_world, bearer):  # noqa: F811
    quiet = priorities.create_area(plan_world["p"], "Building-materials hub")
    db.session.commit()
    got = client.get(f"/api/v1/priority-areas/{quiet.id}/action-plan", headers=bearer(plan_world["viewer"])).json
    assert got["warnings"] == []
