"""Guessing a new organisation's side (employer or community partner) and kind from its name
and its people's email domains, for the import preview to propose. Pure functions.

Community partners (shared/domain.md: workforce boards, economic development, colleges and
universities, K-12, chambers, cities and counties, labour, community-based organisations) say
so in their names; `.gov` and `.edu` addresses say so too, `.org` only weakly (many employers'
associations and hospitals use it). Everything else is an employer. A guess is only a
proposal: the preview lets the user change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: (kind, words in the name that say so), tried in order: the first match wins.
NAME_RULES = (
    ("workforce_board", ("workforce board", "workforce center", "workforce centre",
                         "workforce development", "workforce investment", "american job center",
                         "job center", "wib", "lwib", "workforce")),
    ("economic_development", ("economic development", "edc", "development corporation",
                              "development council")),
    ("community_college", ("community college", "technical college", "college")),
    ("university", ("university", "universidad", "institute of technology")),
    ("k12", ("school district", "public schools", "high school", "isd", "unified school",
             "board of education", "boces")),
    ("chamber", ("chamber", "chamber of commerce", "manufacturers association",
                 "industry association")),
    ("labour", ("afl cio", "labor council", "labour council", "trades council", "building trades",
                "teamsters", "ibew", "uaw", "workers union", "labor union")),
    ("cbo", ("united way", "foundation", "goodwill", "ymca", "nonprofit", "non profit")),
    ("government", ("county", "city of", "town of", "village of", "state of", "department of",
                    "city council", "municipality", "city government")),
)
#: words that say "a company" even when a community word appears ("Weld County Fabrication LLC")
EMPLOYER_WORDS = ("inc", "llc", "ltd", "corp", "corporation", "co", "company", "gmbh", "plc",
                  "llp", "pc", "manufacturing", "industries")
#: (domain ending, kind, strong?)
DOMAIN_RULES = ((".gov", "government", True), (".edu", "university", True),
                (".k12.", "k12", True), (".org", "cbo", False))


@dataclass(frozen=True)
class Guess:
    """A proposed kind (and the side that follows from it), with the reason shown to the user."""

    kind: str
    reason: str

    @property
    def side(self) -> str:
        return "employer" if self.kind == "employer" else "community"


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", (text or "").casefold()).strip() + " "


def _has(text: str, phrase: str) -> bool:
    return f" {phrase} " in text


def guess(name: str, domains: tuple[str, ...] | list[str] = ()) -> Guess:
    """The likely kind of a new organisation named `name` whose people write from `domains`."""
    words = _words(name)
    employer_word = next((w for w in EMPLOYER_WORDS if _has(words, w)), None)
    if re.search(r" local \d+ ", words) and not employer_word:
        return Guess("labour", "the name says “local” and a number (a union local)")
    for kind, phrases in NAME_RULES:
        phrase = next((p for p in phrases if _has(words, p)), None)
        if phrase is None:
            continue
        if employer_word and kind in ("government", "labour", "cbo"):
            break  # "Larimer County Fabrication Inc": a company named after its county
        return Guess(kind, f"the name says “{phrase}”")
    if employer_word:
        return Guess("employer", f"the name says “{employer_word}”")
    weak = None
    for domain in domains:
        host = "." + (domain or "").casefold().rsplit("@", 1)[-1].strip(".")
        for ending, kind, strong in DOMAIN_RULES:
            if host.endswith(ending) or (ending.endswith(".") and ending in host):
                if strong:
                    return Guess(kind, f"email addresses end in {ending.strip('.')}")
                weak = weak or Guess(kind, f"email addresses end in {ending} (a weak hint)")
    return weak or Guess("employer", "nothing says community partner")
