"""What the dashboard shows each role: what to do next, from what the user may see.

- A chair (journeys, "The chair's week"): the asks they own due this week or overdue, the
  suggestions waiting for their review, the next meeting, accepted employer champions against
  the launch target.
- A convener (and an admin): overdue asks by asker, asks nobody owns yet, approved people
  without an ask, and each partnership's readiness.
- A viewer: each partnership's readiness and next meeting, read-only.

Everything is limited to the partnerships the user may see (crm.accounts.access). Each list is
cut at a few rows with its full count beside it, and each figure is one query for all the
partnerships together, so the number of queries does not grow with rows or partnerships
(tests/web/test_dashboard.py counts them); only the chair's suggestions cost a (cached)
ranking per partnership, for at most `SUGGESTION_PARTNERSHIPS` of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, selectinload

from crm.accounts.access import limit_partnerships
from crm.config import default_timezone
from crm.contacts.models import Person
from crm.extensions import db
from crm.outreach import timeline
from crm.outreach.models import Task
from crm.partnerships import services as partnership_services
from crm.partnerships.models import Meeting, Membership, Partnership
from crm.scoring import suggestions
from crm.timeutil import local, utcnow

#: Rows shown per list (the count beside it says how many there are in all).
LIST_ROWS = 8
#: Partnerships whose suggestions a chair's dashboard ranks (a chair usually has one).
SUGGESTION_PARTNERSHIPS = 3
#: Suggestions named per partnership.
SUGGESTIONS_SHOWN = 3
#: Pipeline stages where a person has been approved for an ask (crm.vocab.STAGES).
APPROVED_STAGES = ("approved", "ask_assigned")


@dataclass
class Listing:
    """A few rows of a list and how many there are in all."""

    rows: list = field(default_factory=list)
    total: int = 0


@dataclass
class PartnershipCard:
    partnership: Partnership
    members: int
    gauge: object  # crm.partnerships.readiness.Readiness
    next_meeting: Meeting | None
    pace: dict = field(default_factory=dict)  # outreach steps on time / at risk / late / done


def partnerships_of(user) -> list[Partnership]:
    """The partnerships the user may see that are not archived, by name."""
    stmt = select(Partnership).where(Partnership.archived_at.is_(None)).order_by(Partnership.name)
    return list(db.session.scalars(limit_partnerships(stmt, Partnership.id, user)))


def cards(partnerships: list[Partnership]) -> list[PartnershipCard]:
    """Each partnership with its member count, readiness gauge, next meeting and the pace of its
    outreach (four queries)."""
    ids = [p.id for p in partnerships] or [-1]
    counts = dict(db.session.execute(
        select(Membership.partnership_id, func.count(Membership.id))
        .where(Membership.partnership_id.in_(ids)).group_by(Membership.partnership_id)).all())
    gauges = partnership_services.readiness_of(partnerships)
    meetings = next_meetings(ids)
    paces = pace_of(partnerships)
    return [PartnershipCard(p, counts.get(p.id, 0), gauges[p.id], meetings.get(p.id), paces[p.id])
            for p in partnerships]


def pace_of(partnerships: list[Partnership]) -> dict[int, dict]:
    """Each partnership's outreach steps on time, at risk, late and done (crm.outreach.timeline),
    counted by due day in one grouped query, on the partnership's own today."""
    rows = db.session.execute(
        select(Task.partnership_id, Task.due, Task.status, func.count())
        .where(Task.partnership_id.in_([p.id for p in partnerships] or [-1]),
               Task.status.in_(("open", "done")))
        .group_by(Task.partnership_id, Task.due, Task.status)).all()
    items: dict[int, list] = {p.id: [] for p in partnerships}
    for pid, due, status, count in rows:
        items[pid].extend([(due, status)] * count)
    return {p.id: dict(timeline.pace_counts(items[p.id], local(utcnow(), p.timezone).date()))
            for p in partnerships}


def next_meetings(partnership_ids) -> dict[int, Meeting]:
    """The next meeting of each partnership (started less than a few hours ago counts as next)."""
    since = utcnow() - timedelta(hours=3)
    first = (select(Meeting.partnership_id, func.min(Meeting.starts_at).label("starts_at"))
             .where(Meeting.partnership_id.in_(list(partnership_ids) or [-1]), Meeting.starts_at >= since)
             .group_by(Meeting.partnership_id).subquery())
    rows = db.session.scalars(
        select(Meeting).join(first, and_(Meeting.partnership_id == first.c.partnership_id,
                                         Meeting.starts_at == first.c.starts_at))
        .options(selectinload(Meeting.host)).order_by(Meeting.id)).all()
    found: dict[int, Meeting] = {}
    for meeting in rows:
        found.setdefault(meeting.partnership_id, meeting)
    return found


