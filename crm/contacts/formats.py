"""Which program wrote a contact file, and what its cells mean. Pure functions, no Flask.

The exports conveners bring, as their programs write them:
- LinkedIn `Connections.csv`: a few "Notes:" lines before the header; First Name, Last Name,
  URL, Email Address, Company, Position, Connected On ("12 Mar 2021").
- Google Contacts CSV: First/Last Name (older: Name, Given Name, Family Name), Organization Name
  and Title (older: "Organization 1 - Name"), "E-mail 1 - Value", "Phone 1 - Value" and
  Labels (older: Group Membership) whose cells hold several values joined by " ::: " and
  system labels such as "* myContacts".
- Outlook CSV: First Name, Last Name, Company, Job Title ("Title" is Mr/Ms), E-mail Address,
  Mobile/Business Phone, Categories.
- vCards from phones: `TEL;VALUE=uri:tel:+1-970-555-0112;ext=5` (vCard 4), TYPE parameters,
  quoted-printable names (Android's vCard 2.1), photos (ignored).

`find_header` skips a preamble, `detect` names the program from the header, `mapping_for`
maps its columns to the importer's fields, and the `clean_*` functions turn one cell into the
stored value or say why it cannot be used.
"""

from __future__ import annotations

import re
from datetime import date, datetime

#: programs recognised by their header; "generic" is any other spreadsheet.
FORMATS = {"linkedin": "LinkedIn connections", "google": "Google Contacts", "outlook": "Outlook",
           "vcard": "vCard", "generic": "spreadsheet"}

#: per program: field -> its header spellings (normalised by `key`), the first present wins.
COLUMNS = {
    "linkedin": {
        "first_name": ("first name",), "last_name": ("last name",),
        "email": ("email address",), "organisation": ("company",), "title": ("position",),
        "since": ("connected on",),
    },
    "google": {
        "name": ("name",),
        "first_name": ("first name", "given name"), "last_name": ("last name", "family name"),
        "organisation": ("organization name", "organization 1 name"),
        "title": ("organization title", "organization 1 title"),
        "email": ("e mail 1 value",), "phone": ("phone 1 value",),
        "tags": ("labels", "group membership"), "notes": ("notes",),
    },
    "outlook": {
        "first_name": ("first name",), "last_name": ("last name",),
        "organisation": ("company",), "title": ("job title",),
        "email": ("e mail address",),
        "phone": ("mobile phone", "business phone", "primary phone", "home phone"),
        "tags": ("categories",), "notes": ("notes",),
    },
}

#: header cells that tell a program apart (all must be present).
_SIGNATURES = (
    ("linkedin", ("first name", "last name", "company", "position", "connected on")),
    ("google", ("e mail 1 value",)),
    ("google", ("organization name", "labels")),
    ("google", ("given name", "family name", "group membership")),
    ("outlook", ("first name", "last name", "job title", "e mail address")),
)

#: header spellings any program might use, to tell a header from a preamble line.
HEADER_WORDS = {"name", "first name", "last name", "email", "email address", "e mail address",
                "company", "organisation", "organization", "title", "position", "phone",
                "connected on", "url", "notes", "given name", "family name", "e mail 1 value",
                "organization name", "job title", "labels", "tags", "kind", "source", "target"}

#: how many records a preamble may take before the header
PREAMBLE_MAX = 20


def key(text: str | None) -> str:
    """A header cell as the lookups compare it: case, punctuation and spaces folded."""
    return re.sub(r"[^a-z0-9]+", " ", (text or "").casefold()).strip()


def find_header(records: list[list[str]]) -> int:
    """Index of the header among the first records: a preamble (LinkedIn's "Notes:" lines, a
    title row) and blank lines before it are skipped.

    The header is the first record with two or more known column names; failing that, the
    first with two or more filled cells; failing that (a one-column file), the first filled."""
    first_filled = first_wide = None
    for index, record in enumerate(records[:PREAMBLE_MAX]):
        cells = [c for c in record if c.strip()]
        if not cells:
            continue
        if first_filled is None:
            first_filled = index
        if len(cells) >= 2:
            if sum(key(c) in HEADER_WORDS for c in cells) >= 2:
                return index
            if first_wide is None:
                first_wide = index
    for found in (first_wide, first_filled):
        if found is not None:
            return found
    return 0


