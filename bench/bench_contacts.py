"""Server time of the contacts pages at scale: 20,000 people, 2,000 organisations, 200,000 ties
(SQLite in /tmp). Reports median and p95 per page over REPEAT requests through the Flask test
client (no network). Run: .venv/bin/python bench/bench_contacts.py"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from sqlalchemy import insert  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

PEOPLE, ORGS, TIES = (int(os.environ.get(k, d)) for k, d in
                      (("PEOPLE", 20000), ("ORGS", 2000), ("TIES", 200000)))
REPEAT = int(os.environ.get("REPEAT", "30"))


def seed() -> tuple[int, str]:
    from crm.accounts import services as accounts
    from crm.contacts.models import Organisation, Person, Tie, name_key
    from crm.timeutil import utcnow

    rnd = random.Random(7)
    now = utcnow()
    sectors = ["Manufacturing", "Healthcare", "Tech", "Creative"]
    db.session.execute(insert(Organisation), [
        {"id": i + 1, "name": f"Org {i}", "name_key": f"org {i}", "side": "employer", "kind": "employer",
         "sector": sectors[i % 4], "county": f"County {i % 30}", "created_at": now, "updated_at": now,
         "version": 1} for i in range(ORGS)])
    first = ["ann", "bo", "carla", "dev", "eli", "fay", "gus", "hana", "ivan", "jo"]
    db.session.execute(insert(Person), [
        {"id": i + 1, "name": f"{first[i % 10].title()} Smith{i}", "name_key": name_key(f"{first[i % 10]} smith{i}"),
         "organisation_id": i % ORGS + 1, "email": f"p{i}@x.example", "title": "Owner",
         "created_at": now, "updated_at": now, "version": 1} for i in range(PEOPLE)])
    pairs = set()
    while len(pairs) < TIES:
        a, b = rnd.randint(1, PEOPLE), rnd.randint(1, PEOPLE)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    db.session.execute(insert(Tie), [{"kind": "knows", "source_id": a, "target_id": b, "strength": 1,
                                      "created_at": now} for a, b in pairs])
    admin = accounts.create_user("bench@example.org", "bench password long", "admin")
    token = accounts.create_api_token(admin, "bench")
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    return admin.session_token, token


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "x",
                      "TESTING": True, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        session_token, token = seed()
        print(f"seeded {PEOPLE} people, {ORGS} organisations, {TIES} ties in {time.perf_counter() - t0:.1f}s")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_token
        session["_fresh"] = True
    pages = {
        "people list": "/people",
        "people list, page 200": "/people?page=200",
        "people search 'smith12'": "/people?q=smith12",
        "people filter sector+county": "/people?sector=Tech&county=County%203&sort=organisation",
        "person page (~20 ties)": "/people/777",
        "autocomplete 'car'": "/people/search?q=car",
        "organisations list": "/organisations",
        "api people list": "/api/v1/people?per_page=50",
        "api people search": "/api/v1/people?q=ann&per_page=50",
    }
    for name, url in pages.items():
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api") else {}
        times = []
        for _ in range(REPEAT):
            t = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"{name:32s} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
