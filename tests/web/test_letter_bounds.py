"""A convener's letter template cannot stop the server: a nested loop is stopped at the time
bound and a 200 MB template at the size bound, each refused with a message and nothing saved;
every render happens with no transaction open (another connection can take SQLite's write
lock meanwhile); a template saved before the bounds existed fails its pages with a message and
the digest falls back to the workbook's sample."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from crm import sandbox
from crm.extensions import db
from crm.outreach import digest
from crm.outreach.models import LetterTemplate, OutboxMessage
from tests.helpers import text_of
from tests.security.figures import add
from tests.web.world import build_world, sign_in, snapshot

NESTED_LOOP = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
TWO_HUNDRED_MB = "{% for i in range(100000) %}{{ 'x' * 2000 }}{% endfor %}"


@pytest.fixture
def app_config():
    return {"LETTER_RENDER_SECONDS": 0.5}


@pytest.fixture
def lock_probe(app, monkeypatch):
    """Around every render: can another connection take the write lock right now? (SQLite)"""
    seen: list[bool] = []
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    real = sandbox.render_each

    def probed(items, seconds, max_chars):
        if url.get_backend_name() == "sqlite":
            other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                seen.append(True)
            except sqlite3.OperationalError:
                seen.append(False)
            finally:
                other.close()
        else:
            seen.append(not db.session().in_transaction())
        return real(items, seconds, max_chars)

    monkeypatch.setattr(sandbox, "render_each", probed)
    return seen


@pytest.mark.parametrize(("body", "says"), [(NESTED_LOOP, "longer than 0.5 seconds"),
                                            (TWO_HUNDRED_MB, "more than 100,000 characters")])
def test_a_template_past_a_bound_is_refused_with_a_message_and_holds_no_lock(client, lock_probe, body, says):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    before = snapshot()
    response = client.post(f"/partnerships/{world.a.id}/letter", data={"subject": "Hi", "body": body})
    assert response.status_code == 400 and says in text_of(response)
    assert body.replace("'", "&#39;") in response.get_data(as_text=True)  # what they typed is still there
    assert snapshot() == before
    assert lock_probe and all(lock_probe), "a render ran while the write lock was held"
    add("templates", "templates past a bound refused (nested loop, 200 MB)")
    add("templates", "renders with the write lock free", len(lock_probe))


def test_pages_and_digest_with_a_template_saved_before_the_bounds(client, lock_probe):
    world = build_world()
    db.session.add(LetterTemplate(partnership_id=world.a.id, subject="Hi", body=TWO_HUNDRED_MB))
    db.session.commit()
    task_id = world.extra["task_id"]
    sign_in(client, world.users["convener_a"])
    for fmt in ("html", "txt", "eml"):
        page = client.get(f"/tasks/{task_id}/invitation?format={fmt}", follow_redirects=True)
        assert page.status_code == 200 and "more than 100,000 characters" in text_of(page)
    sent = client.post(f"/tasks/{task_id}/invitation", follow_redirects=True)
    assert sent.status_code == 200 and "more than 100,000 characters" in text_of(sent)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    letters = digest._letters([task_id])
    assert "Over the past months" in letters[task_id][1].body  # the workbook's sample instead
    assert all(lock_probe)


def test_a_good_template_still_saves_and_renders_outside_the_transaction(client, lock_probe):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    saved = client.post(f"/partnerships/{world.a.id}/letter",
                        data={"subject": "Join us, {{ invitee }}", "body": "Dear {{ first_name }}, {{ sector }}"})
    assert saved.status_code == 302
    sent = client.post(f"/tasks/{world.extra['task_id']}/invitation")
    assert sent.status_code == 302
    queued = db.session.scalars(select(OutboxMessage)).all()
    assert [m.body for m in queued] == ["Dear Member, Manufacturing"]
    assert len(lock_probe) >= 2 and all(lock_probe)
