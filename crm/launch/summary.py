"""The launch meeting's summary, as pure rules: the draft drafted from the wall (priority areas
with their opportunities, requirements and champions, "not a priority now" for an area nobody
put their name on, next steps with dates), who receives it, and its HTML. No Flask, no
SQLAlchemy: plain data in, plain data out.

The workbook, section D.1 ("Organizing the aftermath"): send the meeting's summary within one
week to everyone who took part *and* to the invitees who could not come, from the chairs, and
ask employers to share it with other employers; its sample (Region X Light Manufacturing)
lists each priority area with its champions, then the next steps with their dates.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from crm import prose
from crm.launch import areas as area_rules

#: the longest subject (the outbox's column) and text a summary takes
MAX_SUBJECT = 300
MAX_TEXT = 50_000


@dataclass(frozen=True)
class ChampionName:
    name: str
    organisation: str | None = None
    lead: bool = False


@dataclass(frozen=True)
class Area:
    """A priority area as the summary tells it (the wall's notes, its champions)."""

    name: str
    opportunities: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    champions: tuple[ChampionName, ...] = ()

    @property
    def is_priority(self) -> bool:
        # the wall's rule, in one place (crm/launch/areas.py): no names, not a priority now
        return area_rules.is_priority(self.champions)


@dataclass(frozen=True)
class NextStep:
    """One dated step: what, who leads it (a name, or None), by when (or on, when `fixed`)."""

    what: str
    due: date
    who: str | None = None
    #: a date already set (a scheduled meeting) rather than a deadline
    fixed: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything the draft is written from."""

    partnership: str
    sector: str
    meeting_day: date
    place: str | None = None
    areas: tuple[Area, ...] = ()
    steps: tuple[NextStep, ...] = ()
    present: int = 0
    employers: int = 0
    community: int = 0
    #: the chairs' signatures ("Name\nTitle, Employer"), as the invitation letters are signed
    signatures: tuple[str, ...] = ()
    #: who sends it when not a chair ("Sent on the chairs' behalf by ..."); None: a chair sends
    sent_by: str | None = None


@dataclass(frozen=True)
class Draft:
    subject: str
    text: str


@dataclass(frozen=True)
class Candidate:
    """Someone invited to the launch (or who walked in), as the recipients rule needs them."""

    person_id: int
    email: str | None
    present: bool = False
    walk_in: bool = False
    archived: bool = False
    merged: bool = False
    #: the record is gone (erased on request): never written to
    erased: bool = False


@dataclass(frozen=True)
class Recipient:
    person_id: int
    email: str


def _day(day: date) -> str:
    return f"{day:%A, %B} {day.day}"


def _champions_line(champions: Iterable[ChampionName]) -> str:
    ordered = sorted(champions, key=lambda c: not c.lead)  # the lead first, then as they signed
    names = []
    for c in ordered:
        name = f"{c.name} ({c.organisation})" if c.organisation else c.name
        names.append(f"{name}, lead" if c.lead else name)
    return "; ".join(names)


def _step_line(step: NextStep) -> str:
    when = f"on {_day(step.due)}" if step.fixed else f"by {_day(step.due)}"
    who = f", led by {step.who}" if step.who else ""
    return f"- {step.what}{who}: {when}"


def room_line(present: int, employers: int, community: int) -> str:
    """Who was in the room, in words ("24 people took part: 18 employers and 6 community partners")."""
    parts = [prose.plural(employers, "employer") if employers else "",
             prose.plural(community, "community partner") if community else ""]
    sides = prose.and_list(parts)
    return f"{prose.plural(present, 'person', 'people')} took part" + (f": {sides}." if sides else ".")


def draft(facts: Facts) -> Draft:
    """The summary as the chairs would write it: thanks, who came, each priority area with its
    champions (the lead marked), opportunities and requirements, the areas that are not a
    priority now, the next steps with dates, the ask to share it with other employers, the
    chairs' signatures."""
    day = _day(facts.meeting_day)
    subject = f"Summary: the {facts.sector} sector partnership launch, {day}"
    out = ["Dear colleagues,", "",
           f"Thank you for taking part in the launch of {facts.partnership} on {day}"
           + (f" at {facts.place}" if facts.place else "")
           + ", and to those who could not join us: here is what the room decided, so you can take "
             "part from here.", ""]
    if facts.present:
        out += [room_line(facts.present, facts.employers, facts.community), ""]
    priorities = [a for a in facts.areas if a.is_priority]
    others = [a for a in facts.areas if not a.is_priority]
    if priorities:
        out += ["PRIORITY AREAS", ""]
        for number, area in enumerate(priorities, 1):
            out.append(f"{number}. {area.name}")
            out.append(f"   Champions: {_champions_line(area.champions)}")
            for title, notes in (("Opportunities", area.opportunities), ("Requirements", area.requirements)):
                if notes:
                    out.append(f"   {title}:")
                    out += [f"   - {n}" for n in notes]
            out.append("")
    else:
        out += ["No priority area has a champion yet: tell us which one you would lead.", ""]
    if others:
        out += [f"{area_rules.NOT_A_PRIORITY.upper()} (nobody put their name on these; an area comes back "
                "when champions step forward)", ""]
        out += [f"- {a.name}" for a in others]
        out.append("")
    if facts.steps:
        out += ["NEXT STEPS", ""]
        out += [_step_line(s) for s in sorted(facts.steps, key=lambda s: (s.due, s.what))]
        out.append("")
    out += ["Employers: please share this summary with other employers in the sector who should be "
            "part of this, and tell us who they are. The partnership grows employer to employer.", "",
            "Warm regards,", ""]
    if facts.signatures:
        out.append("\n\n".join(facts.signatures))
    if facts.sent_by:
        out += ["", f"Sent on the chairs' behalf by {facts.sent_by}"]
    return Draft(subject, "\n".join(out).rstrip() + "\n")


def recipients(candidates: Iterable[Candidate]) -> list[Recipient]:
    """Who receives the summary: everyone present (walk-ins included) and every invitee who did
    not come (whatever they answered: section D.1 sends it to "invitees who could not come"),
    except people without an email address, archived, merged into another record or erased;
    each person once, each address once (two records sharing an address get one message: the
    first by id). In person-id order."""
    out, people, addresses = [], set(), set()
    for c in sorted(candidates, key=lambda c: c.person_id):
        if c.walk_in and not c.present:  # a walk-in unmarked at the door was never invited
            continue
        if c.archived or c.merged or c.erased:
            continue
        email = (c.email or "").strip()
        if not email or "@" not in email:
            continue
        if c.person_id in people or email.casefold() in addresses:
            continue
        people.add(c.person_id)
        addresses.add(email.casefold())
        out.append(Recipient(c.person_id, email))
    return out


@dataclass(frozen=True)
class Sending:
    """Who a send reaches: those not yet sent to (by person, or by an address already written
    to), and those already sent."""

    to_send: tuple[Recipient, ...] = ()
    already: tuple[Recipient, ...] = field(default=())


def not_yet_sent(wanted: Iterable[Recipient], sent_people: Iterable[int], sent_addresses: Iterable[str]) -> Sending:
    """Split the recipients into those still to send to and those already sent the summary (a
    send repeated, or a deliberate resend, reaches only the first)."""
    people = set(sent_people)
    addresses = {a.casefold() for a in sent_addresses}
    to_send, already = [], []
    for r in wanted:
        (already if r.person_id in people or r.email.casefold() in addresses else to_send).append(r)
    return Sending(tuple(to_send), tuple(already))


def problems(subject: str, text: str) -> dict[str, str]:
    """Why a summary cannot be saved (empty: it can), by field."""
    out = {}
    if not " ".join((subject or "").split()):
        out["subject"] = "Give the summary a subject."
    elif len(subject) > MAX_SUBJECT:
        out["subject"] = f"A subject is at most {MAX_SUBJECT} characters."
    if not (text or "").strip():
        out["text"] = "The summary is empty: write it (or start again from the wall)."
    elif len(text) > MAX_TEXT:
        out["text"] = f"A summary is at most {MAX_TEXT:,} characters."
    return out


def clean_subject(subject: str) -> str:
    """A subject on one line (a line break would end the mail header)."""
    return " ".join((subject or "").split())


def clean_text(text: str) -> str:
    """The text as saved: line ends made LF, trailing spaces dropped, control characters
    (tab aside) removed; nothing else changes what was typed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or not (ord(ch) < 32 or ord(ch) == 127))
    return "\n".join(line.rstrip() for line in kept.split("\n")).strip("\n") + "\n"


def _html_line(line: str) -> str:
    indent = len(line) - len(line.lstrip(" "))  # the draft's indented lines keep their indent
    return "&nbsp;" * indent + html.escape(line[indent:])


def html_of(text: str) -> str:
    """The text as safe HTML: every character of the user's text escaped, paragraphs at blank
    lines, line breaks and leading spaces kept."""
    paragraphs = [p for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + "<br>\n".join(_html_line(line) for line in p.strip("\n").split("\n")) + "</p>\n"
                   for p in paragraphs)
