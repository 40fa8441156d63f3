"""5,000 LinkedIn connections imported as a chair's contacts: preview, then confirm in chunks
as the browser does (each chunk one request), with a `knows` tie per row; then the same file
again (nothing to do). Run: .venv/bin/python bench/bench_import_linkedin.py [--small] [--runs N]

Each run uses a fresh throwaway SQLite database in /tmp; prints the median over the runs of the
preview (plan + the new organisations' guesses), the whole confirm, a confirm chunk (median and
p95) and the re-import preview."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from crm import create_app  # noqa: E402
from crm.contacts import import_runs  # noqa: E402
from crm.contacts.models import Person, Tie, name_key  # noqa: E402
from crm.extensions import db  # noqa: E402

PREAMBLE = ('Notes:\n"When exporting your connection data, you may notice that some of the email '
            'addresses are missing."\n\n')
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ORGS = ("Front Range Precision {}", "Larimer County Workforce Center", "Aims Community College",
        "Loveland Castings {}", "City of Greeley", "Poudre Valley Plastics {}")


def linkedin_bytes(n: int) -> bytes:
    lines = [PREAMBLE + "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for i in range(n):
        email = f"p{i}@org{i % 300}.example" if i % 3 == 0 else ""
        org = ORGS[i % len(ORGS)].format(i % 300)
        lines.append(f"Renée{i},Núñez{i % 97},https://www.linkedin.com/in/p{i},{email},\"{org}\","
                     f"CEO,{1 + i % 28:02d} {MONTHS[i % 12]} {2010 + i % 15}")
    return ("\n".join(lines) + "\n").encode()


def one_run(rows: int) -> dict:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "x",
                      "TESTING": True})
    with app.app_context():
        db.create_all()
        chair = Person(name="Karen Alvarez", name_key=name_key("Karen Alvarez"))
        db.session.add(chair)
        db.session.commit()
        store = import_runs.UploadStore(folder)
        upload_id = store.save(1, "people", "Connections.csv", linkedin_bytes(rows))
        info, data = store.load(upload_id, 1)
        options = import_runs.Options(contacts_of=chair.id, source=f"import:{upload_id}")
        out: dict = {}
        for label in ("first", "again"):
            t0 = time.perf_counter()
            records = import_runs.records_of(info, data)
            plans = import_runs.plan("people", records, options)
            new_orgs = import_runs.new_organisations(plans, options)
            db.session.rollback()
            out[f"preview_{label}"] = time.perf_counter() - t0
            out[f"summary_{label}"] = import_runs.summary(plans)
            options.org_kinds = {o.key: o.kind for o in new_orgs}
            chunks = []
            for start in range(0, len(records), import_runs.CHUNK):
                c0 = time.perf_counter()
                records = import_runs.records_of(info, data)  # each chunk request re-reads the file
                import_runs.apply("people", records[start:start + import_runs.CHUNK], options)
                db.session.commit()
                chunks.append(time.perf_counter() - c0)
            out[f"confirm_{label}"] = sum(chunks)
            out[f"chunks_{label}"] = sorted(chunks)
        out["ties"] = db.session.query(Tie).count()
        out["people"] = db.session.query(Person).count()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="500 rows instead of 5,000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = 500 if args.small else int(os.environ.get("ROWS", "5000"))
    runs = [one_run(rows) for _ in range(args.runs)]
    med = statistics.median
    chunks = sorted(c for r in runs for c in r["chunks_first"])
    p95 = chunks[max(0, round(0.95 * len(chunks)) - 1)]
    print(f"{rows} LinkedIn rows as a chair's contacts, {args.runs} runs (medians):")
    print(f"  preview            {med(r['preview_first'] for r in runs):.2f} s  {runs[0]['summary_first']}")
    print(f"  confirm            {med(r['confirm_first'] for r in runs):.2f} s in {len(runs[0]['chunks_first'])} "
          f"chunks (chunk median {med(chunks) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms)")
    print(f"  re-import preview  {med(r['preview_again'] for r in runs):.2f} s  {runs[0]['summary_again']}")
    print(f"  re-import confirm  {med(r['confirm_again'] for r in runs):.2f} s")
    print(f"  result             {runs[0]['people']} people, {runs[0]['ties']} ties")


if __name__ == "__main__":
    main()
