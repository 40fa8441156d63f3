"""Synthetic state-scale data: deterministic, realistically shaped, loadable, and usable by the
pages (synth accounts sign in and see their partnerships)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from crm import synth
from crm.accounts.models import User
from crm.contacts.models import Person, Tie
from crm.outreach.models import Task
from crm.partnerships.models import Membership

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _small(seed=7):
    return synth.generate(people=600, ties=4000, tasks=800, partnerships=6, seed=seed, now=NOW)


def _strip_tokens(rows):
    return {t: [{k: v for k, v in r.items() if k != "session_token"} for r in items]
            for t, items in rows.items()}


def test_generate_is_deterministic_for_a_seed_and_differs_across_seeds():
    assert _strip_tokens(_small()) == _strip_tokens(_small())
    assert _strip_tokens(_small()) != _strip_tokens(_small(seed=8))


def test_generate_gives_the_requested_sizes_and_valid_ties():
    rows = _small()
    assert len(rows["people"]) == 600
    assert len(rows["partnerships"]) == 6
    assert len(rows["ties"]) == 4000
    assert 700 <= len(rows["tasks"]) <= 800
    knows = [(t["source_id"], t["target_id"]) for t in rows["ties"] if t["kind"] == "knows"]
    assert all(a < b for a, b in knows) and len(set(knows)) == len(knows)
    referred = [t for t in rows["ties"] if t["kind"] == "referred"]
    assert referred and all(t["partnership_id"] for t in referred)


def test_ties_per_person_are_heavy_tailed_with_a_few_hubs():
    rows = synth.generate(people=3000, ties=30000, tasks=0, partnerships=5, seed=1, now=NOW)
    degree = Counter()
    for t in rows["ties"]:
        degree[t["source_id"]] += 1
        degree[t["target_id"]] += 1
    values = sorted(degree.values())
    median = values[len(values) // 2]
    assert values[-1] > 8 * median  # hubs know far more people than the typical person
    by_org = {p["id"]: p["organisation_id"] for p in rows["people"]}
    same_org = sum(1 for t in rows["ties"] if by_org[t["source_id"]] == by_org[t["target_id"]])
    assert same_org > len(rows["ties"]) * 0.1  # clustered: colleagues know each other


def test_synth_command_loads_rows_and_accounts_that_can_sign_in(runner, db, client):
    result = runner.invoke(args=["synth", "--people", "400", "--ties", "2000", "--tasks", "300",
                                 "--partnerships", "4", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Person.id))) == 400
    assert db.session.scalar(select(func.count(Tie.id))) == 2000
    assert db.session.scalar(select(func.count(Task.id))) > 200
    assert db.session.scalar(select(func.count(Membership.id))) > 0
    chair = db.session.scalar(select(User).where(User.role == "chair"))
    assert chair.person_id is not None
    response = client.post("/login", data={"email": chair.email, "password": synth.PASSWORD})
    assert response.status_code == 302
    assert client.get("/people").status_code == 200
    again = runner.invoke(args=["synth", "--people", "400", "--ties", "2000", "--tasks", "300",
                                "--partnerships", "4", "--seed", "3"])
    assert again.exit_code != 0 and "already loaded" in again.output