def _listing(stmt, limit: int = LIST_ROWS) -> Listing:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return Listing(list(db.session.scalars(stmt.limit(limit))) if total else [], total)


def _open_asks(partnership_ids):
    return (select(Task).where(Task.partnership_id.in_(list(partnership_ids) or [-1]),
                               Task.kind == "ask", Task.status == "open"))


# --- a chair ---------------------------------------------------------------------------------

#: The chair's dashboard lists what they own that is overdue or due within this many days (a
#: week ahead, whatever the weekday: on a Sunday "this week" would end today).
DUE_WITHIN_DAYS = 7


def week_end(today: date) -> date:
    """The last day the dashboard's "due this week" reaches."""
    return today + timedelta(days=DUE_WITHIN_DAYS)


def my_tasks_due(person_id: int | None, partnership_ids, today: date) -> Listing:
    """The open tasks the user's person owns, due by the end of this week (overdue first)."""
    if person_id is None:
        return Listing()
    stmt = (select(Task).where(Task.partnership_id.in_(list(partnership_ids) or [-1]),
                               Task.owner_id == person_id, Task.status == "open",
                               Task.due <= week_end(today))
            .options(selectinload(Task.person))
            .order_by(Task.due, Task.id))
    return _listing(stmt)


@dataclass
class Waiting:
    partnership: Partnership
    total: int
    top: list


def suggestions_waiting(partnerships: list[Partnership]) -> list[Waiting]:
    """Per partnership (the first few): how many suggested invitees wait, and the best ones."""
    waiting = []
    for partnership in partnerships[:SUGGESTION_PARTNERSHIPS]:
        slate = suggestions.slate_of(partnership)
        waiting.append(Waiting(partnership, len(slate), slate.top(SUGGESTIONS_SHOWN)))
    return waiting


# --- a convener ------------------------------------------------------------------------------

@dataclass
class AskerLoad:
    person_id: int
    name: str
    overdue: int
    oldest: date


def overdue_by_asker(partnership_ids, today: date, limit: int = LIST_ROWS) -> Listing:
    """Askers with open asks past due, most first (one grouped query and a count)."""
    asks = _open_asks(partnership_ids).where(Task.due < today, Task.owner_id.is_not(None)).subquery()
    owner = aliased(Person)
    grouped = (select(owner.id, owner.name, func.count(asks.c.id), func.min(asks.c.due))
               .join(asks, asks.c.owner_id == owner.id).group_by(owner.id, owner.name))
    total = db.session.scalar(select(func.count(func.distinct(asks.c.owner_id)))) or 0
    rows = db.session.execute(grouped.order_by(func.count(asks.c.id).desc(), owner.name)
                              .limit(limit)).all() if total else []
    return Listing([AskerLoad(*row) for row in rows], total)


def unowned_asks(partnership_ids) -> Listing:
    """Open asks with nobody to make them, soonest due first."""
    stmt = (_open_asks(partnership_ids).where(Task.owner_id.is_(None))
            .options(selectinload(Task.person))
            .order_by(Task.due, Task.id))
    return _listing(stmt)


def approved_without_ask(partnership_ids) -> Listing:
    """Members approved for an ask (or with an asker named) who have no ask yet."""
    has_ask = (select(Task.id).where(Task.partnership_id == Membership.partnership_id,
                                     Task.person_id == Membership.person_id, Task.kind == "ask",
                                     Task.status != "cancelled").exists())
    stmt = (select(Membership).join(Person, Person.id == Membership.person_id)
            .where(Membership.partnership_id.in_(list(partnership_ids) or [-1]),
                   Membership.stage.in_(APPROVED_STAGES), ~has_ask)
            .options(selectinload(Membership.person), selectinload(Membership.partnership))
            .order_by(Membership.stage_changed_at, Membership.id))
    return _listing(stmt)


# --- the page --------------------------------------------------------------------------------

def for_user(user) -> dict:
    """Everything the dashboard shows this user (the template picks by role)."""
    partnerships = partnerships_of(user)
    ids = [p.id for p in partnerships]
    today = local(utcnow(), default_timezone()).date()
    view = {"cards": cards(partnerships), "today": today, "week_end": week_end(today),
            "names": {p.id: p.name for p in partnerships}}
    if user.person_id is not None and user.role != "viewer":
        view["my_tasks"] = my_tasks_due(user.person_id, ids, today)
    if user.role == "chair":
        view["waiting"] = suggestions_waiting(partnerships)
    if user.is_staff:
        view.update(overdue=overdue_by_asker(ids, today), unowned=unowned_asks(ids),
                    approved=approved_without_ask(ids))
    return view
