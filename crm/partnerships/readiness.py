"""Launch readiness, as a pure function of the pipeline (no Flask, no SQLAlchemy).

The workbook, section A ("Getting the scope just right"): aim for 25-30 employer champions at
the launch, be happy with 10 or more; 2 is too few (just talk with them), 150 too many. The partnership's own targets
(launch_target_low/high, launch_minimum) override the workbook's defaults in crm.rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crm import rules, vocab

#: Stages where a person has said yes (and may have come since).
ACCEPTED_STAGES = ("accepted", "attended", "champion")
#: Stages where an ask is outstanding.
OUTSTANDING_STAGES = ("ask_assigned", "asked")


@dataclass(frozen=True)
class Member:
    """One membership, as the gauge needs it."""

    stage: str
    employer: bool
    role: str = "member"


@dataclass(frozen=True)
class Readiness:
    accepted_employers: int
    accepted_total: int
    employer_share: float | None  # among accepted attendees; None when nobody accepted yet
    outstanding_asks: int
    accept_rate: float
    rate_is_own: bool
    projected: int
    target_low: int
    target_high: int
    minimum: int
    level: str  # conversation | building | happy | on_target | above_target | too_many
    message: str

    @property
    def percent_of_target(self) -> int:
        return min(100, round(100 * self.accepted_employers / self.target_low)) if self.target_low else 100

    @property
    def projected_percent(self) -> int:
        return min(100, round(100 * self.projected / self.target_low)) if self.target_low else 100


def _level(count: int, low: int, high: int, minimum: int) -> tuple[str, str]:
    if count >= rules.LAUNCH_TOO_MANY:
        return "too_many", f"{count} is more than a working launch can hold ({rules.LAUNCH_TOO_MANY}+)."
    if count > high:
        return "above_target", f"Above the {low}-{high} aim: a full room."
    if count >= low:
        return "on_target", f"On target: {low}-{high} employer champions."
    if count >= minimum:
        return "happy", f"Enough to launch ({minimum}+); the aim is {low}-{high}."
    if count <= rules.LAUNCH_TOO_FEW:
        return "conversation", "Too few for a launch: just have a conversation with them."
    return "building", f"Keep asking: {minimum - count} more to reach {minimum}."


def launch_readiness(members: Iterable[Member], target_low: int = rules.LAUNCH_TARGET_LOW,
                     target_high: int = rules.LAUNCH_TARGET_HIGH,
                     minimum: int = rules.LAUNCH_MINIMUM,
                     default_accept_rate: float = rules.DEFAULT_ACCEPT_RATE,
                     min_answers_for_own_rate: int = rules.MIN_ANSWERS_FOR_OWN_RATE) -> Readiness:
    """The gauge: accepted employer champions against the target, the employer share of the
    accepted, and a projection from outstanding asks at the partnership's acceptance rate
    (its own once it has `min_answers_for_own_rate` answers, else the default)."""
    accepted_employers = accepted_total = outstanding = declined = 0
    for m in members:
        champion_side = m.employer and m.role not in vocab.NON_CHAMPION_ROLES
        if m.stage in ACCEPTED_STAGES:
            accepted_total += 1
            if champion_side:
                accepted_employers += 1
        elif m.stage in OUTSTANDING_STAGES and champion_side:
            outstanding += 1
        elif m.stage == "declined" and champion_side:  # "not_now" was never asked: no answer
            declined += 1
    answers = accepted_employers + declined
    own = answers >= min_answers_for_own_rate
    rate = accepted_employers / answers if own else default_accept_rate
    projected = accepted_employers + int(round(outstanding * rate))
    share = round(accepted_employers / accepted_total, 3) if accepted_total else None
    level, message = _level(accepted_employers, target_low, target_high, minimum)
    return Readiness(accepted_employers, accepted_total, share, outstanding, round(rate, 3), own,
                     projected, target_low, target_high, minimum, level, message)