def detect(headers: list[str]) -> str:
    """The program that wrote a file with this header, or "generic"."""
    keys = {key(h) for h in headers}
    for name, needed in _SIGNATURES:
        if all(k in keys for k in needed):
            return name
    return "generic"


def mapping_for(fmt: str, headers: list[str]) -> dict[str, int]:
    """Field -> column index for a known program's columns (empty for "generic")."""
    keys = [key(h) for h in headers]
    mapping: dict[str, int] = {}
    for fld, spellings in COLUMNS.get(fmt, {}).items():
        for spelling in spellings:
            if spelling in keys:
                mapping[fld] = keys.index(spelling)
                break
    return mapping


def alternatives(fmt: str, headers: list[str]) -> dict[str, list[int]]:
    """Field -> every column of a known program that may hold it, best first (Outlook's
    Mobile, then Business Phone): an empty cell in the first is filled from the next."""
    keys = [key(h) for h in headers]
    found = {fld: [keys.index(s) for s in spellings if s in keys]
             for fld, spellings in COLUMNS.get(fmt, {}).items()}
    return {fld: cols for fld, cols in found.items() if len(cols) > 1}


# --- one cell at a time ----------------------------------------------------------------------

#: Google joins several values of one cell with this.
MULTI = ":::"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+().\-\s/]*(\s*(x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)


def first_of(value: str) -> str:
    """The first of a Google multi-value cell ("a@x.org ::: b@y.org" -> "a@x.org")."""
    return value.split(MULTI, 1)[0].strip() if MULTI in value else value.strip()


def clean_email(value: str) -> tuple[str | None, str | None]:
    """(the address, lower-cased; or None and why it cannot be used)."""
    text = first_of(value)
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    if not _EMAIL.match(text):
        return None, f"{value.strip()!r} is not an email address"
    return text, None


def clean_phone(value: str) -> tuple[str | None, str | None]:
    """(the number as people write it; or None and why). A `tel:` URI (vCard 4) becomes its
    number, its `;ext=` an " x" extension; other URI parameters are dropped."""
    text = first_of(value)
    if text.lower().startswith("tel:"):
        number, *params = text[4:].split(";")
        ext = next((p.split("=", 1)[1] for p in params if p.lower().startswith("ext=")), "")
        text = number + (f" x{ext}" if ext else "")
    text = text.strip()
    if not _PHONE.match(text) or not re.search(r"\d", text):
        return None, f"{value.strip()!r} is not a phone number (digits, spaces and + ( ) - . only)"
    return text, None


#: Google's own labels ("* myContacts", "* starred"), and the same written without the star.
SYSTEM_LABELS = {"mycontacts", "my contacts", "starred", "imported on", "other contacts"}


def clean_tags(value: str) -> str:
    """Labels as comma-separated tags: Google's " ::: " split, its system labels dropped."""
    tags: list[str] = []
    for part in re.split(r":::|,|;", value):
        tag = part.strip()
        bare = tag.lstrip("*").strip()
        if not bare or tag.startswith("*") or key(bare) in SYSTEM_LABELS \
                or key(bare).startswith("imported on"):
            continue
        if bare.casefold() not in {t.casefold() for t in tags}:
            tags.append(bare)
    return ", ".join(tags)


_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y",
                 "%B %d, %Y")


def clean_date(value: str) -> tuple[date | None, str | None]:
    """(a date from LinkedIn's "12 Mar 2021" and the other common spellings; or None and why)."""
    text = re.sub(r"\s+", " ", value.strip())
    for fmt in _DATE_FORMATS:
        try:
            found = datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
        if 1900 <= found.year <= 2099:
            return found, None
    return None, f"{value.strip()!r} is not a date (like 12 Mar 2021 or 2021-03-12)"


def join_name(*parts: str | None) -> str:
    """First, middle and last name as one name (blank parts left out)."""
    return " ".join(p.strip() for p in parts if p and p.strip())


def unfold_vcard(data: bytes) -> bytes:
    """vCard lines unfolded before decoding (RFC 6350 3.2), so a fold inside a multi-byte
    character cannot make the file look like Windows-1252."""
    return re.sub(rb"\r?\n[ \t]", b"", data)
