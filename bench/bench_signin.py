"""Sign-in timing by outcome (issue 12, item 8): a wrong password for an existing account, an
unknown email, and a disabled account, through the real /login form and the Flask test client
(SQLite in /tmp, throttling off). If the medians differ, timing tells who has an account.

Run: .venv/bin/python bench/bench_signin.py [--repeat N] [--small]
Prints the median and p95 per outcome and each median's ratio to the wrong-password one.
The outcomes are interleaved, so load from other processes falls on all of them alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from crm import create_app  # noqa: E402
from crm.accounts import services as accounts  # noqa: E402
from crm.extensions import db  # noqa: E402

PASSWORD = "bench password long"

CASES = {
    "wrong password": "known@example.org",
    "unknown email": "nobody@example.org",
    "disabled account": "gone@example.org",
}


def _setup(app) -> None:
    with app.app_context():
        db.create_all()
        accounts.create_user("known@example.org", PASSWORD, "convener")
        gone = accounts.create_user("gone@example.org", PASSWORD, "convener")
        gone.active = False
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="sign-ins per outcome (40)")
    parser.add_argument("--small", action="store_true", help="10 sign-ins per outcome")
    args = parser.parse_args()
    repeat = 10 if args.small else args.repeat

    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "x",
                      "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    _setup(app)
    client = app.test_client()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for round_ in range(repeat + 2):  # the first two rounds warm up (hasher, templates, caches)
        for name, email in CASES.items():
            started = time.perf_counter()
            response = client.post("/login", data={"email": email, "password": "not the password"})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200 and b"Email or password is not right" in response.data
            if round_ >= 2:
                times[name].append(elapsed)

    base = statistics.median(times["wrong password"])
    print(f"sign-in refused, {repeat} tries each (server time through the test client)")
    for name, values in times.items():
        values.sort()
        median = statistics.median(values)
        p95 = values[max(0, round(0.95 * len(values)) - 1)]
        print(f"{name:18s} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
              f"ratio to wrong password {median / base:5.2f}")


if __name__ == "__main__":
    main()
