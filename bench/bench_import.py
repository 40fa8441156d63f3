"""How long importing a 5,000-row people CSV takes (preview, then confirm in chunks as the
browser does), and a re-import of the same file. Run: .venv/bin/python bench/bench_import.py

Uses a throwaway SQLite database in /tmp; prints seconds per step, and the median/p95 of the
confirm chunks (each chunk is one htmx request in the browser)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from crm import create_app  # noqa: E402
from crm.contacts import import_runs  # noqa: E402
from crm.extensions import db  # noqa: E402

ROWS = int(os.environ.get("ROWS", "5000"))


def csv_bytes(n: int) -> bytes:
    lines = ["\ufeffFull name;Company;E-mail;Title;Tags"]
    for i in range(n):
        email = f"person{i}@org{i % 400}.example" if i % 5 else ""
        lines.append(f"Person {i} Surname{i % 97};Org {i % 400};{email};Owner;tag{i % 20}, imported")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "x",
                      "TESTING": True})
    with app.app_context():
        db.create_all()
        store = import_runs.UploadStore(folder)
        upload_id = store.save(1, "people", "bench.csv", csv_bytes(ROWS))
        info, data = store.load(upload_id, 1)
        from crm.contacts import import_parsing

        sheet = import_parsing.read_csv(data)
        info["mapping"] = import_parsing.guess_mapping(sheet.headers, "people")
        for label in ("first import", "re-import"):
            t0 = time.perf_counter()
            records = import_runs.records_of(info, data)
            plans = import_runs.plan("people", records)
            db.session.rollback()
            preview = time.perf_counter() - t0
            chunks = []
            for start in range(0, len(records), import_runs.CHUNK):
                c0 = time.perf_counter()
                records = import_runs.records_of(info, data)  # each chunk request re-reads the file
                import_runs.apply("people", records[start:start + import_runs.CHUNK])
                db.session.commit()
                chunks.append(time.perf_counter() - c0)
            chunks.sort()
            p95 = chunks[max(0, round(0.95 * len(chunks)) - 1)]
            print(f"{label}: {ROWS} rows, preview {preview:.2f}s ({import_runs.summary(plans)}), "
                  f"confirm {sum(chunks):.2f}s in {len(chunks)} chunks "
                  f"(median {statistics.median(chunks) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
