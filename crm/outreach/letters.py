"""The invitation letter, modelled on the workbook's sample launch invitation (section C), as
an editable per-partnership template with fields, rendered per invitee in Jinja's sandbox:
plain text for the .txt/.eml the asker sends, autoescaped HTML for the preview.

A template is a convener's code: it renders in a bounded child process (`crm.sandbox`: time,
memory and output limits from LETTER_RENDER_SECONDS and LETTER_MAX_CHARS), never inside a
transaction (on SQLite a POST's transaction holds the write lock: `render` ends the session's
transaction first), and a template that passes a bound is refused when saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from crm import prose, sandbox, vocab
from crm.extensions import db
from crm.headers import address, header_text
from crm.outreach.models import LetterTemplate
from crm.partnerships.models import Meeting, Membership, Partnership
from crm.timeutil import local

#: The letter's fields: `first_name` is the invitee's, for the greeting; `region` reads as prose
#: ("Larimer, Weld and Boulder counties"); `signatures` are the chairs' names with their titles
#: and employers, as the workbook's sample is signed (section C); `partner` is true when the
#: invitee is a community partner (the letter's partner variant); `asker_is_chair` says
#: whether the one sending it is among the chairs.
FIELDS = ("invitee", "first_name", "asker", "chairs", "signatures", "sector", "partnership", "date",
          "time", "place", "region", "partner", "asker_is_chair")

DEFAULT_SUBJECT = "An invitation: the {{ sector }} sector partnership launch, {{ date }}"
DEFAULT_BODY = """Dear {{ first_name }},

{% if partner %}Over the past months, area business leaders have been working with public partners \
like you to strengthen our region's economy. One of the sectors they prioritized because of its \
great potential is the {{ sector }} sector.

On {{ date }}, {{ chairs }} are hosting a launch meeting for a new {{ sector }} sector partnership \
in {{ region }}. The partnership is led by employers and supported by community partners: we \
would like you to join us at that meeting as a community partner.

At the meeting, business owners and leaders of the sector will name the opportunities and needs \
of their industry and form teams around a few priorities. We ask community partners to listen \
to what employers say, to bring what your organisation can offer, and to support the teams that \
form. The meeting will be a 2-hour commitment, at {{ time }} at {{ place }}.
{% else %}Over the past months, I have been part of a thoughtful group of area business leaders and public \
partners, working together to strengthen our region's economy. One of the sectors we prioritized \
because of its great potential is the {{ sector }} sector, which is why I am especially interested \
in talking to you.

On {{ date }}, {{ chairs }} are hosting a launch meeting for a new {{ sector }} sector partnership \
in {{ region }}. I am really hoping you will join us at that meeting. We will bring together business \
owners and leaders of the sector to talk about ways to grow and sustain our work in the region.

We are modeling our partnership after successful sector partnerships around the country. \
Industry-driven sector partnerships can be a place for business leaders to collectively address \
issues that relate to competitiveness and growth; to find the best ways to work with public and \
education programs; and to help create solutions to pressing issues.

Our hope is to come away from our first meeting with a set of action items for the sector and the \
formation of teams to pursue these priorities. But none of this can happen without you. The meeting \
will be a 2-hour commitment, at {{ time }} at {{ place }}. We realize this is a big ask, but we also \
think this is a big opportunity. We hope you will join us.
{% endif %}
Please let me know if you would like to discuss further and if you can attend. I look forward to \
hearing from you!

Warm regards,

{{ signatures }}
{% if not asker_is_chair %}
Sent on the chairs' behalf by {{ asker }}
{% endif %}"""


class LetterError(ValueError):
    """A template that does not render, with a message for the person editing it."""


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def template_for(partnership_id: int) -> tuple[str, str]:
    """The partnership's (subject, body) template, or the workbook's sample (section C)."""
    saved = db.session.scalar(select(LetterTemplate).where(LetterTemplate.partnership_id == partnership_id))
    return (saved.subject, saved.body) if saved else (DEFAULT_SUBJECT, DEFAULT_BODY)


def check(subject: str, body: str) -> None:
    """Raise LetterError unless both parts render, within the bounds, with sample fields."""
    render(subject, body, dict.fromkeys(FIELDS, "x"))


def save_template(partnership_id: int, subject: str, body: str) -> LetterTemplate:
    """Save a partnership's template once it renders within the bounds (checked before the
    save's transaction begins its writes)."""
    check(subject, body)
    saved = db.session.scalar(select(LetterTemplate).where(LetterTemplate.partnership_id == partnership_id))
    if saved is None:
        saved = LetterTemplate(partnership_id=partnership_id)
        db.session.add(saved)
    saved.subject, saved.body = subject.strip(), body
    db.session.flush()
    return saved


#: session.info key: the session flushed writes in its open transaction (set after a flush,
#: cleared when the transaction ends), which a render's rollback would silently undo
_FLUSHED = "crm.letters.flushed_writes"


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session, _context) -> None:
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flushed_writes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_FLUSHED, None)


