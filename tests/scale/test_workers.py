"""Several gunicorn worker processes share the sign-in rate limit when
CRM_RATELIMIT_STORAGE_URI names a Redis (with memory:// each worker would count alone, so N
workers would allow N times the limit). Starts real processes on loopback ports; skipped where
redis-server is missing (CI installs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from crm import create_app
from crm.extensions import db as _db

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process, timeout=40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited"
        try:
            urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback
            return
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(url: str, data: dict) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, data=urllib.parse.urlencode(data).encode(), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def served(tmp_path):
    """Start redis-server and gunicorn (2 single-thread workers) on a fresh SQLite database."""
    if not shutil.which("redis-server") or os.environ.get("CRM_TEST_DATABASE_URL"):
        pytest.skip("needs redis-server (and runs on SQLite only)")
    db_url = f"sqlite:///{tmp_path / 'workers.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "k" * 40, "TESTING": True})
    with app.app_context():
        from crm.accounts import services

        _db.create_all()
        services.create_user("admin@example.org", "a long password here", "admin")
        _db.session.commit()
        _db.engine.dispose()
    config = tmp_path / "config.py"
    config.write_text('ENV_NAME = "test"\nWTF_CSRF_ENABLED = False\n'
                      'LOGIN_LIMIT_PER_ADDRESS = "1000 per minute"\nLOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"\n')
    redis_port, port = _port(), _port()
    processes = [subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port),
                                   "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)]
    env = dict(os.environ, CRM_DATABASE_URL=db_url, CRM_CONFIG=str(config), CRM_SECRET_KEY="s" * 40,
               CRM_RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0", CRM_WORKERS="2",
               CRM_THREADS="1", CRM_BIND=f"127.0.0.1:{port}")
    processes.append(subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "config/gunicorn.conf.py")],
                                      cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", processes[-1])
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=20)


def test_the_sign_in_limit_holds_across_worker_processes_with_redis(served):
    base = served
    statuses = [_post(f"{base}/login", {"email": "admin@example.org", "password": "wrong"})
                for _ in range(9)]
    # 5 failures allowed per account in total, whichever worker each request reached
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 4

