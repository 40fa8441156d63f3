"""What the browser does for the plan, the API does: decisions (approve, not now, I'll ask,
assign), a member's role and stage with the version read (stale: 409), custom tasks; task
answers carry owner, person, kind, due, status and warnings; all in the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm.outreach.models import Task
from crm.timeutil import local, utcnow
from tests.web.test_outreach_plan import team  # noqa: F401  (the fixture)


def _url(world, rest):
    return f"/api/v1/partnerships/{world['p'].id}/{rest}"


def test_decisions_through_the_api_drive_the_asks(client, db, team, bearer):  # noqa: F811
    chair = bearer(team["users"]["chair"])
    first, second, third = team["leaders"][:3]
    mine = client.post(_url(team, "decisions"), json={"person_id": first.id, "decision": "i_will_ask"}, headers=chair)
    assert mine.status_code == 201, mine.json
    assert (mine.json["decision"], mine.json["asker_id"], mine.json["stage"]) == (
        "i_will_ask", team["chair"].id, "ask_assigned")
    assigned = client.post(_url(team, "decisions"), json={"person_id": second.id, "decision": "assign",
                                                          "asker_id": team["champion"].id}, headers=chair)
    assert assigned.status_code == 201 and assigned.json["asker_id"] == team["champion"].id
    no_reason = client.post(_url(team, "decisions"), json={"person_id": third.id, "decision": "not_now"},
                            headers=chair)
    assert no_reason.status_code == 400 and "reason" in no_reason.json["error"]["fields"]
    partner = client.post(_url(team, "decisions"), json={"person_id": third.id, "decision": "assign",
                                                         "asker_id": team["partner"].id}, headers=chair)
    assert partner.status_code == 400 and "employer-to-employer" in partner.json["error"]["message"]
    convener = bearer(team["users"]["convener"])
    launch = client.post(_url(team, "meetings"), json={"starts_at": (utcnow() + timedelta(days=45)).isoformat()},
                         headers=convener)
    assert launch.status_code == 201
    tasks = client.get(_url(team, "tasks"), headers=convener).json["items"]
    owners = {t["person_id"]: t["owner_id"] for t in tasks if t["kind"] == "ask"}
    assert owners == {first.id: team["chair"].id, second.id: team["champion"].id}
    ask = next(t for t in tasks if t["kind"] == "ask")
    assert {"owner_id", "person_id", "kind", "due", "status", "warnings"} <= set(ask)


def test_a_viewer_may_not_decide(client, db, team, bearer, make_user):  # noqa: F811
    viewer = make_user("view@example.org", "viewer", [team["p"]])
    refused = client.post(_url(team, "decisions"), json={"person_id": team["leaders"][0].id, "decision": "approve"},
                          headers=bearer(viewer))
    assert refused.status_code == 403


def test_members_patch_needs_the_version_read_and_refuses_a_stale_one(client, db, team, bearer):  # noqa: F811
    convener = bearer(team["users"]["convener"])
    leader = team["leaders"][0]
    [member] = [m for m in client.get(_url(team, "members"), headers=convener).json["items"]
                if m["person_id"] == leader.id]
    moved = client.patch(_url(team, f"members/{leader.id}"), json={"stage": "approved", "version": member["version"]},
                         headers=convener)
    assert moved.status_code == 200 and moved.json["stage"] == "approved"
    stale = client.patch(_url(team, f"members/{leader.id}"), json={"role": "champion", "version": member["version"]},
                         headers=convener)
    assert stale.status_code == 409
    not_now = client.patch(_url(team, f"members/{leader.id}"),
                           json={"stage": "not_now", "version": moved.json["version"]}, headers=convener)
    assert not_now.status_code == 400 and "reason" in not_now.json["error"]["fields"]
    later = client.patch(_url(team, f"members/{leader.id}"),
                         json={"stage": "not_now", "reason": "Busy", "revisit_on": "2027-06-01",
                               "version": moved.json["version"]}, headers=convener)
    assert later.status_code == 200 and later.json["revisit_on"] == "2027-06-01"
    assert client.patch(_url(team, "members/999999"), json={"version": 1}, headers=convener).status_code == 404


def test_custom_tasks_through_the_api(client, db, team, bearer):  # noqa: F811
    chair = bearer(team["users"]["chair"])
    due = (local(utcnow(), "UTC").date() + timedelta(days=2)).isoformat()
    made = client.post(_url(team, "tasks"), json={"kind": "custom", "title": "Call the mayor's office",
                                                  "person_id": team["leaders"][0].id,
                                                  "owner_id": team["champion"].id, "due": due}, headers=chair)
    assert made.status_code == 201, made.json
    assert (made.json["kind"], made.json["owner_id"], made.json["person_id"], made.json["due"], made.json["status"],
            made.json["warnings"]) == ("custom", team["champion"].id, team["leaders"][0].id, due, "open", [])
    assert db.session.get(Task, made.json["id"]).title == "Call the mayor's office"
    for bad in ({"title": ""}, {"owner_id": 999999}, {"kind": "ask"}):
        body = {"kind": "custom", "title": "x", "owner_id": team["champion"].id, "due": due, **bad}
        assert client.post(_url(team, "tasks"), json=body, headers=chair).status_code == 400
    assert len(db.session.scalars(select(Task).where(Task.kind == "custom")).all()) == 1


def test_the_openapi_document_names_the_new_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/partnerships/{partnership_id}/decisions"]
    assert "patch" in paths["/partnerships/{partnership_id}/members/{person_id}"]
    assert "post" in paths["/partnerships/{partnership_id}/tasks"]
