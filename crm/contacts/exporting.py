"""Writing contacts out: CSV with the importer's own columns, and vCard 4.0. Pure functions.

Cells a spreadsheet would run as a formula are written with a leading `'` (crm/contacts/cells.py),
which the importer removes again, so an export re-imports to no change.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from datetime import UTC

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


#: RFC 6350 section 3.2: a content line longer than this many octets is folded
FOLD_OCTETS = 75


def fold(line: str) -> str:
    """One content line folded at 75 octets (CRLF and a space before each continuation),
    never inside a UTF-8 sequence: a break falls between characters."""
    out, chunk, size = [], [], 0
    for char in line:
        width = len(char.encode())
        # continuation lines begin with a space, which counts towards their 75 octets
        if size + width > FOLD_OCTETS:
            out.append("".join(chunk))
            chunk, size = [" "], 1
        chunk.append(char)
        size += width
    out.append("".join(chunk))
    return "\r\n".join(out)


def vcard_uid(installation: str, person_id: int) -> str:
    """A person's vCard UID: the same in every export of this installation, different from
    any other installation's (a UUID named by both)."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"convene:{installation}:person:{person_id}"))


def vcard_text(people: Iterable[dict]) -> Iterable[str]:
    """vCard 4.0 cards for people (name, title, organisation, email, phone, tags, notes; a
    stable UID and the last change as REV when the row has `uid` and `rev`), lines folded."""
    for p in people:
        lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(p['name'])}"]
        parts = p["name"].rsplit(" ", 1)
        family, given = (parts[1], parts[0]) if len(parts) == 2 else (parts[0], "")
        lines.append(f"N:{_escape(family)};{_escape(given)};;;")
        if p.get("uid"):
            lines.append(f"UID:{p['uid']}")
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
        if p.get("rev"):
            rev = p["rev"] if p["rev"].tzinfo else p["rev"].replace(tzinfo=UTC)
            lines.append(f"REV:{rev.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        lines.append("END:VCARD")
        yield "\r\n".join(fold(line) for line in lines) + "\r\n"
