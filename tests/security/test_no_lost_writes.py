"""No lost writes, against a real server process (gunicorn, 2 workers x 8 threads):

- 20 editors save the same person at once, round after round: exactly one save wins each
  round and every other editor gets a 409 that says someone else changed it;
- the server is killed with SIGKILL during 1,000 writes: the database passes its integrity
  check and every write the server acknowledged is there;
- `crm backup` runs while writes go on, and `crm restore` of that copy gives a consistent
  database (every person has the audit entry written in the same transaction).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import fresh_postgres_database
from tests.helpers import PASSWORD
from tests.security.figures import add, put

pytestmark = pytest.mark.slow  # a real gunicorn, killed and restarted

EDITORS = 20
ROUNDS = int(os.environ.get("LOST_WRITES_ROUNDS", "3"))
WRITES = 1000
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update(CRM_DATABASE_URL=database_url, CRM_SECRET_KEY="lost-writes-test-key")
    return env


class Server:
    """gunicorn serving create_app() on the test database."""

    def __init__(self, database_url: str):
        self.port = _free_port()
        self.log = open(os.environ.get("LOST_WRITES_LOG", os.devnull), "ab")  # noqa: SIM115
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "2", "crm:create_app()"],
            cwd=ROOT, env=_environment(database_url), stdout=subprocess.DEVNULL,
            stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
            except BaseException:
                self.stop()
                raise
        self.stop()
        pytest.fail("gunicorn did not start (set LOST_WRITES_LOG=file to see its log)")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def _signed_in(server: Server, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(server.url + "/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(server.url + "/login", data={"csrf_token": token, "email": email, "password": PASSWORD},
                            allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    return session


def _form(session, url) -> dict:
    page = session.get(url).text
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    fields.update(re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', page)[:0])
    fields["csrf_token"] = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return fields


@pytest.fixture
def server(app, database_url, db):
    from sqlalchemy import select  # noqa: F401

    servers = []

    def start():
        db.session.remove()
        servers.append(Server(database_url))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


def test_twenty_concurrent_editors_one_wins_each_round(app, db, make_user, make_person, server):
    make_user("editor@example.org", role="convener")
    person = make_person("Contested Person", email="contested@example.org")
    person_id = person.id
    srv = server()
    editors = [_signed_in(srv, "editor@example.org") for _ in range(EDITORS)]
    statuses_by_round = []
    for round_ in range(ROUNDS):
        forms = [_form(s, f"{srv.url}/people/{person_id}/edit") for s in editors]
        assert len({f["version"] for f in forms}) == 1
        barrier = threading.Barrier(EDITORS)
        results: list = [None] * EDITORS

        def edit(i, forms=forms, round_=round_, barrier=barrier, results=results):
            data = {**forms[i], "name": "Contested Person", "notes": f"round {round_} editor {i}",
                    "organisation_id": "0"}
            barrier.wait()
            results[i] = editors[i].post(f"{srv.url}/people/{person_id}/edit", data=data, allow_redirects=False)

        threads = [threading.Thread(target=edit, args=(i,)) for i in range(EDITORS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in results)
        statuses_by_round.append(statuses)
        add("no_lost_writes", "concurrent edits", EDITORS)
        assert statuses.count(302) == 1, f"round {round_}: {statuses}"
        assert statuses.count(409) == EDITORS - 1, f"round {round_}: {statuses}"
        for r in results:
            if r.status_code == 409:
                assert re.search(r"someone else (changed|saved)", r.text, re.I), r.text[:300]
        winner = next(i for i, r in enumerate(results) if r.status_code == 302)
        db.session.remove()
        from crm.contacts.models import Person

        assert db.session.get(Person, person_id).notes == f"round {round_} editor {winner}"
        db.session.remove()  # hold no transaction open while the server works
    put("no_lost_writes", "edit rounds", ROUNDS)


def _write_people(srv, session_factory, stop: threading.Event, acked: list, total: int, threads: int = 4):
    counter = iter(range(total))
    lock = threading.Lock()

    def work():
        session = session_factory()
        while not stop.is_set():
            with lock:
                n = next(counter, None)
            if n is None:
                return
            try:
                form = _form(session, f"{srv.url}/people/new")
                response = session.post(f"{srv.url}/people/new", allow_redirects=False, timeout=10, data={
                    "csrf_token": form["csrf_token"], "name": f"Writer {n}", "organisation_id": "0",
                    "email": f"writer{n}@example.org"})
            except requests.RequestException:
                return
            if response.status_code == 302:
                with lock:
                    acked.append(n)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    return workers


def _names(database_url) -> set[str]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM people"))}
    engine.dispose()
    return names


def test_kill_9_during_writes_loses_no_acknowledged_write(app, db, database_url, make_user, server):
    make_user("writer@example.org", role="convener")
    srv = server()
    stop, acked = threading.Event(), []
    workers = _write_people(srv, lambda: _signed_in(srv, "writer@example.org"), stop, acked, WRITES)
    while len(acked) < WRITES // 3 and any(w.is_alive() for w in workers):
        time.sleep(0.05)
    srv.kill()
    stop.set()
    for w in workers:
        w.join(timeout=15)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        con = sqlite3.connect(url.database)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
    stored = _names(database_url)
    missing = [n for n in acked if f"Writer {n}" not in stored]
    assert not missing, f"{len(missing)} acknowledged writes lost: {missing[:10]}"
    put("no_lost_writes", "writes acknowledged before kill -9", len(acked))


def _crm(database_url, *args):
    return subprocess.run([str(BIN / "crm"), *args], cwd=ROOT, env=_environment(database_url),
                          capture_output=True, text=True, timeout=300)


def test_backup_during_writes_restores_to_a_consistent_copy(app, db, database_url, make_user, server, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" and not __import__("shutil").which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    make_user("writer@example.org", role="convener")
    srv = server()
    stop, acked = threading.Event(), []
    workers = _write_people(srv, lambda: _signed_in(srv, "writer@example.org"), stop, acked, 400)
    while len(acked) < 100:
        time.sleep(0.05)
    before_backup = set(acked)
    started = time.monotonic()
    backup = tmp_path / "backup.db"
    result = _crm(database_url, "backup", str(backup))
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    stop.set()
    for w in workers:
        w.join(timeout=15)
    srv.stop()
    put("no_lost_writes", "backup seconds during writes", round(took, 2))

    if url.get_backend_name() == "sqlite":
        target_url = f"sqlite:///{tmp_path / 'restored.db'}"
        sqlite3.connect(tmp_path / "restored.db").close()
    else:
        target_url = fresh_postgres_database(database_url, f"{url.database}_restore")
    started = time.monotonic()
    result = _crm(target_url, "restore", str(backup), "--yes")
    assert result.returncode == 0, result.stderr[-2000:]
    put("no_lost_writes", "restore seconds", round(time.monotonic() - started, 2))
    engine = create_engine(target_url)
    with engine.connect() as conn:
        people = {r[0]: r[1] for r in conn.execute(text("SELECT id, name FROM people"))}
        audited = {r[0] for r in conn.execute(text(
            "SELECT entity_id FROM audit_log WHERE entity = 'people' AND action = 'create'"))}
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    assert set(people) == audited, "a person without its audit entry, or the reverse: not a consistent copy"
    missing = [n for n in before_backup if f"Writer {n}" not in set(people.values())]
    assert not missing, f"writes acknowledged before the backup started are missing: {missing[:10]}"
    put("no_lost_writes", "rows in the restored copy", len(people))
