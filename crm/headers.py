"""Text that goes into a header (an email's Subject, From, To, Reply-To; a download's
Content-Disposition), whatever a user typed.

A header is one line: a name with a CR or LF in it would end the header early (werkzeug and
the email package refuse it outright: a 500, and an .eml that cannot be built), and a file name
with quotes or non-ASCII characters needs RFC 6266 quoting. Every place that puts user text in
a header goes through here, so each is safe by construction:

- `header_text(value)`: one line, no control characters, runs of white space as one space.
- `address(name, email)`: `"Name" <email>` (or the bare email) for From/To/Reply-To.
- `attachment(filename)`: a Content-Disposition value for a download.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import formataddr
from urllib.parse import quote

#: line and paragraph separators that mail programs and browsers may treat as line ends
_BREAKS = {"\u2028", "\u2029", "\x85"}


def header_text(value: str | None) -> str:
    """`value` on one line: control characters and line breaks become spaces, runs of white
    space one space, ends trimmed. None gives ""."""
    if not value:
        return ""
    cleaned = "".join(" " if ch in _BREAKS or unicodedata.category(ch) == "Cc" else ch for ch in value)
    return " ".join(cleaned.split())


def address(name: str | None, email: str | None) -> str:
    """A From/To/Reply-To value: `"Name" <email>`, the bare email, or the name alone (a draft
    with no address yet); each part made one line first."""
    name, email = header_text(name), header_text(email).replace(" ", "")
    if email:
        return formataddr((name, email)) if name else email
    return name


def attachment(filename: str) -> str:
    """A Content-Disposition value that downloads as `filename`: an ASCII fallback, plus the
    exact name in RFC 5987 form when it has other characters."""
    name = header_text(filename).replace("/", "-").replace("\\", "-") or "download"
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
                      .decode("ascii")) or "download"
    if fallback == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
