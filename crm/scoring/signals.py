"""Named signals of the three traits, extracted from plain data (no Flask, no SQLAlchemy).

`PersonFacts` is everything the scoring model reads about one person; `tie_signals` turns
the whole tie list into per-person counts at once (so 20,000 people cost one pass, not 20,000
queries). The services load rows and call these; the tests call them directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from crm.scoring import weights


@dataclass(frozen=True)
class Assessment:
    """One assessor's 0-3 rating of one trait."""

    trait: str
    rating: int
    assessor_id: int | None = None
    evidence: str | None = None
    #: the partnership it was made for (None: for the contact base); a user's scores use only
    #: the assessments of partnerships they may see (`visible_assessments`)
    partnership_id: int | None = None


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
    chairs: int = 0  # partnerships they chair or co-chair
    champion_areas: int = 0
    lead_areas: int = 0
    meetings_attended: int = 0
    sector_employers: int = 0
    employer_referrals: int = 0
    community_orgs: int = 0
    assessments: tuple[Assessment, ...] = field(default_factory=tuple)


def visible_assessments(facts: PersonFacts, partnership_ids) -> PersonFacts:
    """The facts with only the assessments made for the contact base or for one of
    `partnership_ids` (None: every partnership). The same object when nothing is left out, so
    callers keep the shared, cached score (`is` tells)."""
    if partnership_ids is None:
        return facts
    kept = tuple(a for a in facts.assessments if a.partnership_id is None or a.partnership_id in partnership_ids)
    return facts if len(kept) == len(facts.assessments) else replace(facts, assessments=kept)


_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


def title_seniority(title: str | None, table=weights.TITLE_SENIORITY) -> tuple[int, str] | None:
    """(company points, label) for a title from the seniority table, None if nothing matches."""
    if not title:
        return None
    if table is weights.TITLE_SENIORITY:
        return _default_seniority(title)
    return _seniority(title, table)


def _seniority(title: str, table) -> tuple[int, str] | None:
    words = " " + " ".join(_WORDS.findall(title.lower())) + " "
    for keys, points, label in table:
        if any(f" {key} " in words for key in keys):
            return points, label
    return None


@lru_cache(maxsize=8192)
def _default_seniority(title: str) -> tuple[int, str] | None:
    return _seniority(title, weights.TITLE_SENIORITY)


@lru_cache(maxsize=8192)
def _is_civic(tag: str, words: tuple[str, ...]) -> bool:
    low = tag.lower()
    return any(w in low for w in words)


def civic_tags(tags: Iterable[str], words=weights.CIVIC_TAG_WORDS) -> list[str]:
    """The tags that record a civic role (board seats, service clubs, foundations...)."""
    words = tuple(words)
    found = [tag for tag in tags if _is_civic(tag, words)]
    return sorted(found, key=str.lower) if len(found) > 1 else found


def tie_signals(knows, referred, person_org: Mapping[int, int | None],
                orgs: Mapping[int, OrgInfo]) -> dict[int, tuple[int, int, int]]:
    """Per person: (distinct other sector employers known, distinct community partner
    organisations known, distinct employers referred). `knows` are mutual pairs, `referred`
    directed (referrer, referred); ties whose ends are not in `person_org` are ignored. A
    colleague is not another employer; an employer of another sector counts only when either
    sector is unknown. Vectorised with numpy (200,000 ties in milliseconds), for the whole
    state and for a handful of people alike."""
    if not person_org:
        return {}
    pids = np.fromiter(person_org.keys(), dtype=np.int64, count=len(person_org))
    org_ids = np.fromiter((-1 if o is None else o for o in person_org.values()), dtype=np.int64,
                          count=len(person_org))
    top_person = int(pids.max())
    org_of = np.full(top_person + 1, -1, dtype=np.int64)
    org_of[pids] = org_ids
    present = np.zeros(top_person + 1, dtype=bool)
    present[pids] = True
    top_org = max(max(orgs, default=0), int(org_ids.max()), 0)
    is_employer = np.zeros(top_org + 2, dtype=bool)  # index -1 (no organisation) stays False
    sector = np.zeros(top_org + 2, dtype=np.int64)  # 0: unknown
    codes: dict[str, int] = {}
    for oid, info in orgs.items():
        is_employer[oid] = info.side == "employer"
        key = (info.sector or "").strip().lower()
        if key:
            sector[oid] = codes.setdefault(key, len(codes) + 1)

    def pairs(rows) -> tuple:
        array = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
        a, b = array[:, 0], array[:, 1]
        inside = (a >= 0) & (b >= 0) & (a <= top_person) & (b <= top_person)
        a, b = a[inside], b[inside]
        keep = present[a] & present[b]
        return a[keep], b[keep]

    def distinct_counts(owner, other, mask, width) -> np.ndarray:
        key = np.unique(owner[mask] * width + other[mask])
        return np.bincount(key // width, minlength=top_person + 1)

    a, b = pairs(list(knows))
    me, other = np.concatenate([a, b]), np.concatenate([b, a])
    mine, theirs = org_of[me], org_of[other]
    has_org = theirs >= 0
    employer = is_employer[theirs] & has_org
    my_sector, their_sector = sector[mine], sector[theirs]
    same_sector = (my_sector == 0) | (their_sector == 0) | (my_sector == their_sector)
    width = top_org + 2
    employers = distinct_counts(me, theirs, employer & (theirs != mine) & same_sector, width)
    community = distinct_counts(me, theirs, has_org & ~employer, width)

    source, target = pairs(list(referred))
    target_org = org_of[target]
    refer_mask = (target_org >= 0) & is_employer[target_org] & (target_org != org_of[source])
    referrals = distinct_counts(source, target, refer_mask, top_person + 1)

    any_signal = np.nonzero((employers > 0) | (community > 0) | (referrals > 0))[0]
    return {int(pid): (int(employers[pid]), int(community[pid]), int(referrals[pid]))
            for pid in any_signal.tolist()}
