"""Finding every form a user can fill, by reading the pages the app serves (so a feature's new
form is covered the day it lands): each POST form's action, text fields, selects and hidden
values, parsed from the HTML with the standard library."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

TEXT_TYPES = {"text", "email", "search", "url", "tel", "", None}
#: forms that end the session or destroy data whatever their text: never filled automatically
SKIP_ACTIONS = ("/logout", "/privacy/erase", "/archive", "/delete", "/revoke", "/setup/demo", "/disable")


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, hidden, number, date, checkbox, file, password, button
    # (a named submit button: the value it sends when it is the one pressed)
    options: list[str] = field(default_factory=list)
    value: str = ""
    multiple: bool = False
    maxlength: int | None = None


@dataclass
class Form:
    action: str
    fields: list[Field] = field(default_factory=list)
    enctype: str = ""

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind in ("text", "textarea")]

    @property
    def file_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind == "file"]


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = Form(a.get("action") or self.page_url, enctype=a.get("enctype") or "")
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        maxlength = int(a["maxlength"]) if (a.get("maxlength") or "").isdigit() else None
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            kind = "text" if kind in TEXT_TYPES else kind
            self._form.fields.append(Field(a["name"], kind, value=a.get("value") or "", maxlength=maxlength))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", maxlength=maxlength)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._form.fields.append(Field(a["name"], "button", value=a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def forms_of(html: str, page_url: str) -> list[Form]:
    """The POST forms of a page that a user fills (not sign-out, archive or erase buttons)."""
    parser = _Parser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if not any(s in f.action for s in SKIP_ACTIONS)]
