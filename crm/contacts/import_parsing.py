"""Reading contact files as people write them: pure parsing, no Flask, no database.

CSV in UTF-8 (with or without BOM) or Windows-1252, `,` `;` or tab separated (sniffed);
vCard 2.1/3.0/4.0 as phones, Google and Outlook export. What each program writes (LinkedIn's
preamble, Google's labels, `tel:` URIs) is known to crm/contacts/formats.py. The output is plain
rows of text keyed by the importer's field names, numbered as a spreadsheet numbers them, plus
per-field problems: a bad field is left out with a warning; only a person with no usable name
is skipped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import vobject

from crm.contacts import formats
from crm.contacts.cells import formula_like, unneutralise

#: The fields each kind of import reads, in the order exports write them.
FIELDS = {
    "people": ("name", "first_name", "last_name", "title", "organisation", "email", "phone",
               "tags", "notes", "since"),
    "organisations": ("name", "kind", "sector", "naics", "county", "city", "size", "website",
                      "notes"),
    "relationships": ("kind", "source_name", "source_email", "target_name", "target_email",
                      "strength", "context"),
}
#: Fields written by exports (first/last name are only read, never written).
EXPORT_FIELDS = {
    "people": ("name", "title", "organisation", "email", "phone", "tags", "notes"),
    "organisations": FIELDS["organisations"],
    "relationships": FIELDS["relationships"],
}

#: Header spellings seen in spreadsheets and address-book exports, normalised (see _key).
SYNONYMS = {
    "name": {"name", "full name", "fullname", "contact", "contact name", "display name", "person"},
    "first_name": {"first name", "firstname", "given name", "first", "prenom"},
    "last_name": {"last name", "lastname", "surname", "family name", "last"},
    "title": {"title", "job title", "position", "role", "job"},
    "organisation": {"organisation", "organization", "company", "employer", "org",
                     "company name", "organisation name", "organization name", "business"},
    "email": {"email", "e mail", "email address", "e mail address", "mail", "email 1 value",
              "primary email", "work email"},
    "phone": {"phone", "telephone", "phone number", "mobile", "cell", "tel", "phone 1 value",
              "work phone", "business phone"},
    "tags": {"tags", "labels", "groups", "categories", "tag"},
    "notes": {"notes", "note", "comments", "comment", "description"},
    "since": {"since", "known since", "connected on", "connected"},
    "kind": {"kind", "type", "organisation kind", "organization type", "relationship", "tie"},
    "sector": {"sector", "industry"},
    "naics": {"naics", "naics code"},
    "county": {"county", "region"},
    "city": {"city", "town"},
    "size": {"size", "employees", "headcount"},
    "website": {"website", "web", "url", "site", "web page"},
    "source_name": {"source name", "source", "from", "from name", "person", "referrer"},
    "source_email": {"source email", "from email", "referrer email"},
    "target_name": {"target name", "target", "to", "to name", "knows", "referred"},
    "target_email": {"target email", "to email"},
    "strength": {"strength", "how well"},
    "context": {"context", "how they know", "notes", "note"},
}

MAX_ROWS = 50_000


class FileError(ValueError):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class Sheet:
    """A decoded table: header cells and data rows, and how the file was written."""

    headers: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    #: the row number a spreadsheet shows for each row (the file's first record is row 1, a
    #: preamble and blank rows count, a cell with line breaks is one row)
    line_numbers: list[int] = field(default_factory=list)
    #: the program that wrote it (formats.FORMATS), from the header
    format: str = "generic"
    #: the spreadsheet row of the header (after a preamble such as LinkedIn's "Notes:")
    header_row: int = 1


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").casefold()).strip()


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was in: UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab, as csv.Sniffer finds it in the first lines (`,` when unsure)."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in ",;\t"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_csv(data: bytes) -> Sheet:
    """Decode and split a CSV file into headers and rows (blank lines dropped)."""
    text, encoding = decode(data)
    if not text.strip():
        raise FileError("The file is empty.")
    if "\x00" in text:
        raise FileError("This does not look like a CSV file (it contains binary data).")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = []
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + formats.PREAMBLE_MAX:
                raise FileError(f"The file has more than {MAX_ROWS:,} rows; split it.")
    except csv.Error as error:
        raise FileError(f"The file could not be read as CSV: {error}.") from None
    at = formats.find_header(records)
    headers = [h.strip() for h in records[at]]
    if not any(headers):
        raise FileError("The first line must name the columns.")
    body = [(n, r) for n, r in enumerate(records[at + 1:], start=at + 2) if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise FileError(f"The file has more than {MAX_ROWS:,} rows; split it.")
    return Sheet(headers=headers, rows=[r for _, r in body], encoding=encoding, delimiter=delimiter,
                 line_numbers=[n for n, _ in body], format=formats.detect(headers), header_row=at + 1)


def guess_mapping(headers: list[str], kind: str) -> dict[str, int]:
    """Field name -> column index: a known program's own columns (formats.py), else the header
    spellings (each column used once)."""
    mapping: dict[str, int] = {}
    if kind == "people":
        mapping = formats.mapping_for(formats.detect(headers), headers)
    used: set[int] = set(mapping.values())
    keys = [_key(h) for h in headers]
    for fld in FIELDS[kind]:
        if fld in mapping:
            continue
        names = SYNONYMS.get(fld, set()) | {_key(fld)}
        for index, key in enumerate(keys):
            if index not in used and key in names:
                mapping[fld] = index
                used.add(index)
                break
    return mapping


def missing_columns(kind: str, mapping: dict[str, int]) -> list[str]:
    """What the mapping step says plainly: the columns no import can go without (a name), and
    for people the ones that let a re-import match (an email)."""
    missing = []
    if kind == "people":
        if not {"name", "first_name", "last_name"} & set(mapping):
            missing.append("No column holds the name: choose Name, or First name and Last name.")
        if "email" not in mapping:
            missing.append("No column holds the email: people will be matched by name and "
                           "organisation only.")
    elif kind == "organisations" and "name" not in mapping:
        missing.append("No column holds the organisation's name.")
    elif kind == "relationships" and not {"source_name", "source_email"} & set(mapping):
        missing.append("No column holds the source person's name or email.")
    return missing


def apply_mapping(sheet: Sheet, mapping: dict[str, int]) -> list[dict[str, str]]:
    """Rows as {field: text} through the mapping (missing cells are blank)."""
    others = {fld: cols[1:] for fld, cols in formats.alternatives(sheet.format, sheet.headers).items()
              if mapping.get(fld) == cols[0]}  # the program's own first choice was kept

    def cell(row: list[str], index: int) -> str:
        return row[index].strip() if 0 <= index < len(row) else ""

    out = []
    for row in sheet.rows:
        record = {}
        for fld, index in mapping.items():
            value = cell(row, index)
            for other in others.get(fld, ()) if not value else ():
                value = value or cell(row, other)
            record[fld] = unneutralise(value)
        out.append(record)
    return out


# --- row checks -----------------------------------------------------------------------------

@dataclass
class RowCheck:
    """One row cleaned for the importer, or why it cannot be imported."""

    line: int
    data: dict
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    #: fields left out or worth a look, the row still imported: (column, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


LIMITS = {"name": 200, "title": 200, "organisation": 200, "email": 320, "phone": 60,
          "sector": 120, "county": 120, "city": 120, "website": 300, "naics": 6,
          "source_name": 200, "target_name": 200, "source_email": 320, "target_email": 320}


def _lengths(data: dict, errors: list) -> None:
    for fld, limit in LIMITS.items():
        if data.get(fld) and len(data[fld]) > limit:
            errors.append((fld, f"longer than {limit} characters"))


#: how a person's fields are cleaned: each returns (value or None, why it cannot be used)
_PERSON_CLEANERS = {"email": formats.clean_email, "phone": formats.clean_phone}


def check_person(line: int, record: dict) -> RowCheck:
    """One person row: each bad field is left out with a warning that says why; the row is
    refused (an error) only when no usable name remains."""
    data = {k: v for k, v in record.items() if v}
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    if not data.get("name"):
        joined = formats.join_name(data.get("first_name"), data.get("last_name"))
        if joined:
            data["name"] = joined
    data.pop("first_name", None)
    data.pop("last_name", None)
    name = data.get("name", "")
    if not re.search(r"\w", name):
        errors.append(("name", "no usable name" + (f" ({name!r})" if name else "")))
    elif len(name) > LIMITS["name"]:
        errors.append(("name", f"longer than {LIMITS['name']} characters"))
    elif formula_like(name):
        warnings.append(("name", "starts like a spreadsheet formula: check it is a name"))
    for fld, cleaner in _PERSON_CLEANERS.items():
        if data.get(fld):
            value, problem = cleaner(data[fld])
            if problem:
                warnings.append((fld, problem + "; imported without it"))
                del data[fld]
            else:
                data[fld] = value
    if data.get("tags"):
        data["tags"] = formats.clean_tags(data["tags"])
        if not data["tags"]:
            del data["tags"]
    if data.get("since"):
        since, problem = formats.clean_date(data["since"])
        if problem:
            warnings.append(("since", problem + "; imported without it"))
            del data["since"]
        else:
            data["since"] = since.isoformat()
    for fld, limit in LIMITS.items():
        if fld != "name" and data.get(fld) and len(data[fld]) > limit:
            warnings.append((fld, f"longer than {limit} characters; imported without it"))
            del data[fld]
    return RowCheck(line, data, errors, warnings)


def check_organisation(line: int, record: dict, kinds: dict[str, str], sizes: tuple) -> RowCheck:
    """`kinds` maps accepted spellings (value or label, normalised) to the stored kind."""
    data = {k: v for k, v in record.items() if v}
    errors: list[tuple[str, str]] = []
    if not data.get("name"):
        errors.append(("name", "an organisation needs a name"))
    if data.get("kind"):
        kind = kinds.get(_key(data["kind"]))
        if kind is None:
            errors.append(("kind", f"unknown kind {data['kind']!r}"))
        else:
            data["kind"] = kind
    if data.get("size") and data["size"] not in sizes:
        errors.append(("size", f"one of {', '.join(sizes)}"))
    if data.get("naics") and not re.match(r"^\d{2,6}$", data["naics"]):
        errors.append(("naics", "2 to 6 digits"))
    if data.get("website") and not data["website"].lower().startswith(("http://", "https://")):
        errors.append(("website", "starts with http:// or https://"))
    _lengths(data, errors)
    return RowCheck(line, data, errors)


STRENGTH_WORDS = {"1": 1, "2": 2, "3": 3, "acquaintance": 1, "works with": 2, "close": 3,
                  "weak": 1, "medium": 2, "strong": 3}


def check_relationship(line: int, record: dict) -> RowCheck:
    data = {k: v for k, v in record.items() if v}
    errors: list[tuple[str, str]] = []
    kind = _key(data.get("kind") or "knows")
    if kind in ("knows", "know", "mutual"):
        data["kind"] = "knows"
    elif kind in ("referred", "referral", "refers"):
        data["kind"] = "referred"
    else:
        errors.append(("kind", "either knows or referred"))
    for side in ("source", "target"):
        if data.get(f"{side}_email"):
            data[f"{side}_email"] = data[f"{side}_email"].lower()
        if not data.get(f"{side}_email") and not data.get(f"{side}_name"):
            errors.append((f"{side}_name", f"name or email of the {side} person needed"))
    strength = _key(data.get("strength") or "1")
    if strength in STRENGTH_WORDS:
        data["strength"] = STRENGTH_WORDS[strength]
    else:
        errors.append(("strength", "1, 2 or 3 (acquaintance, works with, close)"))
    _lengths(data, errors)
    return RowCheck(line, data, errors)


# --- vCard ----------------------------------------------------------------------------------

def read_vcards(data: bytes) -> list[dict[str, str]]:
    """People rows from a .vcf file (vCard 3.0 or 4.0, one or many cards)."""
    text, _ = decode(formats.unfold_vcard(data))
    if "BEGIN:VCARD" not in text.upper():
        raise FileError("This is not a vCard file (no BEGIN:VCARD).")
    rows = []
    try:
        for card in vobject.readComponents(text, ignoreUnreadable=True):
            if card.name.upper() != "VCARD":
                continue
            rows.append(_card_row(card))
            if len(rows) > MAX_ROWS:
                raise FileError(f"The file has more than {MAX_ROWS:,} cards; split it.")
    except FileError:
        raise
    except Exception as error:  # vobject raises its own ParseError and plain ValueErrors
        raise FileError(f"The vCard file could not be read: {error}.") from None
    return rows


def _text(item) -> str:
    value = item.value
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    return str(value).strip()


def _preferred(item) -> bool:
    """TYPE=pref (3.0), PREF=1 (4.0) or a bare PREF (2.1)."""
    return ("PREF" in str(item.params.get("TYPE", "")).upper() or bool(item.params.get("PREF"))
            or "PREF" in (p.upper() for p in getattr(item, "singletonparams", ())))


def _value(card, name: str, cleaner=None) -> str:
    """The card's preferred value of a property (the first usable one when a cleaner says)."""
    items = card.contents.get(name.lower()) or []
    values = [_text(i) for i in sorted(items, key=lambda i: not _preferred(i))]
    values = [v for v in values if v]
    if cleaner is not None:
        usable = [v for v in values if cleaner(v)[1] is None]
        values = usable or values
    return values[0] if values else ""


def _card_row(card) -> dict[str, str]:
    name = _value(card, "fn")
    if not name and "n" in card.contents:
        n = card.n.value
        name = " ".join(p for p in (getattr(n, "given", ""), getattr(n, "family", "")) if p).strip()
    org = ""
    if "org" in card.contents:
        value = card.org.value
        org = (value[0] if isinstance(value, list) and value else str(value or "")).strip()
    categories = ""
    if "categories" in card.contents:
        value = card.categories.value
        categories = ", ".join(value) if isinstance(value, list) else str(value)
    return {"name": name, "title": _value(card, "title"), "organisation": org,
            "email": _value(card, "email", formats.clean_email),
            "phone": _value(card, "tel", formats.clean_phone),
            "tags": categories, "notes": _value(card, "note")}
