"""Offboarding through the API (/api/v1/users..., administrators only) and the CLI (`crm user
disable/enable/reset-link`): the same operations and rules as the Users pages
(tests/web/test_user_admin.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.accounts.models import PasswordReset, User, token_digest
from crm.audit.models import AuditEntry
from crm.outreach.models import OutboxMessage
from tests.helpers import PASSWORD, text_of

NEW_PASSWORD = "a fresh long password"


@pytest.fixture
def admin_api(make_user, bearer):
    admin = make_user("admin@example.org", role="admin")
    return admin, bearer(admin)


def _actions(db, user_id):
    return [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == user_id)
        .order_by(AuditEntry.id))]


def test_users_api_is_for_administrators_only(client, db, make_user, bearer, admin_api):
    user = make_user("c@example.org", role="convener")
    headers = bearer(user)
    for method, url, body in [("GET", "/api/v1/users", None), ("GET", f"/api/v1/users/{user.id}", None),
                              ("PATCH", f"/api/v1/users/{user.id}", {"role": "admin"}),
                              ("POST", f"/api/v1/users/{admin_api[0].id}/disable", None),
                              ("POST", f"/api/v1/users/{user.id}/enable", None),
                              ("POST", f"/api/v1/users/{user.id}/reset-link", {})]:
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 403, (method, url, response.status_code)
    assert db.session.get(User, user.id).role == "convener"
    assert db.session.get(User, admin_api[0].id).active
    assert not db.session.scalars(select(PasswordReset)).all()


def test_list_and_read_users_without_any_secret(client, db, make_user, admin_api):
    user = make_user("c@example.org", role="viewer")
    listed = client.get("/api/v1/users", headers=admin_api[1]).json
    assert [u["email"] for u in listed["items"]] == ["admin@example.org", "c@example.org"]
    one = client.get(f"/api/v1/users/{user.id}", headers=admin_api[1])
    assert one.json["role"] == "viewer" and one.json["active"] is True
    body = one.get_data(as_text=True)
    assert user.password_hash not in body and user.session_token not in body
    assert client.get("/api/v1/users/999999", headers=admin_api[1]).status_code == 404


def test_patch_changes_role_partnerships_and_person(client, db, make_user, make_partnership, make_person,
                                                    admin_api):
    a, b = make_partnership("Alpha"), make_partnership("Beta")
    person = make_person("Chair Person")
    user = make_user("c@example.org", role="viewer", partnerships=[a])
    response = client.patch(f"/api/v1/users/{user.id}", headers=admin_api[1],
                            json={"role": "chair", "partnership_ids": [b.id], "person_id": person.id})
    assert response.status_code == 200, response.json
    assert (response.json["role"], response.json["partnership_ids"], response.json["person_id"]) == (
        "chair", [b.id], person.id)
    only_name = client.patch(f"/api/v1/users/{user.id}", headers=admin_api[1], json={"name": "Cee"})
    assert only_name.json["role"] == "chair" and only_name.json["partnership_ids"] == [b.id]
    assert "partnerships" in _actions(db, user.id)


@pytest.mark.parametrize("body, field", [
    ({"role": "emperor"}, "role"),
    ({"partnership_ids": [424242]}, "partnership_ids"),
    ({"partnership_ids": ["1"]}, "partnership_ids.0"),
    ({"person_id": 424242}, "person_id"),
    ({"person_id": 99999999999999999999}, "person_id"),
    ({"password_hash": "x"}, "password_hash"),
])
def test_patch_with_bad_input_names_the_field_and_changes_nothing(client, db, make_user, admin_api, body, field):
    user = make_user("c@example.org", role="viewer")
    response = client.patch(f"/api/v1/users/{user.id}", headers=admin_api[1], json=body)
    assert response.status_code == 400 and field in response.json["error"]["fields"], response.json
    assert db.session.get(User, user.id).role == "viewer"


def test_disable_and_enable_through_the_api_end_sessions_and_tokens_at_once(app, client, db, make_user,
                                                                            bearer, admin_api):
    user = make_user("c@example.org")
    theirs = bearer(user)
    browser = app.test_client()
    browser.post("/login", data={"email": "c@example.org", "password": PASSWORD})
    response = client.post(f"/api/v1/users/{user.id}/disable", headers=admin_api[1])
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/v1/partnerships", headers=theirs).status_code == 401
    assert browser.get("/people").status_code == 302
    again = client.post(f"/api/v1/users/{user.id}/disable", headers=admin_api[1])
    assert again.status_code == 409 and "already disabled" in again.json["error"]["message"]
    assert client.post(f"/api/v1/users/{user.id}/enable", headers=admin_api[1]).json["active"] is True
    assert client.get("/api/v1/partnerships", headers=theirs).status_code == 401, "old tokens stay revoked"
    assert [a for a in _actions(db, user.id) if a in ("disable", "enable")] == ["disable", "enable"]


def test_the_api_cannot_leave_no_active_admin(client, db, admin_api):
    admin, headers = admin_api
    demote = client.patch(f"/api/v1/users/{admin.id}", headers=headers, json={"role": "viewer"})
    assert demote.status_code == 409 and "only active administrator" in demote.json["error"]["message"]
    assert client.post(f"/api/v1/users/{admin.id}/disable", headers=headers).status_code == 409
    assert db.session.get(User, admin.id).role == "admin" and db.session.get(User, admin.id).active


def test_reset_link_through_the_api_works_once(app, client, db, make_user, admin_api):
    user = make_user("c@example.org")
    response = client.post(f"/api/v1/users/{user.id}/reset-link", headers=admin_api[1], json={"send": True})
    assert response.status_code == 201 and response.json["emailed"] is True
    url = response.json["url"]
    path = url.split("localhost", 1)[1]
    assert db.session.scalars(select(OutboxMessage)).one().body.count(url) == 1
    visitor = app.test_client()
    done = visitor.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    assert visitor.get(path).status_code == 410
    bad = client.post(f"/api/v1/users/{user.id}/reset-link", headers=admin_api[1], json={"send": "yes please"})
    assert bad.status_code == 400


def test_openapi_documents_the_users_api(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/users", "/users/{user_id}", "/users/{user_id}/disable", "/users/{user_id}/enable",
            "/users/{user_id}/reset-link"} <= set(paths)
    assert "patch" in paths["/users/{user_id}"]


# --- CLI ----------------------------------------------------------------------------------------

def test_cli_disable_enable_and_reset_link(app, runner, db, make_user, bearer):
    user = make_user("c@example.org")
    headers = bearer(user)
    result = runner.invoke(args=["user", "disable", "--email", "C@example.org"])
    assert result.exit_code == 0 and "1 API token(s) revoked" in result.output, result.output
    assert app.test_client().get("/api/v1/partnerships", headers=headers).status_code == 401
    refused = runner.invoke(args=["user", "reset-link", "--email", "c@example.org"])
    assert refused.exit_code != 0 and "enable the account first" in refused.output
    assert runner.invoke(args=["user", "enable", "--email", "c@example.org"]).exit_code == 0
    result = runner.invoke(args=["user", "reset-link", "--email", "c@example.org",
                                 "--base-url", "https://crm.example.org/"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://crm.example.org/reset/")
    assert db.session.scalars(select(PasswordReset)).one().digest == token_digest(link.rsplit("/", 1)[1])
    page = app.test_client().get(link.removeprefix("https://crm.example.org"))
    assert page.status_code == 200 and "c@example.org" in text_of(page)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == user.id,
                                                          AuditEntry.entity == "users")).all()
    assert {"disable", "enable", "reset_link"} <= {e.action for e in entries}
    assert all(e.actor_label == "cli" for e in entries if e.action in ("disable", "enable", "reset_link"))


def test_cli_refuses_unknown_users_and_the_last_admin(runner, make_user):
    make_user("only@example.org", role="admin")
    unknown = runner.invoke(args=["user", "disable", "--email", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No user nobody@example.org" in unknown.output
    last = runner.invoke(args=["user", "disable", "--email", "only@example.org"])
    assert last.exit_code != 0 and "only active administrator" in last.output
