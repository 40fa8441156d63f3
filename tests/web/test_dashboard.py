"""The dashboard says what to do next in each role, shows only what the user may see, and
runs as many queries for five rows as for fifty."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.accounts import services as accounts
from crm.config import default_timezone
from crm.contacts import services as contacts
from crm.extensions import db as _db
from crm.outreach import services as outreach
from crm.outreach.models import SchedulerLease
from crm.partnerships import services as partnerships
from crm.timeutil import local, utcnow
from tests.conftest import _empty_all_tables
from tests.helpers import text_of
from tests.web.test_query_counts import counting
from tests.web.world import sign_in


def _today():
    return local(utcnow(), default_timezone()).date()


@pytest.fixture
def busy(world, db, make_person, make_org):
    """In A: an overdue ask of the chair, an ask nobody owns, an approved member with no ask.
    In B: the same kinds of rows, which nobody of A may see."""
    today = _today()
    employer = make_org("Gamma Tools", sector="Manufacturing")
    late = make_person("Late Invitee", employer)
    unowned = make_person("Nobody Asks", employer)
    approved = make_person("Approved Waiting", employer)
    for person, stage in ((late, "ask_assigned"), (unowned, "approved")):
        partnerships.add_member(world.a, person.id, "member", stage)
    # A's launch is set, so the plan asks anyone approved there at once: "approved, with no ask
    # yet" happens where no launch is set, as in C (convener_a runs A and C)
    c = partnerships.create_partnership("Partnership C", "Manufacturing", region="Alpha")
    partnerships.add_member(c, approved.id, "member", "approved")
    accounts.set_partnerships(world.users["convener_a"], [world.a.id, c.id])
    outreach.create_task(world.a, "ask", today - timedelta(days=3), person_id=late.id,
                         owner_id=world.chair_person.id)
    outreach.create_task(world.a, "ask", today + timedelta(days=5), person_id=unowned.id)
    secret = make_person("Secret Beta", world.org_b)
    other = make_person("Beta Asker", world.org_b)
    partnerships.add_member(world.b, secret.id, "member", "approved")
    partnerships.add_member(world.b, other.id, "champion", "champion")
    outreach.create_task(world.b, "ask", today - timedelta(days=2), person_id=world.person_b.id,
                         owner_id=other.id)
    outreach.create_task(world.b, "ask", today, person_id=secret.id)
    db.session.commit()
    return world


def _dashboard(client, user) -> str:
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return " ".join(text_of(response).split())


def test_chair_sees_their_asks_due_this_week_suggestions_meeting_and_target(client, busy):
    text = _dashboard(client, busy.users["chair_a"])
    assert "Your asks and tasks due this week (1, overdue first" in text
    assert "Late Invitee" in text and "overdue" in text and "The letter" in text
    assert "Suggestions waiting for your review" in text and "Review suggestions" in text
    assert "Next: Launch meeting" in text
    assert "employer champion accepted" in text and "aim 25-30" in text


def test_the_chairs_week_is_the_next_seven_days_whatever_the_weekday(client, busy, db, make_person):
    soon, later = make_person("Due Soon", busy.org_a), make_person("Due Later", busy.org_a)
    for person, days in ((soon, 6), (later, 9)):
        outreach.create_task(busy.a, "custom", _today() + timedelta(days=days), person_id=person.id,
                             owner_id=busy.chair_person.id)
    db.session.commit()
    text = _dashboard(client, busy.users["chair_a"])
    assert "Due Soon" in text and "Due Later" not in text


def test_chair_and_viewer_are_not_shown_the_scheduler_they_cannot_fix(client, busy):
    for role in ("chair_a", "viewer_a"):
        text = _dashboard(client, busy.users[role])
        assert "scheduler" not in text.lower(), role
        assert "outbox" not in text.lower(), role


def test_viewer_sees_readiness_meetings_and_the_pace_of_outreach_but_no_actions(client, busy):
    text = _dashboard(client, busy.users["viewer_a"])
    assert "Your partnerships at a glance" in text and "Manufacturing · Alpha County" in text
    assert "Partnership A" in text and "employer champion accepted" in text and "Next: Launch meeting" in text
    assert "Outreach:" in text and "1 late" in text  # the chair's overdue ask
    for action in ("Overdue asks", "Asks with no asker", "Approved, with no ask", "Suggestions waiting",
                   "Your asks", "Add a person"):
        assert action not in text
    assert "Partnership B" not in text


def test_convener_sees_overdue_by_asker_unowned_asks_and_approved_without_ask(client, busy):
    text = _dashboard(client, busy.users["convener_a"])
    assert "Overdue asks by asker (1 asker)" in text and "Chair Alpha 1" in text
    assert "Asks with no asker (1)" in text and "Nobody Asks" in text
    assert "Approved, with no ask yet (1)" in text and "Approved Waiting" in text
    assert "The scheduler has never run" in text and "To fix it" in text and "crm scheduler" in text
    for hidden in ("Secret Beta", "Beta Asker", "Partnership B"):  # convener_a was given A only
        assert hidden not in text


def test_admin_sees_every_partnership_action_list(client, busy):
    text = _dashboard(client, busy.users["admin"])
    assert "Overdue asks by asker (2 askers)" in text and "Beta Asker" in text
    assert "Asks with no asker (2)" in text and "Secret Beta" in text
    assert "Partnership A" in text and "Partnership B" in text


def test_a_fresh_scheduler_is_a_quiet_line_for_conveners(client, busy, db):
    db.session.add(SchedulerLease(name="scheduler", holder="h", expires_at=utcnow() + timedelta(minutes=1),
                                  heartbeat_at=utcnow()))
    db.session.commit()
    text = _dashboard(client, busy.users["convener_a"])
    assert "Scheduler last ran" in text and "To fix it" not in text


def _seed(n: int):
    """n partnerships, each with n members, n overdue asks, n unowned asks and n meetings."""
    today = _today()
    org = contacts.save_organisation(None, {"name": f"Org {n}", "kind": "employer"})
    chair = contacts.save_person(None, {"name": f"Chair {n}", "organisation_id": org.id})
    made = []
    for i in range(n):
        p = partnerships.create_partnership(f"P{n}-{i}", "Manufacturing", region="Alpha, Beta")
        made.append(p)
        partnerships.add_member(p, chair.id, "chair", "champion")
        for j in range(n):
            person = contacts.save_person(None, {"name": f"Person {n}-{i}-{j}", "organisation_id": org.id})
            partnerships.add_member(p, person.id, "member", ("approved", "accepted", "suggested")[j % 3])
            outreach.create_task(p, "ask", today - timedelta(days=1 + j), person_id=person.id,
                                 owner_id=chair.id if j % 2 else None)
        outreach.create_meeting(p, utcnow() + timedelta(days=30 + i), "launch")
    users = {"convener": accounts.create_user(f"c{n}@example.org", "correct horse battery", "convener",
                                              partnership_ids=[p.id for p in made]),
             "chair": accounts.create_user(f"ch{n}@example.org", "correct horse battery", "chair",
                                           partnership_ids=[p.id for p in made], person_id=chair.id),
             "viewer": accounts.create_user(f"v{n}@example.org", "correct horse battery", "viewer",
                                            partnership_ids=[p.id for p in made]),
             "admin": accounts.create_user(f"a{n}@example.org", "correct horse battery", "admin")}
    _db.session.commit()
    return users


def _counts(app, n: int) -> dict[str, int]:
    users = _seed(n)
    counts = {}
    for role, user in users.items():
        client = app.test_client()
        sign_in(client, user)
        client.get("/")  # warm: the chair's ranking is cached after the first build
        with counting(_db) as statements:
            assert client.get("/").status_code == 200
        counts[role] = len(statements)
    return counts


def test_dashboard_queries_do_not_grow_with_partnerships_or_rows(app, db):
    small = _counts(app, 3)
    _empty_all_tables()
    large = _counts(app, 6)  # more than the lists show and the chair's ranked partnerships
    assert large == small, f"queries grew with rows: {small} -> {large}"
