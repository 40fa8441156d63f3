"""Exports, pages and API answers carry no secret and nothing the requester may not see.

Every response of every test is searched for every secret the database holds
(`tests/secrets_guard.py`, installed on every test app by `tests/conftest.py`); here: the
guard itself can fail, every column named like a secret is declared one (so a new token
column is searched too), every GET page, export and API answer is opened as each role with a
chair linked to a person, and the privacy export shows only the partnerships given."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import Response, stream_with_context

from crm.accounts.models import User, secret_columns
from crm.extensions import db
from crm.outreach.models import Task
from crm.partnerships import services as partnerships
from crm.scoring.models import TraitAssessment
from tests import secrets_guard
from tests.security.figures import add, put
from tests.security.helpers import fetch, route_urls
from tests.web.world import build_world, sign_in, url_values

#: column names that say "secret"; each must be declared with `__secret__` or named here
LOOKS_SECRET = re.compile(r"hash|token|digest|secret|passw|salt|nonce")
NOT_SECRET: set[tuple[str, str]] = set()


def test_every_column_named_like_a_secret_is_declared_secret(app):
    named = {(t.name, c.name) for t in db.metadata.sorted_tables for c in t.columns
             if LOOKS_SECRET.search(c.name)}
    assert named - NOT_SECRET <= secret_columns(), \
        f"declare these with __secret__ on their model: {sorted(named - NOT_SECRET - secret_columns())}"
    assert secret_columns() >= {("users", "password_hash"), ("users", "session_token"),
                                ("users", "ics_token_hash"), ("api_tokens", "digest")}
    put("secrets", "secret columns searched for in every response", len(secret_columns()))


def test_the_guard_sees_a_secret_in_a_page_and_across_the_chunks_of_a_stream(app, client, make_user):
    user = make_user("leaky@example.org")
    secret = user.password_hash

    def page():
        return f"<p>{secret}</p>"

    def stream():
        half = len(secret) // 2
        return Response(stream_with_context(iter(["a,b\n", secret[:half], secret[half:], "\n"])),
                        mimetype="text/csv")

    app.add_url_rule("/leak-page", "leak_page", page)
    app.add_url_rule("/leak-stream", "leak_stream", stream)
    sign_in(client, user)
    client.get("/leak-page")
    fetch(client, "/leak-stream")
    leaked = {path for path, _column in secrets_guard.LEAKS}
    secrets_guard.LEAKS.clear()  # planted on purpose: not this test's failure
    assert leaked == {"/leak-page", "/leak-stream"}


@pytest.fixture
def linked(db):
    """The world, with chair_a's person holding rows in A and in B (a task, an assessment, a
    membership), so exports and API answers about them could carry B's items or the account."""
    world = build_world()
    partnerships.add_member(world.b, world.chair_person.id, "member", "candidate")
    db.session.add(Task(partnership_id=world.b.id, kind="ask", title="Secret task of B",
                        person_id=world.chair_person.id, due=date(2030, 1, 5)))
    db.session.add(TraitAssessment(person_id=world.chair_person.id, partnership_id=world.b.id,
                                   trait="community", rating=2, evidence="Evidence only B holds"))
    db.session.commit()
    return world


def test_privacy_export_holds_no_secret_and_only_the_partnerships_given(app, client, linked):
    world = linked
    chair = world.users["chair_a"]
    sign_in(client, world.users["convener_a"])
    body = fetch(client, f"/people/{world.chair_person.id}/privacy/export").get_data(as_text=True)
    data = json.loads(body)
    users = data["related"]["users"]["person_id"]
    assert [u["email"] for u in users] == [chair.email]
    for column in ("password_hash", "session_token", "ics_token_hash"):
        assert all(column not in u for u in users), column
    assert "Secret task of B" not in body and "Evidence only B holds" not in body
    assert {m["partnership_id"] for m in data["related"]["memberships"]["person_id"]} == {world.a.id}
    page = client.get(f"/people/{world.chair_person.id}/privacy").get_data(as_text=True)
    assert "Secret task of B" not in page
    sign_in(client, world.users["admin"])
    everything = fetch(client, f"/people/{world.chair_person.id}/privacy/export").get_data(as_text=True)
    assert "Secret task of B" in everything and "Evidence only B holds" in everything
    assert not secrets_guard.LEAKS


def test_no_page_export_or_api_answer_carries_a_secret(app, client, linked, bearer):
    """Every GET route (pages, CSV/vCard/JSON/ICS exports, API), as an admin, a convener and
    the chair whose account is linked to a person: the guard searches each answer."""
    world = linked
    values = {**url_values(world), "person_id": world.chair_person.id}
    before = secrets_guard.CHECKED["responses"]
    for role in ("admin", "convener_a", "chair_a"):
        user = db.session.get(User, world.users[role].id)
        headers = bearer(user)
        sign_in(client, user)
        for _endpoint, _method, url in route_urls(app, values):
            fetch(client, url, headers=headers if url.startswith("/api/") else {})
    checked = secrets_guard.CHECKED["responses"] - before
    assert not secrets_guard.LEAKS, secrets_guard.LEAKS
    assert len(secrets_guard.KNOWN) >= 3 * len(world.users)
    add("secrets", "answers searched for secrets (all GET routes x 3 roles)", checked)