def end_transaction() -> None:
    """End the session's transaction before a user's template renders: a render may take
    LETTER_RENDER_SECONDS, and on SQLite a POST's transaction holds the write lock. Objects
    loaded so far reload when next read. Refuses when the session holds writes, unsaved or
    flushed (the render belongs before them; a rollback here once undid a meeting's move)."""
    session = db.session()  # the request's (or job's) session itself, not its scoped proxy
    if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED):
        raise RuntimeError("render a user's template before writing, not between the writes")
    if session.in_transaction():
        session.rollback()


def render_many(subject: str, body: str, each_fields: list[dict], html: bool = False,
                within_transaction: bool = False) -> list[Letter | LetterError]:
    """The letter for each invitee (HTML-escaped when `html`), or a LetterError saying why
    not; one bounded child process renders them all. The session's transaction ends first,
    unless `within_transaction` (a caller that must render after its writes, as a meeting's
    move rewriting its waiting letters: it holds SQLite's write lock for the render)."""
    if not within_transaction:
        end_transaction()
    config = current_app.config
    items = []
    for fields in each_fields:
        items += [(subject, False, fields), (body, html, fields)]
    texts = sandbox.render_each(items, config["LETTER_RENDER_SECONDS"], config["LETTER_MAX_CHARS"])
    letters = []
    for i in range(0, len(texts), 2):
        failed = next((t for t in texts[i:i + 2] if isinstance(t, sandbox.RenderFailure)), None)
        if failed is not None:
            letters.append(LetterError(f"The letter template does not render: {failed.message}."))
        else:
            letters.append(Letter(" ".join(texts[i].split()), texts[i + 1]))
    return letters


def render(subject: str, body: str, fields: dict, html: bool = False) -> Letter:
    """The letter for one invitee (HTML-escaped when `html`); LetterError when it does not render."""
    letter = render_many(subject, body, [fields], html)[0]
    if isinstance(letter, LetterError):
        raise letter
    return letter


def as_eml(letter: Letter, to_name: str, to_email: str | None, from_name: str,
           from_email: str | None) -> bytes:
    """An .eml draft the asker can open in their mail program and send."""
    message = EmailMessage()
    message["From"] = address(from_name, from_email)
    message["To"] = address(to_name, to_email)
    message["Subject"] = header_text(letter.subject)
    message["X-Unsent"] = "1"  # opens as a draft in Outlook and Apple Mail
    message.set_content(letter.body)
    return message.as_bytes()


def signature(person) -> str:
    """A chair's signature as the workbook's sample is signed: name, then title and employer."""
    org = person.organisation.name if person.organisation else None
    role = ", ".join(x for x in (person.title, org) if x)
    return f"{person.name}\n{role}" if role else person.name


def chairs_of(partnership, meeting) -> list:
    """Who signs: the meeting's chairs, else the partnership's chairs and co-chairs."""
    if meeting is not None and meeting.chairs:
        return list(meeting.chairs)
    return [m.person for m in db.session.scalars(
        select(Membership).where(Membership.partnership_id == partnership.id,
                                 Membership.role.in_(vocab.CHAIR_ROLES)).order_by(Membership.id))]


def fields_for(task, meeting) -> dict:
    """The letter's fields for an ask: invitee, asker, chairs and their signatures, sector,
    date, time, place, and whether the invitee is a community partner (the partner variant)."""
    partnership = task_partnership(task)
    invitee = task.person.name if task.person else ""
    chairs = chairs_of(partnership, meeting)
    org = task.person.organisation if task.person else None
    fields = {"invitee": invitee, "first_name": prose.first_name(invitee),
              "asker": task.owner.name if task.owner else "",
              "sector": partnership.sector, "partnership": partnership.name,
              "region": prose.counties(partnership.counties) or "our region",
              "chairs": prose.and_list(c.name for c in chairs) or "our employer chairs",
              "signatures": "\n\n".join(signature(c) for c in chairs) or (task.owner.name if task.owner else ""),
              "partner": bool(org and org.side == "community"),
              "asker_is_chair": not chairs or not task.owner_id or task.owner_id in {c.id for c in chairs},
              "date": "(date to be set)", "time": "(time to be set)", "place": "(place to be set)"}
    if meeting is not None:
        when = local(meeting.starts_at, partnership.timezone)
        fields.update(date=f"{when:%A, %B} {when.day}", time=f"{when:%H:%M}",
                      place=meeting.location or (meeting.host.name if meeting.host else "(place to be set)"))
    return fields


def letter_for(task, html: bool = False) -> Letter:
    """An ask's invitation: its meeting (else the partnership's latest launch), the partnership's template."""
    meeting = db.session.get(Meeting, task.meeting_id) if task.meeting_id else db.session.scalar(
        select(Meeting).where(Meeting.partnership_id == task.partnership_id, Meeting.kind == "launch")
        .order_by(Meeting.starts_at.desc()).limit(1))
    subject, body = template_for(task.partnership_id)
    return render(subject, body, fields_for(task, meeting), html=html)


def task_partnership(task):
    return db.session.get(Partnership, task.partnership_id)
