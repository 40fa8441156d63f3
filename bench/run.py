"""`make bench`: server time of Convene's heavy paths on state-scale data, next to their floors.

    .venv/bin/python bench/run.py            # 20k people, 200k ties, 100k tasks, 50 partnerships
    .venv/bin/python bench/run.py --small    # CI smoke: a small state, few repeats
    .venv/bin/python bench/run.py --only people

The synthetic state (crm/synth.py) is seeded ONCE into bench/cache/state-<hash>.db, the hash
covering the scale, the seed, the schema and synth's code, so a model change re-seeds. Each run works on a
fresh copy of it (imports write). Every case is timed in-process through the Flask test client
(server time: routing, access checks, queries, templates), warm-up runs first, then median and
p95 over repeated runs. Each is paired with its floor (bench/floors.py: the same rows from a
bare Flask route with one SQL query), and ratio = ours / floor.

Other features add cases in bench/bench_network.py, bench/bench_suggestions.py,
bench/bench_digest.py, bench/bench_health.py and bench/bench_onepager.py: each defines
`run(args) -> list[dict]`, imported by path when present
(skipped with a note when absent, reported as an error row when it fails). `args` carries:
app, client (signed in as a convener), token (their API bearer token), partnership_id,
person_id (a hub), target_id (a non-member employer), database_url, small, repeat, and
`measure(fn, n=None, warmup=2) -> (median_ms, p95_ms, n)`.

Writes bench/results.json (a list of {"name","median_ms","p95_ms","floor_ms","ratio","n"})
and bench/results.md; --small writes them under bench/cache/ instead.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import sys
import time
import traceback
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "cache"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

FULL = dict(people=20000, ties=200000, tasks=100000, partnerships=50, seed=1)
SMALL = dict(people=1500, ties=12000, tasks=5000, partnerships=8, seed=1)
OTHERS = ["bench_network.py", "bench_suggestions.py", "bench_digest.py", "bench_health.py", "bench_onepager.py"]
TARGETS_MS = {"page_p95": 150, "page_ratio": 3.0}


def measure(fn, n: int, warmup: int = 2) -> tuple[float, float, int]:
    """Run `fn` warmup + n times; median and p95 (nearest rank) of the n timed runs, in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return round(statistics.median(samples), 2), round(p95, 2), len(samples)


def schema_signature() -> str:
    from crm import models  # noqa: F401 - every table
    from crm.extensions import db

    parts = []
    for table in sorted(db.metadata.tables.values(), key=lambda t: t.name):
        parts.append(table.name + ":" + ",".join(f"{c.name}/{c.type}" for c in table.columns))
        parts.append(",".join(sorted(str(i.name) for i in table.indexes)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def make_app(database_url: str):
    from crm import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-not-secret",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "LOG_REQUESTS": False,
                       "ENV_NAME": "bench"})


def seeded_copy(scale: dict) -> Path:
    """A fresh copy of the cached state database, seeding the cache first if needed."""
    CACHE.mkdir(exist_ok=True)
    synth_code = hashlib.sha256((ROOT / "crm" / "synth.py").read_bytes()).hexdigest()
    key = hashlib.sha256(json.dumps([scale, schema_signature(), synth_code], sort_keys=True).encode()).hexdigest()[:12]
    cached = CACHE / f"state-{key}.db"
    if not cached.exists():
        print(f"bench: seeding {scale} into {cached.name} (once) ...", flush=True)
        started = time.monotonic()
        building = cached.with_suffix(f".building-{os.getpid()}")
        building.unlink(missing_ok=True)
        app = make_app(f"sqlite:///{building}")
        with app.app_context():
            from crm import synth
            from crm.accounts.models import _hasher
            from crm.extensions import db

            db.create_all()
            rows = synth.generate(scale["people"], scale["ties"], scale["tasks"], scale["partnerships"],
                                  scale["seed"], start_ids=synth.next_ids())
            synth.load_rows(rows, _hasher.hash(synth.PASSWORD))
            db.session.commit()
            db.session.execute(__import__("sqlalchemy").text("PRAGMA wal_checkpoint(TRUNCATE)"))
            db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        building.rename(cached)
        print(f"bench: seeded in {time.monotonic() - started:.1f}s", flush=True)
    work = CACHE / f"work-{os.getpid()}.db"  # one per process: several benches may run at once
    _forget(work)
    shutil.copyfile(cached, work)
    atexit.register(_forget, work)
    return work


