"""Suggestions benchmark: ranking every employer-side person of the state for one partnership,
cold (nothing cached: every row loaded and every person scored) and warm (nothing changed).

    .venv/bin/python bench/bench_suggestions.py --people 20000     # standalone
    .venv/bin/python bench/run.py --only others                      # as part of `make bench`

`run(args) -> list[dict]` (name, median_ms, p95_ms, floor_ms, ratio, n) is what bench/run.py
imports; `args` carries app, client, token, partnership_id, database_url, repeat and measure.
The floor is one bare SQL query reading the rows the ranking starts from (employer-side people
with their organisation), on the same database: ratio = ours / floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

FLOOR_SQL = ("SELECT p.id, p.name, p.title, o.name, o.sector, o.county FROM people p "
             "JOIN organisations o ON o.id = p.organisation_id "
             "WHERE o.side = 'employer' AND p.archived_at IS NULL AND p.merged_into_id IS NULL")


def run(args) -> list[dict]:
    """Cold and warm suggestions (API and in-process), with the one-query floor."""
    from sqlalchemy import create_engine, text

    from crm.extensions import db
    from crm.network import services as network_services
    from crm.partnerships.models import Partnership
    from crm.scoring import services, suggestions

    measure = args.measure
    n_cold = max(3, min(args.repeat, 10))
    n_warm = max(5, args.repeat)
    url = f"/api/v1/partnerships/{args.partnership_id}/suggestions?limit=50"
    headers = {"Authorization": f"Bearer {args.token}"}

    engine = create_engine(args.app.config["SQLALCHEMY_DATABASE_URI"])

    def floor():
        with engine.connect() as conn:
            conn.execute(text(FLOOR_SQL)).all()

    def api():
        response = args.client.get(url, headers=headers)
        assert response.status_code == 200, f"{url}: {response.status_code}"

    def api_cold():
        services.clear_cache()
        network_services.clear_caches()
        api()

    def in_process(cold: bool, limit: int | None = 50):
        def call():
            with args.app.app_context():
                if cold:
                    services.clear_cache()
                partnership = db.session.get(Partnership, args.partnership_id)
                suggestions.suggestions(partnership, limit)
                db.session.remove()
        return call

    def after_edit():
        with args.app.app_context():
            partnership = db.session.get(Partnership, args.partnership_id)
            suggestions.suggestions(partnership, 50)

    with args.app.app_context():
        people = db.session.execute(text("SELECT count(*) FROM people")).scalar()
    floor_ms = measure(floor, n_warm)
    out = []
    for name, fn, n in [
        (f"suggestions API, cold ({people:,} people)", api_cold, n_cold),
        (f"suggestions API, warm ({people:,} people)", api, n_warm),
        ("suggestions service, cold (no HTTP, top 50 explained)", in_process(True), n_cold),
        ("suggestions service, warm (no HTTP, top 50 explained)", in_process(False), n_warm),
        # every candidate ranked AND given reasons in words: what no page or API call asks for
        ("suggestions service, cold, every candidate explained", in_process(True, None), n_cold),
    ]:
        median, p95, count = measure(fn, n, warmup=1)
        out.append({"name": name, "median_ms": median, "p95_ms": p95, "floor_ms": floor_ms[0],
                    "ratio": round(median / floor_ms[0], 2) if floor_ms[0] else None, "n": count})
    # after one edit by someone else (a rename and a new tie): the scores catch up, the slate re-ranks
    from bench_network import _after_edits

    median, p95, count = _after_edits(args.app, after_edit, n_cold * 2)
    out.append({"name": "suggestions after one edit elsewhere (catch up + re-rank)", "median_ms": median,
                "p95_ms": p95, "floor_ms": floor_ms[0],
                "ratio": round(median / floor_ms[0], 2) if floor_ms[0] else None, "n": count})
    engine.dispose()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args(argv)
    import run as harness
    from floors import create_floor_app

    people = options.people
    scale = dict(people=people, ties=10 * people, tasks=5 * people,
                 partnerships=max(8, min(50, people // 400)), seed=1)
    if scale == {**harness.FULL}:
        scale = harness.FULL
    work = harness.seeded_copy(scale)  # seeded once, then a copy for this process
    database_url = f"sqlite:///{work}"
    app = harness.make_app(database_url)
    cases = harness.Cases(app, create_floor_app(app.config["SQLALCHEMY_DATABASE_URI"]), options.repeat)
    results = run(cases.args(False, database_url))
    print("| path | median ms | p95 ms | floor ms | ours/floor | n |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['median_ms']} | {r['p95_ms']} | {r['floor_ms']} | {r['ratio']} | {r['n']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
