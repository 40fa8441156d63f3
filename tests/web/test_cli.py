"""The `crm` command line: demo, users, tokens, backups."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from crm import demo
from crm.accounts.models import User
from crm.contacts.models import Person, Tie
from crm.outreach import services as outreach
from crm.outreach import timeline
from crm.outreach.models import Task
from crm.partnerships.models import Meeting, Membership, Partnership, PriorityArea
from crm.scoring.models import ReviewDecision


@pytest.mark.slow  # loads the whole demo partnership
def test_demo_loads_the_workbook_partnership_and_prints_accounts(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Region X Light Manufacturing" in result.output
    for account in ("admin", "convener", "chair", "cochair", "viewer"):
        assert f"{account}@convene.example" in result.output
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == "Region X Light Manufacturing"))
    areas = db.session.scalars(select(PriorityArea).where(PriorityArea.partnership_id == partnership.id)).all()
    champions = {c.person.name.split()[0] for a in areas for c in a.champions}
    assert champions == {"Karen", "Ginger", "Norela", "Lane", "Paul", "Robin", "Jim", "Al", "Casey", "Tom"}
    people = db.session.scalar(select(func.count(Person.id)))
    assert 70 <= people <= 140
    assert db.session.scalar(select(func.count(Tie.id)).where(Tie.kind == "referred")) > 0
    chair = db.session.scalar(select(User).where(User.email == "chair@convene.example"))
    assert chair.person.name.startswith("Robin")
    assert db.session.scalar(select(Membership.role).where(Membership.person_id == chair.person_id)) == "chair"
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "already loaded" in again.output


@pytest.mark.slow  # loads the whole demo partnership
def test_the_demo_is_a_partnership_four_weeks_before_its_launch_with_asks_in_every_state(runner, db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    partnership = db.session.scalar(select(Partnership).where(Partnership.name == demo.NAME))
    assert partnership.stage == "preparing_launch"
    launch = db.session.scalar(select(Meeting).where(Meeting.partnership_id == partnership.id,
                                                     Meeting.kind == "launch"))
    today = outreach.today_for(partnership)
    assert 21 <= (launch.starts_at.date() - today).days <= 30 and launch.host and launch.chairs
    asks = db.session.execute(select(Task.due, Task.status).where(Task.partnership_id == partnership.id,
                                                                  Task.kind == "ask")).all()
    pace = timeline.pace_counts(asks, today)
    assert all(pace[state] > 0 for state in (timeline.LATE, timeline.AT_RISK, timeline.ON_TIME, timeline.DONE)), pace
    decisions = set(db.session.scalars(select(ReviewDecision.decision).where(
        ReviewDecision.partnership_id == partnership.id)))
    assert decisions == {"approve", "ill_ask", "someone_else", "not_now"}
    robin = db.session.scalar(select(User).where(User.email == "chair@convene.example"))
    assert db.session.scalar(select(func.count(Task.id)).where(Task.owner_id == robin.person_id,
                                                               Task.kind == "ask")) >= 2


def test_user_create_with_partnership(runner, db, make_partnership):
    partnership = make_partnership()
    result = runner.invoke(args=["user", "create", "--email", "Chair@X.org", "--password", "long enough pw",
                                 "--role", "chair", "--partnership", str(partnership.id)])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "chair@x.org" and user.partnership_ids == {partnership.id}
    bad = runner.invoke(args=["user", "create", "--email", "a@x.org", "--password", "long enough pw",
                              "--role", "chair", "--partnership", "999"])
    assert bad.exit_code != 0 and "No partnership with id 999" in bad.output


def test_token_create_prints_the_token_alone_on_the_last_line(runner, make_user):
    make_user("c@example.org")
    result = runner.invoke(args=["token", "create", "--email", "c@example.org"])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1].startswith("cvn_")


def test_backup_writes_a_consistent_sqlite_copy(runner, make_person, tmp_path, app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return  # PostgreSQL backups go through pg_dump; covered where the client exists
    make_person("Backed Up")
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT name FROM people").fetchall() == [("Backed Up",)]
    conn.close()