def _forget(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def row(name, ours, floor=None) -> dict:
    median, p95, n = ours
    floor_ms = floor[0] if floor else None
    ratio = round(median / floor_ms, 2) if floor_ms else None
    return {"name": name, "median_ms": median, "p95_ms": p95, "floor_ms": floor_ms, "ratio": ratio, "n": n}


def error_row(name, error) -> dict:
    print(f"bench: {name} failed: {type(error).__name__}: {error}", file=sys.stderr)
    return {"name": f"{name} FAILED: {type(error).__name__}: {error}"[:160],
            "median_ms": None, "p95_ms": None, "floor_ms": None, "ratio": None, "n": 0}


class Cases:
    """Convene's own paths (contacts and partnership pages, API list, CSV import)."""

    def __init__(self, app, floor_app, repeat: int):
        from sqlalchemy import func, select

        from crm.accounts import services as accounts
        from crm.accounts.models import User
        from crm.contacts.models import Tie
        from crm.extensions import db
        from crm.partnerships.models import Membership

        self.app, self.repeat = app, repeat
        self.client = app.test_client()
        self.floor = floor_app.test_client()
        with app.app_context():
            convener = db.session.scalar(select(User).where(User.role == "convener").order_by(User.id))
            ids = sorted(convener.partnership_ids)
            sizes = dict(db.session.execute(select(Membership.partnership_id, func.count())
                                            .where(Membership.partnership_id.in_(ids))
                                            .group_by(Membership.partnership_id)).all())
            self.partnership_id = max(ids, key=lambda i: sizes.get(i, 0))
            degree = func.count(Tie.id)
            self.person_id = db.session.execute(
                select(Tie.source_id, degree).group_by(Tie.source_id).order_by(degree.desc()).limit(1)
            ).first()[0]
            by_degree = select(Tie.source_id).group_by(Tie.source_id).having(degree == 10).order_by(Tie.source_id)
            self.typical_id = db.session.scalar(by_degree.limit(1)) or self.person_id
            self.target_id = db.session.scalar(
                select(Tie.target_id).where(Tie.source_id == self.person_id).order_by(Tie.id).limit(1))
            self.token = accounts.create_api_token(convener, "bench")
            db.session.commit()
            self.email = convener.email
        from crm import synth

        response = self.client.post("/login", data={"email": self.email, "password": synth.PASSWORD})
        assert response.status_code == 302, f"bench login failed: {response.status_code}"

    def get(self, client, url, **kwargs):
        def call():
            response = client.get(url, **kwargs)
            assert response.status_code == 200, f"{url}: {response.status_code}"
        return call

    def pages(self) -> list[dict]:
        search = "q=garcia&side=employer&sector=Healthcare"
        filters = "county=Denver&sort=name&page=2"
        cases = [
            ("people list", "/people", "/people"),
            ("people search + filters", f"/people?{search}", f"/people?{search}"),
            ("people filters, page 2", f"/people?{filters}", f"/people?{filters}"),
            ("person page (hub)", f"/people/{self.person_id}", f"/people/{self.person_id}"),
            ("person page (typical)", f"/people/{self.typical_id}", f"/people/{self.typical_id}"),
            ("partnership dashboard", f"/partnerships/{self.partnership_id}",
             f"/partnerships/{self.partnership_id}"),
            ("start page", "/", None),
        ]
        return [self.case(name, self.get(self.client, ours),
                          self.get(self.floor, floor) if floor else None) for name, ours, floor in cases]

    def case(self, name, ours, floor=None, n=None, warmup=2) -> dict:
        """One row; a failing path gives an error row instead of stopping the run."""
        n = n or self.repeat
        try:
            timed = measure(ours, n, warmup)
        except Exception as error:  # noqa: BLE001
            return error_row(name, error)
        return row(name, timed, measure(floor, n, warmup) if floor else None)

    def api(self) -> list[dict]:
        n = self.repeat
        auth = {"Authorization": f"Bearer {self.token}"}
        rules = {r.rule for r in self.app.url_map.iter_rules()}
        if "/api/v1/people" in rules:
            return [self.case("API people list", self.get(self.client, "/api/v1/people?per_page=50",
                                                          headers=auth), self.get(self.floor, "/api/people"))]
        return [self.case("API partnerships list (no /api/v1/people yet)",
                          self.get(self.client, "/api/v1/partnerships", headers=auth), n=n)]

    def csv_import(self) -> list[dict]:
        try:
            from crm.contacts import import_parsing, import_runs
        except ImportError:
            print("bench: no contacts importer: CSV import skipped")
            return []
        from crm.extensions import db

        counter = iter(range(1000))
        repeat = max(2, self.repeat // 10)

        def csv_bytes(tag: int) -> bytes:
            lines = ["name,email,title,organisation,phone"]
            lines += [f"Imported Person {tag}-{i},imp{tag}x{i}@import.example,Director,"
                      f"Bench Importers {i % 97},303-555-{i % 10000:04d}" for i in range(5000)]
            return ("\n".join(lines) + "\n").encode()

        def ours():
            data = csv_bytes(next(counter))
            with self.app.test_request_context():
                from crm.audit.models import actor

                actor.set((None, "bench"))
                sheet = import_parsing.read_csv(data)
                mapping = {name: i for i, name in enumerate(sheet.headers)}
                records = list(zip(sheet.line_numbers, import_parsing.apply_mapping(sheet, mapping), strict=True))
                for start in range(0, len(records), import_runs.CHUNK):
                    import_runs.apply("people", records[start:start + import_runs.CHUNK])
                    db.session.commit()
                db.session.remove()

        def floor():
            data = csv_bytes(next(counter)).decode()
            response = self.floor.post("/import", data=data, content_type="text/csv")
            assert response.status_code == 200

        return [self.case("CSV import, 5,000 people", ours, floor, n=repeat, warmup=0)]

    def args(self, small: bool, database_url: str) -> SimpleNamespace:
        return SimpleNamespace(app=self.app, client=self.client, token=self.token,
                               partnership_id=self.partnership_id, person_id=self.person_id,
                               target_id=self.target_id, database_url=database_url, small=small,
                               repeat=self.repeat, measure=measure)


def others(args) -> list[dict]:
    out = []
    for filename in OTHERS:
        path = HERE / filename
        if not path.exists():
            print(f"bench: {filename} not present: skipped")
            continue
        try:
            spec = importlib.util.spec_from_file_location(path.stem, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for result in module.run(args) or []:
                out.append({k: result.get(k) for k in ("name", "median_ms", "p95_ms", "floor_ms", "ratio", "n")})
        except Exception as error:  # noqa: BLE001 - one broken script must not sink the others
            traceback.print_exc()
            out.append(error_row(filename, error))
    return out


def markdown(results: list[dict], scale: dict, where: str) -> str:
    def fmt(v):
        return "" if v is None else (f"{v:g}" if isinstance(v, float | int) else str(v))

    lines = [f"Scale: {scale['people']:,} people, {scale['ties']:,} ties, {scale['tasks']:,} tasks, "
             f"{scale['partnerships']} partnerships (seed {scale['seed']}). Machine: {where}.", "",
             "| path | median ms | p95 ms | floor ms | ours/floor | n |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['name']} | {fmt(r['median_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['floor_ms'])} | "
                     f"{fmt(r['ratio'])} | {fmt(r['n'])} |")
    return "\n".join(lines) + "\n"


def write(out_dir: Path, results: list[dict], scale: dict) -> str:
    where = machine() + "; SQLite (WAL)"
    (out_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out_dir / "results.md").write_text(markdown(results, scale, where))
    return where


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="a small state and few repeats (CI smoke)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per case (default 30; small 5)")
    parser.add_argument("--only", default="", help="run only cases whose group contains this word")
    parser.add_argument("--out", default=None, help="results directory (default bench/, small: bench/cache/)")
    options = parser.parse_args(argv)
    scale = SMALL if options.small else FULL
    repeat = options.repeat or (5 if options.small else 30)
    out_dir = Path(options.out) if options.out else (CACHE if options.small else HERE)
    out_dir.mkdir(parents=True, exist_ok=True)

    work = seeded_copy(scale)
    url = f"sqlite:///{work}"
    app = make_app(url)
    from floors import create_floor_app

    floor_app = create_floor_app(app.config["SQLALCHEMY_DATABASE_URI"])
    cases = Cases(app, floor_app, repeat)
    # The import adds 5,000 people per run: it goes last so every other case sees the seeded scale.
    groups = [("pages", cases.pages), ("api", cases.api),
              ("others", lambda: others(cases.args(options.small, url))), ("import", cases.csv_import)]
    results = []
    for name, fn in groups:
        if options.only and options.only not in name:
            continue
        print(f"bench: {name} ...", flush=True)
        results += fn()
        write(out_dir, results, scale)  # after each group: a run stopped midway keeps what it measured
    where = write(out_dir, results, scale)
    print(markdown(results, scale, where))
    failed = [r["name"] for r in results if r["median_ms"] is None]
    return 1 if failed and options.small else 0  # the CI smoke fails on a broken path


if __name__ == "__main__":
    sys.exit(main())
