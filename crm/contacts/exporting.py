"""Writing contacts out: CSV with the importer's own columns, and vCard 4.0. Pure functions.

Cells a spreadsheet would run as a formula are written with a leading `'` (crm/contacts/cells.py),
which the importer removes again, so an export re-imports to no change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from crm.contacts.cells import neutralise
from crm.contacts.import_parsing import EXPORT_FIELDS


def csv_text(kind: str, rows: Iterable[dict]) -> Iterable[str]:
    """CSV lines (header first) for people, organisations or relationships, streamed."""
    fields = EXPORT_FIELDS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(fields)
    yield "\ufeff" + flush()  # a BOM, so Excel reads UTF-8
    for row in rows:
        writer.writerow([neutralise(row.get(f)) for f in fields])
        yield flush()


def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "")
            .replace(",", "\\,").replace(";", "\\;"))


def vcard_text(people: Iterable[dict]) -> Iterable[str]:
    """vCard 4.0 cards for people (name, title, organisation, email, phone, tags, notes)."""
    for p in people:
        lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(p['name'])}"]
        parts = p["name"].rsplit(" ", 1)
        family, given = (parts[1], parts[0]) if len(parts) == 2 else (parts[0], "")
        lines.append(f"N:{_escape(family)};{_escape(given)};;;")
        if p.get("organisation"):
            lines.append(f"ORG:{_escape(p['organisation'])}")
        if p.get("title"):
            lines.append(f"TITLE:{_escape(p['title'])}")
        if p.get("email"):
            lines.append(f"EMAIL:{_escape(p['email'])}")
        if p.get("phone"):
            lines.append(f"TEL:{_escape(p['phone'])}")
        if p.get("tags"):
            lines.append("CATEGORIES:" + ",".join(_escape(t.strip()) for t in p["tags"].split(",")))
        if p.get("notes"):
            lines.append(f"NOTE:{_escape(p['notes'])}")
        lines.append("END:VCARD")
        yield "\r\n".join(lines) + "\r\n"
