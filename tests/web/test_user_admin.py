"""Offboarding in the browser (issue 12, item 9): an administrator changes a user's role and
partnerships, disables and re-enables the account (its sessions and API tokens end at once),
and starts a one-time password reset that the user completes; every change is in the audit
log, and no change may leave the install without an active administrator."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.accounts import administration
from crm.accounts.models import ApiToken, PasswordReset, User, token_digest
from crm.audit.models import AuditEntry
from crm.outreach.models import OutboxMessage
from tests.helpers import PASSWORD, shown_text, text_of

NEW_PASSWORD = "a fresh long password"


@pytest.fixture
def admin(make_user, auth):
    user = make_user("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return user


def _entries(db, user_id, action=None):
    stmt = select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == user_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt.order_by(AuditEntry.id)).all()


def _signed_in(app, email, password=PASSWORD):
    other = app.test_client()
    assert other.post("/login", data={"email": email, "password": password}).status_code == 302
    return other


def test_users_list_links_each_account_and_shows_its_status(client, db, admin, make_user):
    gone = make_user("gone@example.org")
    administration.disable_user(gone)
    db.session.commit()
    body = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{gone.id}"' in body and "disabled" in body


def test_admin_changes_role_partnerships_and_person_and_the_audit_log_has_it(
        client, db, admin, make_user, make_partnership, make_person):
    a, b = make_partnership("Alpha"), make_partnership("Beta")
    chair_person = make_person("Chair Person")
    user = make_user("c@example.org", role="viewer", partnerships=[a])
    response = client.post(f"/admin/users/{user.id}", data={
        "name": "Cee", "role": "chair", "partnerships": [str(b.id)], "person_id": str(chair_person.id)},
        follow_redirects=True)
    assert "Saved c@example.org" in text_of(response)
    user = db.session.get(User, user.id)
    assert (user.role, user.partnership_ids, user.person_id, user.name) == ("chair", {b.id}, chair_person.id, "Cee")
    role_change = [e for e in _entries(db, user.id, "update") if "role" in (e.after or {})]
    assert role_change and role_change[-1].after["role"] == "chair" and role_change[-1].user_id == admin.id
    moved = _entries(db, user.id, "partnerships")[-1]
    assert "Alpha -> Beta" in moved.summary and moved.user_id == admin.id
    page = shown_text(client.get(f"/admin/users/{user.id}"))
    assert "Alpha -> Beta" in page, "the account's page shows its history"


def test_a_role_change_counts_from_the_next_request(app, client, db, admin, make_user):
    user = make_user("c@example.org", role="convener")
    theirs = _signed_in(app, "c@example.org")
    assert theirs.get("/people/new").status_code == 200
    client.post(f"/admin/users/{user.id}", data={"role": "viewer", "person_id": "0"})
    assert theirs.get("/people/new").status_code == 403


def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, db, admin, make_user):
    user = make_user("c@example.org", role="viewer")
    response = client.post(f"/admin/users/{user.id}", data={
        "name": "Kept", "role": "emperor", "partnerships": ["99999999999999999999"], "person_id": "0"})
    assert response.status_code == 200
    assert "Not a valid choice" in text_of(response) and 'value="Kept"' in response.get_data(as_text=True)
    assert db.session.get(User, user.id).role == "viewer"
    assert client.get("/admin/users/99999999999999999999").status_code == 404
    assert client.post("/admin/users/424242/disable").status_code == 404


def test_disabling_ends_sessions_tokens_and_feeds_at_once(app, client, db, admin, make_user, bearer):
    user = make_user("c@example.org", role="convener")
    headers = bearer(user)
    remembered = app.test_client()
    remembered.post("/login", data={"email": "c@example.org", "password": PASSWORD, "remember": "y"})
    theirs = _signed_in(app, "c@example.org")
    assert theirs.get("/people").status_code == 200
    api = app.test_client()
    assert api.get("/api/v1/partnerships", headers=headers).status_code == 200

    response = client.post(f"/admin/users/{user.id}/disable", follow_redirects=True)
    assert "c@example.org is disabled" in text_of(response)
    assert theirs.get("/people").status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("remember_token", remembered.get_cookie("remember_token").value)
    assert stolen.get("/people").status_code == 302
    assert api.get("/api/v1/partnerships", headers=headers).status_code == 401
    refused = app.test_client().post("/login", data={"email": "c@example.org", "password": PASSWORD})
    assert "Email or password is not right" in text_of(refused), "no hint that the account exists"
    assert all(t.revoked_at for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))
    entry = _entries(db, user.id, "disable")[-1]
    assert entry.user_id == admin.id and "1 API token(s) revoked" in entry.summary


def test_a_disabled_account_is_refused_on_every_request_even_with_a_live_token(app, db, make_user, bearer):
    """The check is on every request and token use, not only the revocations done at disable."""
    user = make_user("c@example.org")
    headers = bearer(user)
    theirs = _signed_in(app, "c@example.org")
    user.active = False  # as a direct database change would: no rotation, no revocation
    db.session.commit()
    assert theirs.get("/people").status_code == 302
    assert app.test_client().get("/api/v1/partnerships", headers=headers).status_code == 401


def test_enabling_again_lets_them_sign_in_but_old_tokens_stay_dead(app, client, db, admin, make_user, bearer):
    user = make_user("c@example.org")
    headers = bearer(user)
    client.post(f"/admin/users/{user.id}/disable")
    response = client.post(f"/admin/users/{user.id}/enable", follow_redirects=True)
    assert "enabled again" in text_of(response)
    assert db.session.get(User, user.id).active
    _signed_in(app, "c@example.org")
    assert app.test_client().get("/api/v1/partnerships", headers=headers).status_code == 401
    assert [e.action for e in _entries(db, user.id) if e.action in ("disable", "enable")] == ["disable", "enable"]


def test_enabling_an_active_or_disabling_a_disabled_account_says_so(client, db, admin, make_user):
    user = make_user("c@example.org")
    assert "already active" in text_of(client.post(f"/admin/users/{user.id}/enable", follow_redirects=True))
    client.post(f"/admin/users/{user.id}/disable")
    assert "already disabled" in text_of(client.post(f"/admin/users/{user.id}/disable", follow_redirects=True))


def test_the_only_active_admin_cannot_disable_or_demote_themselves(client, db, admin, make_user):
    other = make_user("former@example.org", role="admin")
    administration.disable_user(other)  # a disabled admin does not count
    db.session.commit()
    response = client.post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert "only active administrator" in text_of(response)
    response = client.post(f"/admin/users/{admin.id}", data={"role": "convener", "person_id": "0"})
    assert response.status_code == 200 and "only active administrator" in text_of(response)
    me = db.session.get(User, admin.id)
    assert (me.role, me.active) == ("admin", True)
    assert client.get("/admin/users").status_code == 200, "still signed in"
    assert not _entries(db, admin.id, "disable")


def test_with_another_active_admin_an_admin_may_step_down(client, db, admin, make_user):
    make_user("second@example.org", role="admin")
    response = client.post(f"/admin/users/{admin.id}", data={"role": "convener", "person_id": "0"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.get(User, admin.id).role == "convener"
    assert client.get("/admin/users").status_code == 403


def test_the_last_admin_rule_holds_in_the_service_for_every_caller(db, make_user):
    only = make_user("only@example.org", role="admin")
    with pytest.raises(administration.AccountError, match="only active administrator"):
        administration.update_user(only, role="viewer")
    with pytest.raises(administration.AccountError, match="only active administrator"):
        administration.disable_user(only)


# --- password reset ----------------------------------------------------------------------------

def _start_reset(client, user, send=False) -> str:
    response = client.post(f"/admin/users/{user.id}/reset-link", data={"send": "y"} if send else {})
    assert response.status_code == 200
    return re.search(r"https?://[^\s<\"]+/reset/[A-Za-z0-9_-]+", response.get_data(as_text=True)).group(0)


def test_password_reset_from_start_to_finish(app, client, db, admin, make_user, bearer):
    user = make_user("c@example.org")
    headers = bearer(user)
    theirs = _signed_in(app, "c@example.org")
    link = _start_reset(client, user)
    token = link.rsplit("/", 1)[1]
    row = db.session.scalars(select(PasswordReset)).one()
    assert row.digest == token_digest(token) and token not in row.digest, "only the digest is stored"
    path = link.split("localhost", 1)[1]

    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "c@example.org" in text_of(page)
    mismatch = visitor.post(path, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert "Passwords differ" in text_of(mismatch)
    short = visitor.post(path, data={"password": "short", "confirm": "short"})
    assert "between 10 and 200 characters" in text_of(short)
    assert db.session.get(User, user.id).check_password(PASSWORD), "nothing changed yet"

    done = visitor.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is set" in text_of(done)
    assert theirs.get("/people").status_code == 302, "their other sessions ended"
    assert app.test_client().get("/api/v1/partnerships", headers=headers).status_code == 401
    _signed_in(app, "c@example.org", NEW_PASSWORD)
    again = app.test_client().get(path)
    assert again.status_code == 410 and "does not work any more" in text_of(again)
    assert app.test_client().post(path, data={"password": "another long one", "confirm": "another long one"}
                                  ).status_code == 410
    entries = [e for e in _entries(db, user.id) if e.action in ("reset_link", "password_reset")]
    assert [(e.action, e.user_id) for e in entries] == [("reset_link", admin.id), ("password_reset", user.id)]
    assert entries[1].actor_label == "reset link"


def test_a_reset_link_is_emailed_through_the_outbox_when_asked(client, db, admin, make_user):
    user = make_user("c@example.org")
    link = _start_reset(client, user, send=True)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.to_email == "c@example.org" and link in message.body and message.to_user_id == user.id
    assert "emailed through the outbox" in _entries(db, user.id, "reset_link")[-1].summary


def test_a_newer_link_expiry_or_disabling_kills_a_reset_link(app, client, db, admin, make_user):
    user = make_user("c@example.org")
    first = _start_reset(client, user).split("localhost", 1)[1]
    second = _start_reset(client, user).split("localhost", 1)[1]
    assert app.test_client().get(first).status_code == 410, "a newer link replaces the older"
    assert app.test_client().get(second).status_code == 200
    row = db.session.scalars(select(PasswordReset).where(PasswordReset.used_at.is_(None))).one()
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(second).status_code == 410, "expired"
    third = _start_reset(client, user).split("localhost", 1)[1]
    client.post(f"/admin/users/{user.id}/disable")
    assert app.test_client().get(third).status_code == 410, "disabling kills open links"
    response = client.post(f"/admin/users/{user.id}/reset-link", data={}, follow_redirects=True)
    assert "enable the account first" in text_of(response)


def test_the_reset_link_is_never_put_in_the_session_cookie_or_a_flash(client, db, admin, make_user):
    user = make_user("c@example.org")
    response = client.post(f"/admin/users/{user.id}/reset-link", data={})
    token = re.search(r"/reset/([A-Za-z0-9_-]+)", response.get_data(as_text=True)).group(1)
    assert all(token not in h for h in response.headers.getlist("Set-Cookie"))
    assert token not in client.get(f"/admin/users/{user.id}").get_data(as_text=True), "shown once"
