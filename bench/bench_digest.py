"""The daily digest at scale: 100,000 tasks, 2,000 of them due today (and 3,000 overdue),
owned by 500 askers. Times `queue_digests` (select due/overdue tasks, group per asker, check
idempotency keys, write one outbox row per asker) and its peak Python memory (tracemalloc),
next to a floor: the one bare SQL query that fetches the same rows.

    .venv/bin/python bench/bench_digest.py [--repeat 7] [--database-url postgresql://...]

Importable: `run(args) -> list[dict]` ({"name", "median_ms", "p95_ms", "floor_ms", "ratio",
"n", ...}); bench/run.py calls it. It builds its own database (a temp SQLite file unless
`args.digest_database_url` / --database-url names another), so it never changes shared state.

The app and the timing are bench/run.py's (`make_app`, `measure`), so this case is measured as
every other. Its data is its own, not run.py's cached synthetic state (`seeded_copy`): the
digest's cost follows how many open tasks are due on the day it runs, so the seed fixes that
day (NOW) and the counts, where the synthetic state spreads due dates around the day it was
seeded on.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), HERE]

from run import make_app, measure  # noqa: E402 - bench/run.py: the app every bench case uses

TASKS, DUE_TODAY, OVERDUE, OWNERS = 100_000, 2_000, 3_000, 500
NOW = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)  # 08:00 in Denver, after the digest hour


def _seed(app) -> None:
    from sqlalchemy import insert

    from crm.contacts.models import Person
    from crm.extensions import db
    from crm.outreach.models import Task
    from crm.partnerships.models import Partnership

    today = NOW.date()
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.execute(insert(Partnership), [
            {"id": i, "name": f"Partnership {i}", "sector": "Manufacturing", "timezone": "America/Denver",
             "stage": "launched", "launch_target_low": 25, "launch_target_high": 30, "launch_minimum": 10,
             "created_at": NOW, "version": 1} for i in range(1, 21)])
        db.session.execute(insert(Person), [
            {"id": i, "name": f"Person {i}", "name_key": f"person {i}", "email": f"person{i}@x.example",
             "created_at": NOW, "updated_at": NOW, "version": 1} for i in range(1, 5001)])
        rows = []
        for i in range(TASKS):
            if i < DUE_TODAY:
                due, status = today, "open"
            elif i < DUE_TODAY + OVERDUE:
                due, status = today - timedelta(days=1 + i % 20), "open"
            else:
                due = today + timedelta(days=1 + i % 120) if i % 3 else today - timedelta(days=1 + i % 90)
                status = "open" if i % 3 else "done"
            rows.append({"partnership_id": 1 + i % 20, "kind": "ask" if i % 4 == 0 else "follow_up_call",
                         "person_id": 1 + (i * 7) % 5000, "owner_id": 1 + i % OWNERS, "due": due,
                         "status": status, "created_at": NOW, "version": 1})
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Task), rows[start:start + 10_000])
        db.session.commit()


def run(args) -> list[dict]:
    """Digest time and peak memory on 100k tasks / 2,000 due today, with its bare-query floor."""
    from sqlalchemy import select

    from crm.contacts.models import Person
    from crm.extensions import db
    from crm.outreach import digest
    from crm.outreach.models import Task
    from crm.partnerships.models import Partnership

    url = getattr(args, "digest_database_url", None)
    folder = None
    if not url:
        folder = tempfile.mkdtemp(prefix="bench-digest-")
        url = f"sqlite:///{folder}/digest.db"
    app = make_app(url)
    _seed(app)
    repeat = max(3, int(getattr(args, "repeat", 7) or 7))
    day = NOW.date()
    with app.app_context():
        config = dict(app.config)

        def ours():
            queued = digest.queue_digests(config, NOW)
            db.session.rollback()  # leave the outbox empty: every run does the full work
            assert queued == OWNERS, queued

        def floor():
            db.session.execute(
                select(Task.id, Task.owner_id, Task.kind, Task.due, Task.title, Person.name, Partnership.name)
                .join(Partnership, Partnership.id == Task.partnership_id)
                .outerjoin(Person, Person.id == Task.person_id)
                .where(Task.status == "open", Task.due <= day, Task.owner_id.is_not(None))).all()
            db.session.rollback()

        median, p95, n = measure(ours, repeat, warmup=1)
        floor_median, _, _ = measure(floor, repeat, warmup=1)
        tracemalloc.start()
        ours()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
        db.engine.dispose()
    dialect = url.split(":", 1)[0]
    return [{"name": f"digest: queue {OWNERS} digests, {DUE_TODAY:,} tasks due today of {TASKS:,} ({dialect})",
             "median_ms": median, "p95_ms": p95, "floor_ms": floor_median,
             "ratio": round(median / floor_median, 2) if floor_median else None, "n": n,
             "peak_mib": round(peak / 2**20, 1)}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    rows = run(SimpleNamespace(repeat=options.repeat, digest_database_url=options.database_url))
    for row in rows:
        print(f"{row['name']}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms, floor {row['floor_ms']} ms "
              f"(ratio {row['ratio']}), peak {row['peak_mib']} MiB, n={row['n']}")


if __name__ == "__main__":
    main()
