"""Production serving: the health check reports the database and the scheduler's heartbeat;
each request is logged as one JSON line."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from crm.extensions import db as _db
from crm.logging import REQUEST_LOGGER, JsonFormatter
from crm.outreach.models import SchedulerLease
from crm.timeutil import utcnow


def test_healthz_reports_database_and_a_scheduler_that_never_ran(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] is True
    assert response.json["scheduler"]["state"] == "never_ran"


def test_healthz_reports_a_running_then_a_stale_scheduler(client, db):
    now = utcnow()
    lease = SchedulerLease(name="scheduler", holder="host:1", expires_at=now + timedelta(seconds=60),
                           heartbeat_at=now - timedelta(seconds=5))
    db.session.add(lease)
    db.session.commit()
    body = client.get("/healthz").json
    assert body["scheduler"]["state"] == "running"
    assert 4 <= body["scheduler"]["heartbeat_age_s"] < 60
    assert "holder" not in body["scheduler"]  # public endpoint: no host names
    lease.expires_at = now - timedelta(seconds=1)
    db.session.commit()
    body = client.get("/healthz").json
    assert body["status"] == "ok" and body["scheduler"]["state"] == "stale"


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(_db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["database"] is False


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def app_config():
    return {"LOG_REQUESTS": True}


@pytest.fixture
def request_lines():
    handler = _Lines()
    logger = logging.getLogger(REQUEST_LOGGER)
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_each_request_is_one_json_line_with_user_status_and_duration(client, auth, make_user,
                                                                      request_lines):
    client.get("/people")  # not signed in: redirected, still logged
    user = make_user(email="convener@example.org")
    auth.login("convener@example.org")
    response = client.get("/people", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Request-ID"] == "abc123"
    assert [line["status"] for line in request_lines] == [302, 302, 200]
    last = request_lines[-1]
    assert last["method"] == "GET" and last["path"] == "/people" and last["status"] == 200
    assert last["user_id"] == user.id and last["request_id"] == "abc123"
    assert last["duration_ms"] >= 0 and last["logger"] == REQUEST_LOGGER
    assert request_lines[0]["status"] == 302 and request_lines[0]["user_id"] is None
