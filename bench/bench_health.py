"""The health page and its API at state scale (issue 15: "the health page is under 150 ms p95
at state scale"): the partnership with the most members (bench/run.py's `partnership_id`, ~450
members, its tasks of 100,000), through the Flask test client signed in as a convener, next to
a floor: the bare SQL queries that fetch the same rows (memberships with their sides, the
partnership's tasks, meetings with attendance, areas), with no signals, keystones or template.

    .venv/bin/python bench/run.py --only others     # with the other feature cases

`run(args) -> list[dict]` is what bench/run.py imports (see its docstring for `args`).
"""

from __future__ import annotations

#: the issue's target for the health page, p95 at state scale
TARGET_P95_MS = 150


def _row(name, ours, floor=None) -> dict:
    median, p95, n = ours
    floor_ms = floor[0] if floor else None
    return {"name": name, "median_ms": median, "p95_ms": p95, "floor_ms": floor_ms,
            "ratio": round(median / floor_ms, 2) if floor_ms else None, "n": n}


def run(args) -> list[dict]:
    """Health page and API, warm (the keystones cached per graph version, as every request after
    the first), with the bare-rows floor."""
    from sqlalchemy import text

    from crm.extensions import db

    pid, client, measure = args.partnership_id, args.client, args.measure
    n = max(5, int(getattr(args, "repeat", 30) or 30))
    auth = {"Authorization": f"Bearer {args.token}"}

    def get(url, **kwargs):
        def call():
            response = client.get(url, **kwargs)
            assert response.status_code == 200, f"{url}: {response.status_code}"
        return call

    queries = [
        "SELECT m.person_id, m.role, m.stage, m.stage_changed_at, p.name, o.side FROM memberships m "
        "JOIN people p ON p.id = m.person_id LEFT JOIN organisations o ON o.id = p.organisation_id "
        "WHERE m.partnership_id = :p",
        "SELECT id, kind, owner_id, status, due, completed_at, created_at, priority_area_id FROM tasks "
        "WHERE partnership_id = :p AND kind IN ('champion_call', 'second_meeting', 'recruit_one_more', 'custom')",
        "SELECT i.meeting_id, i.person_id FROM invitations i JOIN meetings m ON m.id = i.meeting_id "
        "WHERE m.partnership_id = :p AND i.attended",
        "SELECT id, name, created_at FROM priority_areas WHERE partnership_id = :p",
    ]

    def floor():
        with args.app.app_context():
            for sql in queries:
                db.session.execute(text(sql), {"p": pid}).all()
            db.session.remove()

    with args.app.app_context():
        members = db.session.execute(text("SELECT count(*) FROM memberships WHERE partnership_id = :p"),
                                     {"p": pid}).scalar()
    floor_timed = measure(floor, n)
    page = measure(get(f"/partnerships/{pid}/health"), n, warmup=3)
    api = measure(get(f"/api/v1/partnerships/{pid}/health", headers=auth), n, warmup=3)
    verdict = "meets" if page[1] < TARGET_P95_MS else "misses"
    print(f"bench: health page p95 {page[1]} ms {verdict} the {TARGET_P95_MS} ms target")
    return [_row(f"health page, warm ({members} members)", page, floor_timed),
            _row(f"health API, warm ({members} members)", api, floor_timed)]
