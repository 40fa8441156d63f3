"""What the health signals read: a partnership as plain data (no Flask, no SQLAlchemy).

`crm.health.services.load_snapshot` fills it from the database with only what the user may
see; the unit tests build it by hand. Dates are calendar dates (the partnership's own day).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from crm import prose, vocab

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
STATES = (GREEN, AMBER, RED, UNKNOWN)
EMPLOYER, COMMUNITY, CONVENER = "employer", "community", "convener"
#: the sides whose work is the community's supply rather than the employers' demand
SUPPLY_SIDES = (COMMUNITY, CONVENER)
#: roles that make someone an existing leader of the partnership (they recruit champions)
LEADER_ROLES = ("chair", "co_chair", "lead_champion", "champion", "convener")
#: the meetings of the whole partnership (champion calls are employers only, by design)
PARTNERSHIP_MEETINGS = ("launch", "second", "other")
#: what a work item's status counts as
OPEN, DONE, DROPPED = "open", "done", "dropped"


def work_side(org_side: str | None, role: str | None) -> str | None:
    """The side someone's work counts on: a convener's is the convener's (whatever their
    organisation), else their organisation's side; a community-partner role without an
    organisation counts as community; anyone else is unknown."""
    if role == CONVENER:
        return CONVENER
    if org_side in (EMPLOYER, COMMUNITY):
        return org_side
    return COMMUNITY if role == "community_partner" else None


@dataclass(frozen=True, slots=True)
class Member:
    person_id: int
    name: str
    side: str | None  # employer | community | convener | None
    role: str
    stage: str
    #: when they became a champion (None: not one now)
    champion_since: date | None = None

    @property
    def engaged(self) -> bool:
        """Accepted, attended, champion, or a chair or convener (crm.vocab.engaged, the one rule)."""
        return vocab.engaged(self.role, self.stage)

    @property
    def leader(self) -> bool:
        return self.role in LEADER_ROLES or self.stage == "champion"


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    meeting_id: int
    on: date
    kind: str
    title: str
    #: employers and community partners marked present
    employers_present: tuple[int, ...] = ()
    community_present: int = 0
    area_id: int | None = None

    @property
    def attendance_taken(self) -> bool:
        return bool(self.employers_present) or self.community_present > 0


@dataclass(frozen=True, slots=True)
class Work:
    """An open or closed piece of the partnership's work: a task or a commitment."""

    type: str  # "task" | "commitment"
    id: int
    owner_id: int | None
    owner_side: str | None  # employer | community | convener | None (unknown, or not visible)
    status: str  # open | done | dropped
    created: date
    due: date | None = None
    done_on: date | None = None
    area_id: int | None = None

    def activity_dates(self) -> tuple[date, ...]:
        """When this item was active: created, and delivered."""
        return (self.created,) + ((self.done_on,) if self.done_on else ())


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    name: str
    champion_ids: tuple[int, ...]
    created: date
    #: the last time its opportunities and requirements were written or revisited
    revisited: date
    #: measurable outcomes and early wins written in its action plan (None: no plan recorded)
    outcomes: int | None = None
    early_wins: int | None = None

    @property
    def is_priority(self) -> bool:
        return bool(self.champion_ids)


@dataclass(frozen=True, slots=True)
class Referral:
    referrer_id: int
    referred_id: int
    on: date


@dataclass(frozen=True)
class Flag:
    """A judgement call the convener recorded (grant game, turf trap), with its date."""

    id: int
    code: str
    noted_on: date
    text: str
    cleared_on: date | None = None


@dataclass(frozen=True, slots=True)
class Keystone:
    person_id: int
    name: str
    #: engaged people who would lose their only link to the partnership if they stepped back
    cut_off: tuple[int, ...] = ()
    #: on a dominant share of the shortest paths between others
    dominant: bool = False


@dataclass(frozen=True)
class KeystoneFacts:
    #: engaged people in the analysis (the ones with ties among them)
    engaged: int
    keystones: tuple[Keystone, ...] = ()
    #: still being computed (a big partnership)
    pending: bool = False


@dataclass(frozen=True)
class Snapshot:
    partnership_id: int
    today: date
    members: tuple[Member, ...] = ()
    meetings: tuple[MeetingFacts, ...] = ()
    work: tuple[Work, ...] = ()
    areas: tuple[Area, ...] = ()
    referrals: tuple[Referral, ...] = ()
    flags: tuple[Flag, ...] = ()
    keystones: KeystoneFacts | None = None
    names: dict[int, str] = field(default_factory=dict)


# --- what a signal says ----------------------------------------------------------------------

#: what a signal's items can be
ITEM_TYPES = ("task", "commitment", "meeting", "priority_area", "health_note")


@dataclass(frozen=True, slots=True)
class Item:
    type: str  # one of ITEM_TYPES
    id: int


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    state: str
    figure: str
    explanation: str
    people: tuple[int, ...] = ()
    items: tuple[Item, ...] = ()

    def as_dict(self) -> dict:
        out = asdict(self)
        out["people"], out["items"] = list(self.people), [asdict(i) for i in self.items]
        return out


def day(value: date) -> str:
    return prose.day(value)


def percent(share: float) -> str:
    return f"{round(share * 100)}%"
