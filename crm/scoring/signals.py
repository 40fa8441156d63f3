"""Named signals of the three traits, extracted from plain data (no Flask, no SQLAlchemy).

`PersonFacts` is everything the scoring model reads about one person; `tie_signals` turns
the whole tie list into per-person counts in one pass (so 20,000 people cost one loop, not
20,000 queries). The services load rows and call these; the tests call them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crm.scoring import weights


@dataclass(frozen=True)
class Assessment:
    """One assessor's 0-3 rating of one trait."""

    trait: str
    rating: int
    assessor_id: int | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class OrgInfo:
    """What the signals need of an organisation."""

    name: str
    side: str  # "employer" | "community"
    sector: str | None = None
    county: str | None = None


@dataclass(frozen=True)
class PersonFacts:
    """Everything the scoring model reads about one person, as plain values."""

    person_id: int
    name: str = ""
    title: str | None = None
    organisation: str | None = None
    tags: tuple[str, ...] = ()
    tasks_done: int = 0
    champion_areas: int = 0
    lead_areas: int = 0
    meetings_attended: int = 0
    sector_employers: int = 0
    employer_referrals: int = 0
    community_orgs: int = 0
    assessments: tuple[Assessment, ...] = field(default_factory=tuple)


_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


def title_seniority(title: str | None, table=weights.TITLE_SENIORITY) -> tuple[int, str] | None:
    """(company points, label) for a title from the seniority table, None if nothing matches."""
    if not title:
        return None
    words = " " + " ".join(_WORDS.findall(title.lower())) + " "
    for keys, points, label in table:
        if any(f" {key} " in words for key in keys):
            return points, label
    return None


def civic_tags(tags: Iterable[str], words=weights.CIVIC_TAG_WORDS) -> list[str]:
    """The tags that record a civic role (board seats, service clubs, foundations...)."""
    found = []
    for tag in tags:
        low = tag.lower()
        if any(w in low for w in words):
            found.append(tag)
    return sorted(found, key=str.lower)


@dataclass
class TieCounts:
    """Per-person counts from the tie list."""

    sector_employers: set = field(default_factory=set)
    community_orgs: set = field(default_factory=set)
    employer_referrals: set = field(default_factory=set)


def tie_signals(knows: Iterable[tuple[int, int]], referred: Iterable[tuple[int, int]],
                person_org: Mapping[int, int | None], orgs: Mapping[int, OrgInfo]
                ) -> dict[int, tuple[int, int, int]]:
    """Per person: (distinct other sector employers known, distinct community partner
    organisations known, distinct employers referred). `knows` are mutual pairs,
    `referred` directed (referrer, referred)."""
    counts: dict[int, TieCounts] = {}

    def _bucket(pid: int) -> TieCounts:
        bucket = counts.get(pid)
        if bucket is None:
            bucket = counts[pid] = TieCounts()
        return bucket

    def _know(a: int, b: int) -> None:
        org_b = person_org.get(b)
        if org_b is None:
            return
        info_b = orgs.get(org_b)
        if info_b is None:
            return
        org_a = person_org.get(a)
        if info_b.side == "employer":
            if org_b == org_a:
                return  # a colleague is not another employer
            info_a = orgs.get(org_a) if org_a is not None else None
            sector_a = (info_a.sector or "").strip().lower() if info_a else ""
            sector_b = (info_b.sector or "").strip().lower()
            if not sector_a or not sector_b or sector_a == sector_b:
                _bucket(a).sector_employers.add(org_b)
        else:
            _bucket(a).community_orgs.add(org_b)

    for a, b in knows:
        _know(a, b)
        _know(b, a)
    for source, target in referred:
        org_t = person_org.get(target)
        info_t = orgs.get(org_t) if org_t is not None else None
        if info_t is not None and info_t.side == "employer" and org_t != person_org.get(source):
            _bucket(source).employer_referrals.add(target)
    return {pid: (len(c.sector_employers), len(c.community_orgs), len(c.employer_referrals))
            for pid, c in counts.items()}
