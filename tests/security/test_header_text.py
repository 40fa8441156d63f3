"""Whatever a user typed, no header breaks (issue 12 item 7): a name with CR/LF used to make
the invitation's .eml download answer 500, and could have added headers of its own.

Every text column people can type into (found from the metadata: every String/Text column but
those holding a vocabulary value or something the app makes) gets a CR/LF and a would-be
header appended in the whole world; then every page and download is opened (with `format=eml`
and `format=txt` too), an invitation is queued, the scheduler's digests, escalations and
reminders are queued, and every outbox message is built as the SMTP sender builds it. Nothing
may answer 5xx, and no header may hold a line break or the injected header.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import CheckConstraint, String, Text, func, select, update

from crm.extensions import db
from crm.outreach import digest, mail
from crm.outreach.models import OutboxMessage
from crm.timeutil import utcnow
from tests.security.figures import add
from tests.security.helpers import fetch, route_urls
from tests.web.world import build_world, sign_in, url_values

INJECTED = " a\r\nX-Injected: yes\n\rb\u2028c"
#: text columns people do not type: vocabulary values, keys, hashes, what the app writes itself
NOT_TYPED = {
    "apscheduler_jobs.id", "graph_changes.kind", "scheduler_lease.name", "scheduler_lease.holder",
    "users.password_hash", "users.role", "users.session_token", "users.ics_token_hash",
    "api_tokens.digest", "api_tokens.prefix", "outbox.idempotency_key", "outbox.status", "outbox.last_error",
}
VOCABULARY = {"kind", "name_key", "side", "size", "timezone", "stage", "role", "status", "outcome", "trait",
              "source", "decision", "from_stage", "to_stage", "step_key", "response", "action", "entity",
              "naics", "website"}


def _checked(table) -> str:
    """The text of a table's CHECK constraints: a column a check holds to a list of values is a
    vocabulary value, not something typed (a new one needs no line above)."""
    return " ".join(str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint))


def _typed_columns():
    for table in db.metadata.sorted_tables:
        checked = _checked(table)
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if (isinstance(column.type, String | Text) and name not in NOT_TYPED and column.name not in VOCABULARY
                    and f"{column.name} IN (" not in checked):
                yield table, column


def _inject() -> int:
    count = 0
    for table, column in _typed_columns():
        limit = getattr(column.type, "length", None)
        value = func.coalesce(column, "") + INJECTED
        if limit:
            value = func.substr(value, 1, limit)
        db.session.execute(update(table).values({column.name: value}))
        count += 1
    db.session.commit()
    return count


def _assert_safe_headers(headers, where: str) -> None:
    for name, value in headers:
        assert "\r" not in value and "\n" not in value, f"{where}: header {name} holds a line break: {value!r}"
        assert name.lower() != "x-injected", f"{where}: an injected header"


@pytest.mark.slow
def test_text_with_line_breaks_never_breaks_a_header_nor_a_page(app, client):
    world = build_world()
    values = url_values(world)
    columns = _inject()
    add("headers", "typed text columns given CR/LF", columns)
    sign_in(client, world.users["admin"])
    for _, _, url in route_urls(app, values, skip=("static", "accounts.logout")):
        for query in ({}, {"format": "eml"}, {"format": "txt"}):
            response = fetch(client, url, query_string=query)
            add("headers", "pages and downloads opened")
            assert response.status_code < 500, f"GET {url} {query}: {response.status_code}"
            _assert_safe_headers(response.headers.items(), f"GET {url} {query}")

    sent = fetch(client, f"/tasks/{values['task_id']}/invitation", method="POST")
    assert sent.status_code < 500
    now = utcnow()
    config = {**app.config, "DIGEST_HOUR": 0}
    digest.queue_digests(config, now + timedelta(days=10))
    digest.queue_escalations(config, now + timedelta(days=30))
    digest.queue_meeting_reminders(config, now + timedelta(days=38))
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert messages, "nothing reached the outbox: the mail headers were not tried"
    for message in messages:
        email = mail.build_email(message, app.config["MAIL_FROM"])
        raw = email.as_bytes()  # what SMTP would send; raises on a broken header
        head = raw.split(b"\n\n", 1)[0]
        assert not re.search(rb"(^|\n)X-Injected", head, re.IGNORECASE), head
        _assert_safe_headers(email.items(), f"outbox {message.idempotency_key}")
        add("headers", "outbox messages built")
