"""Editing a commitment after it is made (its owner, text, due day, early win and kind), on the
page and through `PATCH /api/v1/commitments/{id}`, with its version checked (a stale save
answers 409: on the page, what was typed comes back in the form over the version saved now);
progress notes through the API; an early win without a kind is a prototype, page and API alike."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm.launch import plans
from crm.launch.models import Commitment, ProgressNote
from tests.helpers import shown_text
from tests.web.test_action_plans import LAUNCH, plan_world  # noqa: F401  (the fixture)
from tests.web.world import sign_in, snapshot


def _commitment(world, **kw):
    c, _ = plans.add_commitment(world["area"], world["karen"], kw.pop("text", "Draft the curriculum"),
                                kw.pop("due", LAUNCH + timedelta(days=30)), **kw)
    return c


def _form(world, c, **kw):
    return {"owner_id": world["dean"].id, "text": "Draft the curriculum with the college",
            "due": (LAUNCH + timedelta(days=61)).isoformat(), "early_win": "yes", "early_win_kind": "activity",
            "version": c.version, **kw}


# --- the page -----------------------------------------------------------------------------

def test_a_chair_edits_a_commitment_and_the_late_early_win_is_said(client, db, plan_world):  # noqa: F811
    c = _commitment(plan_world)
    db.session.commit()
    sign_in(client, plan_world["chair"])
    page = client.get(f"/priority-areas/{plan_world['area'].id}/plan").get_data(as_text=True)
    assert f'action="/commitments/{c.id}/edit"' in page and 'value="Draft the curriculum"' in page
    response = client.post(f"/commitments/{c.id}/edit", data=_form(plan_world, c), follow_redirects=True)
    assert response.status_code == 200
    said = shown_text(response)
    assert "61 days after the launch" in said and "An activity" in said
    c = db.session.get(Commitment, c.id)
    assert (c.owner_id, c.text, c.due, c.early_win, c.early_win_kind, c.version) == (
        plan_world["dean"].id, "Draft the curriculum with the college", LAUNCH + timedelta(days=61), True,
        "activity", 2)
    assert c.owner.name == "Dean Okafor" and c.status == "open"
    # unticking the early win clears its kind
    client.post(f"/commitments/{c.id}/edit", data=_form(plan_world, c, early_win=""))
    c = db.session.get(Commitment, c.id)
    assert (c.early_win, c.early_win_kind) == (False, None)


def test_a_bad_edit_says_why_keeps_what_was_typed_and_changes_nothing(client, db, plan_world):  # noqa: F811
    c = _commitment(plan_world)
    db.session.commit()
    sign_in(client, plan_world["chair"])  # a chair does not see the other partnership's people
    before = snapshot()
    for bad, message in (({"owner_id": ""}, "Choose who delivers it."),
                         ({"owner_id": plan_world["hidden"].id}, "Choose who delivers it."),
                         ({"owner_id": 10**9}, "Choose who delivers it."),
                         ({"due": "01/04/2026"}, "YYYY-MM-DD"), ({"due": ""}, "Say by when"),
                         ({"text": "  "}, "Write the commitment.")):
        response = client.post(f"/commitments/{c.id}/edit", data=_form(plan_world, c, **bad))
        assert response.status_code == 400, bad
        assert message in shown_text(response)
        html = response.get_data(as_text=True)
        if bad.get("text") is None:
            assert 'value="Draft the curriculum with the college"' in html, bad
        assert f'id="edit-{c.id}" open' in html
    assert snapshot() == before


def test_a_stale_edit_answers_409_with_what_was_typed_over_the_version_saved_now(client, db, plan_world):  # noqa: F811
    c = _commitment(plan_world)
    db.session.commit()
    sign_in(client, plan_world["chair"])
    stale = _form(plan_world, c, text="My careful rewording")
    assert client.post(f"/commitments/{c.id}/status", data={"status": "done", "version": c.version}).status_code == 303
    before = snapshot()
    response = client.post(f"/commitments/{c.id}/edit", data=stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone changed this since you read it" in shown_text(response)
    edit = html.split(f'id="edit-{c.id}"')[1].split("</details>")[0]
    assert 'value="My careful rewording"' in edit and 'name="version" value="2"' in edit
    assert snapshot() == before
    again = {**stale, "version": 2}
    assert client.post(f"/commitments/{c.id}/edit", data=again).status_code == 303
    c = db.session.get(Commitment, c.id)
    assert c.text == "My careful rewording" and c.status == "done"


def test_editing_is_refused_to_viewers_and_other_partnerships(client, db, plan_world):  # noqa: F811
    c = _commitment(plan_world)
    db.session.commit()
    before = snapshot()
    sign_in(client, plan_world["viewer"])
    assert client.post(f"/commitments/{c.id}/edit", data=_form(plan_world, c)).status_code == 403
    assert "Save changes" not in client.get(f"/priority-areas/{plan_world['area'].id}/plan").get_data(as_text=True)
    sign_in(client, plan_world["outsider"])
    assert client.post(f"/commitments/{c.id}/edit", data=_form(plan_world, c)).status_code == 404
    assert client.post("/commitments/999999/edit", data=_form(plan_world, c)).status_code == 404
    assert snapshot() == before


def test_an_early_win_without_a_kind_is_a_prototype_on_the_page_and_in_the_api(client, db, plan_world, bearer):  # noqa: F811
    area = plan_world["area"]
    sign_in(client, plan_world["convener"])
    client.post(f"/priority-areas/{area.id}/commitments", data={
        "owner_id": plan_world["karen"].id, "text": "Page win", "due": LAUNCH.isoformat(), "early_win": "yes"})
    response = client.post(f"/api/v1/priority-areas/{area.id}/commitments", headers=bearer(plan_world["convener"]),
                           json={"owner_id": plan_world["karen"].id, "text": "API win", "due": LAUNCH.isoformat(),
                                 "early_win": True})
    assert response.status_code == 201 and response.json["early_win_kind"] == "prototype"
    kinds = dict(db.session.execute(select(Commitment.text, Commitment.early_win_kind)).all())
    assert kinds == {"Page win": "prototype", "API win": "prototype"}


# --- the API ------------------------------------------------------------------------------

def test_patch_edits_the_fields_and_returns_the_warnings_of_the_result(client, db, plan_world, bearer):  # noqa: F811
    c = _commitment(plan_world)
    db.session.commit()
    headers, url = bearer(plan_world["chair"]), f"/api/v1/commitments/{c.id}"
    response = client.patch(url, headers=headers, json={
        "text": "  Prototype   a shared apprenticeship ", "due": (LAUNCH + timedelta(days=61)).isoformat(),
        "owner_id": plan_world["dean"].id, "early_win": True, "version": 1})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["text"] == "Prototype a shared apprenticeship" and body["owner_id"] == plan_world["dean"].id
    assert body["owner_side"] == "community" and body["early_win_kind"] == "prototype" and body["version"] == 2
    assert [w["code"] for w in body["warnings"]] == ["early_win_late"]
    # fields left out keep their value; status and a field together
    response = client.patch(url, headers=headers, json={"due": LAUNCH.isoformat(), "status": "done", "version": 2})
    body = response.json
    assert response.status_code == 200 and body["warnings"] == [] and body["status"] == "done"
    assert body["version"] == 3 and body["done_at"]  # one save, one new version
    assert body["text"] == "Prototype a shared apprenticeship" and body["early_win_kind"] == "prototype"
    response = client.patch(url, headers=headers, json={"early_win": False, "version": body["version"]})
    assert response.json["early_win_kind"] is None and response.json["early_win"] is False


def test_patch_refuses_bad_stale_and_invisible_input_and_changes_nothing(client, db, plan_world, bearer):  # noqa: F811
    c = _commitment(plan_world)
    db.session.commit()
    headers, url = bearer(plan_world["chair"]), f"/api/v1/commitments/{c.id}"
    viewer, outsider = bearer(plan_world["viewer"]), bearer(plan_world["outsider"])
    for h in (headers, viewer, outsider):  # each token's first use is recorded before the snapshot
        client.get(f"/api/v1/priority-areas/{plan_world['area'].id}/commitments", headers=h)
    before = snapshot()
    for bad, field in (({"text": ""}, "text"), ({"text": None}, "text"), ({"due": "2026-13-01"}, "due"),
                       ({"due": None}, "due"), ({"owner_id": "5"}, "owner_id"), ({"early_win": "yes"}, "early_win"),
                       ({"early_win_kind": "party"}, "early_win_kind"),
                       ({"early_win_kind": "activity"}, "early_win_kind"),
                       ({"status": None}, "status"), ({}, "body"), ({"colour": "red"}, "colour")):
        response = client.patch(url, headers=headers, json={**bad, "version": 1})
        assert response.status_code == 400, bad
        assert field in response.json["error"]["fields"], (bad, response.json)
    missing = client.patch(url, headers=headers, json={"owner_id": 10**9, "version": 1})
    hidden = client.patch(url, headers=headers, json={"owner_id": plan_world["hidden"].id, "version": 1})
    assert missing.status_code == hidden.status_code == 400 and missing.json == hidden.json
    response = client.patch(url, headers=headers, json={"text": "Lost", "version": 7})
    assert response.status_code == 409 and response.json["error"]["fields"] == {"version": ["now 1"]}
    assert client.patch(url, headers=viewer, json={"text": "x", "version": 1}).status_code == 403
    assert client.patch(url, headers=outsider, json={"text": "x", "version": 1}).status_code == 404
    assert snapshot() == before


def test_progress_notes_through_the_api(client, db, plan_world, bearer):  # noqa: F811
    area, other_area = plan_world["area"], plan_world["other_area"]
    c = _commitment(plan_world)
    elsewhere, _ = plans.add_commitment(other_area, plan_world["hidden"], "Hidden promise", LAUNCH)
    db.session.commit()
    headers, url = bearer(plan_world["convener"]), f"/api/v1/priority-areas/{area.id}/progress"
    response = client.post(url, headers=headers, json={"text": "Met the college", "noted_on": "2026-03-10"})
    assert response.status_code == 201 and response.json["commitment_id"] is None
    response = client.post(url, headers=headers, json={"text": "First draft out", "commitment_id": c.id})
    assert response.status_code == 201 and response.json["commitment_id"] == c.id and response.json["noted_on"]
    viewer, outsider = bearer(plan_world["viewer"]), bearer(plan_world["outsider"])
    listed = client.get(url, headers=viewer).json
    assert [(n["text"], n["commitment_id"]) for n in listed] == [  # newest first
        ("First draft out", c.id), ("Met the college", None)]
    assert client.get(url, headers=outsider).status_code == 404
    before = snapshot()
    for bad, field in (({"text": ""}, "text"), ({"text": "x", "noted_on": "10/03/2026"}, "noted_on"),
                       ({"text": "x", "commitment_id": "1"}, "commitment_id"), ({"text": "x", "extra": 1}, "extra"),
                       ({"text": "x", "commitment_id": elsewhere.id}, "commitment_id"),
                       ({"text": "x", "commitment_id": 10**9}, "commitment_id")):
        response = client.post(url, headers=headers, json=bad)
        assert response.status_code == 400, bad
        assert field in response.json["error"]["fields"], (bad, response.json)
    assert client.post(url, headers=viewer, json={"text": "x"}).status_code == 403
    assert client.post(url, headers=outsider, json={"text": "x"}).status_code == 404
    assert snapshot() == before
    assert db.session.scalar(select(ProgressNote.author_id).where(ProgressNote.text == "Met the college")) \
        == plan_world["convener"].id
