"""`make load`: locust, headless, against gunicorn on SQLite (WAL) and on PostgreSQL.

    .venv/bin/python bench/load.py --db sqlite            # 50 users, 5 minutes, state scale
    .venv/bin/python bench/load.py --db postgresql        # same on PostgreSQL (127.0.0.1:5432)
    .venv/bin/python bench/load.py --db sqlite --small    # CI smoke: small state, 5 users, 20 s

Only loopback: gunicorn binds 127.0.0.1 on a free port and locust targets it; the run stops by
itself (locust --run-time) and gunicorn is stopped after it. SQLite uses a copy of the bench's
cached state database; PostgreSQL a database `convene_load_<hash>` seeded once with the same
synthetic state (`crm synth`), kept for later runs. With --redis (or CRM_RATELIMIT_STORAGE_URI
set) the rate limiter of all workers shares one Redis; a private redis-server is started on a
free loopback port if none is named.

Writes bench/load-results.json (one entry per database, merged with earlier runs) and
bench/load-results.md; --small writes under bench/cache/.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess  # noqa: S404 - fixed argument lists, no shell
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("CRM_LOAD_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_sqlite(scale: dict) -> str:
    from run import seeded_copy

    work = seeded_copy(scale)  # a private copy, removed when this process exits
    return f"sqlite:///{work}"


def prepare_postgres(scale: dict) -> str:
    import hashlib

    from run import make_app, schema_signature
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    synth_code = hashlib.sha256((ROOT / "crm" / "synth.py").read_bytes()).hexdigest()
    key = hashlib.sha256(json.dumps([scale, schema_signature(), synth_code], sort_keys=True).encode()).hexdigest()[:10]
    admin_url = make_url(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"convene_load_{key}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            for old in conn.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE 'convene_load_%'")):
                conn.execute(text(f'DROP DATABASE "{old}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    if not exists:
        print(f"load: seeding {scale} into PostgreSQL {name} (once) ...", flush=True)
        started = time.monotonic()
        app = make_app(url)
        with app.app_context():
            from crm import synth
            from crm.accounts.models import _hasher
            from crm.extensions import db

            db.create_all()
            rows = synth.generate(scale["people"], scale["ties"], scale["tasks"], scale["partnerships"],
                                  scale["seed"], start_ids=synth.next_ids())
            synth.load_rows(rows, _hasher.hash(synth.PASSWORD))
            db.session.commit()
            db.engine.dispose()
        print(f"load: seeded in {time.monotonic() - started:.1f}s", flush=True)
    return url


def context(url: str) -> dict:
    """Accounts, an API token, the people id range and the URL rules, for the locustfile."""
    from run import make_app
    from sqlalchemy import func, select

    from crm import synth
    from crm.accounts import services
    from crm.accounts.models import User
    from crm.contacts.models import Person
    from crm.extensions import db

    app = make_app(url)
    with app.app_context():
        users = db.session.scalars(select(User).where(User.email.like("%@synth.example"))).all()
        accounts = {"convener": [], "chair": []}
        for user in users:
            if user.role in accounts and user.partnership_ids:
                accounts[user.role].append({"email": user.email, "partnerships": sorted(user.partnership_ids)})
        token = services.create_api_token(next(u for u in users if u.role == "convener"), "load test")
        db.session.commit()
        low, high = db.session.execute(select(func.min(Person.id), func.max(Person.id))).one()
        rules = {r.endpoint: r.rule for r in app.url_map.iter_rules() if "GET" in r.methods}
        db.engine.dispose()
    return {"accounts": accounts, "token": token, "people": [low, high], "rules": rules,
            "password": synth.PASSWORD}


def wait_healthy(port: int, process, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=15) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not become healthy")


def summary(csv_prefix: Path) -> dict:
    with open(f"{csv_prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    slowest = sorted((r for r in rows if r["Name"] != "Aggregated"),
                     key=lambda r: float(r["95%"] or 0), reverse=True)[:3]

    def num(v):
        return round(float(v), 1) if v not in ("", "N/A", None) else None

    return {"requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
            "throughput_rps": num(total["Requests/s"]), "p50_ms": num(total["50%"]),
            "p95_ms": num(total["95%"]), "p99_ms": num(total["99%"]), "max_ms": num(total["Max Response Time"]),
            "slowest": [{"name": f"{r['Type']} {r['Name']}", "p95_ms": num(r["95%"]),
                         "requests": int(r["Request Count"])} for r in slowest]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Headless locust load test against gunicorn.")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--users", type=int, default=None)
    parser.add_argument("--run-time", default=None, help="locust duration, e.g. 5m (default 5m; small 20s)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: config)")
    parser.add_argument("--redis", action="store_true", help="share rate-limit storage in Redis")
    options = parser.parse_args(argv)

    from run import CACHE, FULL, SMALL, machine

    scale = SMALL if options.small else FULL
    users = options.users or (5 if options.small else 50)
    run_time = options.run_time or ("20s" if options.small else "5m")
    out_dir = CACHE if options.small else HERE
    CACHE.mkdir(exist_ok=True)
    url = prepare_sqlite(scale) if options.db == "sqlite" else prepare_postgres(scale)
    ctx = context(url)

    processes = []
    env = dict(os.environ, CRM_DATABASE_URL=url, CRM_CONFIG=str(HERE / "load_config.py"),
               CRM_SECRET_KEY="load-test-secret-" + "x" * 32)
    storage = os.environ.get("CRM_RATELIMIT_STORAGE_URI")
    if options.redis and not storage:
        redis_port = free_port()
        processes.append(subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(redis_port),
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL))
        storage = f"redis://127.0.0.1:{redis_port}/0"
        time.sleep(0.5)
    if storage:
        env["CRM_RATELIMIT_STORAGE_URI"] = storage
    port = free_port()
    env["CRM_BIND"] = f"127.0.0.1:{port}"
    if options.workers:
        env["CRM_WORKERS"] = str(options.workers)
    log_path = CACHE / f"load-{options.db}-gunicorn.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    gunicorn = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py")],  # noqa: S603
                                cwd=ROOT, env=env, stdout=log, stderr=log)
    processes.append(gunicorn)
    csv_prefix = CACHE / f"load-{options.db}"
    try:
        wait_healthy(port, gunicorn)
        print(f"load: {users} users for {run_time} against gunicorn on {options.db} (127.0.0.1:{port})", flush=True)
        locust_env = dict(os.environ, LOAD_CONTEXT=json.dumps(ctx))
        subprocess.run([str(VENV_BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",  # noqa: S603
                        "-u", str(users), "-r", str(max(1, users // 10)), "--run-time", run_time,
                        "--host", f"http://127.0.0.1:{port}", "--csv", str(csv_prefix), "--only-summary",
                        "--stop-timeout", "10", "--exit-code-on-error", "0"],
                       env=locust_env, check=True, timeout=_seconds(run_time) + 120)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    result = summary(csv_prefix)
    result.update({"database": "PostgreSQL" if options.db == "postgresql" else "SQLite (WAL)",
                   "users": users, "run_time": run_time, "machine": machine(),
                   "workers": options.workers or "config default", "rate_limit_storage": storage or "memory://",
                   "scale": scale})
    results_path = out_dir / "load-results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results[options.db] = result
    results_path.write_text(json.dumps(results, indent=1) + "\n")
    (out_dir / "load-results.md").write_text(markdown(results))
    print(markdown({options.db: result}))
    return 1 if options.small and result["errors"] else 0


def _seconds(run_time: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(float(run_time[:-1]) * units[run_time[-1]]) if run_time[-1] in units else int(run_time)


def markdown(results: dict) -> str:
    lines = ["| database | users | duration | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in results.values():
        lines.append(f"| {r['database']} | {r['users']} | {r['run_time']} | {r['requests']} | "
                     f"{r['throughput_rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['errors']} |")
    for r in results.values():
        slow = ", ".join(f"{s['name']} (p95 {s['p95_ms']} ms)" for s in r["slowest"])
        lines.append(f"\n{r['database']}: slowest {slow}. Machine: {r['machine']}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
