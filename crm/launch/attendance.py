"""Attendance at the launch's door, as a pure rule: who counts as an employer or a community
partner in the room, the room's business-led ratio, the order of the door list and who is an
invited no-show. No Flask, no SQLAlchemy: plain data in, plain data out.

The workbook (sections A and C): sector partnerships are "industry-led, community-supported";
the launch is a room of employer champions with community partners who support and listen.
So the room's ratio is employers present over everyone present who is either side
(`crm.rules.BUSINESS_LED_MIN_SHARE` says when the room is business-led).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm.rules import BUSINESS_LED_MIN_SHARE

EMPLOYER, COMMUNITY = "employer", "community"
#: membership roles that make someone a community partner even without an organisation on file
COMMUNITY_ROLES = ("community_partner",)
#: the door list's order of answers: those who said yes first (the convener ticks them most)
RESPONSE_ORDER = ("accepted", "pending", "no_answer", "declined")


def side_of(org_side: str | None, role: str | None = None) -> str | None:
    """Which side of the room someone counts on: their organisation's side decides (an employer's
    staff are employers, whatever their role); without an organisation, a community-partner role
    makes them community; anyone else (a convener with no organisation on file) counts on
    neither side."""
    if org_side in (EMPLOYER, COMMUNITY):
        return org_side
    if role in COMMUNITY_ROLES:
        return COMMUNITY
    return None


def business_led_ratio(employers: int, community: int) -> float:
    """Employers' share of the people present who are on either side (0.0 for an empty room)."""
    total = employers + community
    return round(employers / total, 3) if total else 0.0


def is_business_led(employers: int, community: int, minimum: float = BUSINESS_LED_MIN_SHARE) -> bool:
    """The room is business-led when employers are at least `minimum` of it (and someone is there)."""
    return employers > 0 and business_led_ratio(employers, community) >= minimum


@dataclass(frozen=True)
class Seat:
    """One person on the door list: their invitation's answer (None for a walk-in), whether they
    are marked present, and the side they count on."""

    person_id: int
    name: str
    response: str | None
    present: bool
    side: str | None = None
    walk_in: bool = False


@dataclass(frozen=True)
class Room:
    """Who is in the room and who was invited and is not."""

    present: tuple[int, ...]
    no_show: tuple[int, ...]
    employers: int
    community: int
    #: employers present: each is asked to recruit one more (section D), community partners not
    recruiters: tuple[int, ...] = ()

    @property
    def ratio(self) -> float:
        return business_led_ratio(self.employers, self.community)

    @property
    def business_led(self) -> bool:
        return is_business_led(self.employers, self.community)


def door_order(seats: Iterable[Seat]) -> list[Seat]:
    """The door list: accepted first, then the unanswered, then those who declined, walk-ins
    last; by name within each."""
    def rank(seat: Seat) -> tuple:
        answer = len(RESPONSE_ORDER) if seat.walk_in or seat.response not in RESPONSE_ORDER \
            else RESPONSE_ORDER.index(seat.response)
        return answer, seat.name.casefold(), seat.person_id
    return sorted(seats, key=rank)


def room(seats: Iterable[Seat], started: bool) -> Room:
    """Who is present, the invited no-shows (known once the meeting has started: everyone
    invited who is not marked present, whatever they answered, since the summary and the
    reconnect go to all of them) and the count of each side present."""
    seats = list(seats)
    present = [s for s in seats if s.present]
    no_show = [s for s in seats if started and not s.present and not s.walk_in]
    return Room(tuple(sorted(s.person_id for s in present)), tuple(sorted(s.person_id for s in no_show)),
                sum(s.side == EMPLOYER for s in present), sum(s.side == COMMUNITY for s in present),
                tuple(sorted(s.person_id for s in present if s.side == EMPLOYER)))
