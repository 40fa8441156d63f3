"""Referrals on the launch's wall, as pure rules (the workbook, section C, "Commitments": a
second colour lists the peers not in the room who should be involved). No Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


def referral_problem(present_ids: Collection[int], referrer_id: int, person_id: int | None) -> tuple[str, str] | None:
    """Why this referral cannot be recorded, as (field, message), or None. The one who names a
    peer is someone in the room (marked present at the meeting); the peer is someone else, not
    in the room (someone present puts their own name on an area instead)."""
    if referrer_id not in present_ids:
        return ("referrer_id", "Who names the peer must be marked present at this meeting "
                               "(take attendance first).")
    if person_id is not None and person_id == referrer_id:
        return ("name", "Someone cannot refer themselves: name a peer who should be involved.")
    if person_id is not None and person_id in present_ids:
        return ("name", "They are in the room: they can put their own name on an area.")
    return None


def pick_match(candidates: Sequence[tuple[int, str]]) -> int | None:
    """The one person a referral names, of the people already recorded who may be them
    ((id, reason) as crm.contacts.services.possible_duplicates gives them, surest first):
    the same email first, else the same name at the same organisation; a merely similar name
    is not taken for the same person (a new person is recorded, and the duplicates page offers
    the pair)."""
    for wanted in ("same email", "same name"):
        for person_id, reason in candidates:
            if reason.startswith(wanted):
                return person_id
    return None
