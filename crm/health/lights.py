"""The workbook's green lights (section F) that Convene can see in its own data: pure, plain
data in (`Snapshot`), `Signal`s out. A green light is green when lit, amber when not (yet), and
unknown when the data cannot tell (saying what is missing); it is never red.

- leverage_of_leadership: "leaders ... leveraging their networks for new champions": people
  referred by existing leaders (the referral tree) who are now engaged;
- culture_of_commitment: "all participants must contribute": employer-owned commitments
  delivered, of those due;
- dominance_of_doers: "more doers than talkers": of the people who owe commitments, those who
  delivered at least one (commitments delivered per person);
- champion_growth: champions over time: champions now against `HEALTH_WINDOW_DAYS` ago (a
  champion who stepped down is not in the data, so only growth is read).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from crm import rules
from crm.health.snapshot import (
    AMBER,
    DONE,
    DROPPED,
    EMPLOYER,
    GREEN,
    UNKNOWN,
    Item,
    Signal,
    Snapshot,
    Work,
    percent,
)
from crm.prose import plural

CODES = ("leverage_of_leadership", "culture_of_commitment", "dominance_of_doers", "champion_growth")
TITLES = {"leverage_of_leadership": "Leverage of leadership", "culture_of_commitment": "Culture of commitment",
          "dominance_of_doers": "Dominance of doers", "champion_growth": "Growth of champions"}


def leverage_of_leadership(s: Snapshot) -> Signal:
    """New champions (and engaged people) recruited by existing leaders, through referrals."""
    code = "leverage_of_leadership"
    members = {m.person_id: m for m in s.members}
    by_leaders = [r for r in s.referrals if r.referrer_id in members and members[r.referrer_id].leader]
    if not by_leaders:
        return Signal(code, UNKNOWN, "no referrals by leaders", "No referral by a chair, champion or convener is "
                      "recorded yet: the wall's peers and recruit-one-more record who leaders name.")
    referred = sorted({r.referred_id for r in by_leaders})
    engaged = [p for p in referred if p in members and members[p].engaged]
    champions = [p for p in engaged if members[p].stage == "champion"]
    recruiters = sorted({r.referrer_id for r in by_leaders if r.referred_id in engaged})
    figure = f"{len(engaged)} of {len(referred)} referred engaged, {plural(len(champions), 'champion')}"
    if engaged:
        brought = plural(len(engaged), "engaged person", "engaged people")
        return Signal(code, GREEN, figure, f"Leaders brought in {brought} through their own networks, "
                      f"{len(champions)} of them now {'a champion' if len(champions) == 1 else 'champions'}.",
                      tuple(champions + [p for p in engaged if p not in champions] + recruiters))
    return Signal(code, AMBER, figure, f"Leaders named {plural(len(referred), 'person', 'people')}; none has "
                  "accepted, attended or become a champion yet.", tuple(referred))


def _due(work: list[Work], today) -> list[Work]:
    """Commitments delivered, or past their date (dropped ones count as not delivered)."""
    return [w for w in work if w.status == DONE or (w.due is not None and w.due <= today)
            or w.status == DROPPED]


def culture_of_commitment(s: Snapshot) -> Signal:
    """Employer-owned commitments delivered, of those due."""
    code = "culture_of_commitment"
    employers = [w for w in s.work if w.type == "commitment" and w.owner_side == EMPLOYER]
    due = _due(employers, s.today)
    if not due:
        return Signal(code, UNKNOWN, f"{plural(len(employers), 'employer commitment')}, none due yet",
                      "No commitment owned by an employer is due yet: action plans record who delivers what by when.")
    done = [w for w in due if w.status == DONE]
    share = len(done) / len(due)
    figure = f"{len(done)} of {len(due)} due delivered ({percent(share)})"
    owners = tuple(p for p, _n in Counter(w.owner_id for w in done).most_common())
    items = tuple(Item("commitment", w.id) for w in done)
    if share >= rules.DELIVERED_MIN_SHARE:
        return Signal(code, GREEN, figure, f"Employers delivered {len(done)} of the {len(due)} commitments due: "
                      "they contribute, not just take.", owners, items)
    late = tuple(Item("commitment", w.id) for w in due if w.status != DONE)
    return Signal(code, AMBER, figure, f"Employers delivered {len(done)} of the {len(due)} commitments due so far.",
                  owners, late)


def dominance_of_doers(s: Snapshot) -> Signal:
    """Doers and talkers: commitments delivered per person who owes one."""
    code = "dominance_of_doers"
    due = _due([w for w in s.work if w.type == "commitment" and w.owner_id is not None], s.today)
    if not due:
        return Signal(code, UNKNOWN, "no commitment due yet",
                      "No commitment is due yet: doers show once commitments come due.")
    owers = {w.owner_id for w in due}
    delivered = Counter(w.owner_id for w in due if w.status == DONE)
    doers = [p for p, _n in delivered.most_common()]
    talkers = len(owers) - len(doers)
    per_person = sum(delivered.values()) / len(owers)
    figure = f"{plural(len(doers), 'doer')}, {plural(talkers, 'talker')}; {per_person:.1f} delivered per person"
    if doers and len(doers) / len(owers) >= rules.DOERS_MIN_SHARE:
        return Signal(code, GREEN, figure, f"{len(doers)} of the {len(owers)} people who owe commitments have "
                      "delivered: doers drive the action plans.", tuple(doers))
    return Signal(code, AMBER, figure, f"Only {len(doers)} of the {len(owers)} people who owe commitments have "
                  "delivered one: more talkers than doers.", tuple(doers))


def champion_growth(s: Snapshot) -> Signal:
    """Champions now against `HEALTH_WINDOW_DAYS` ago."""
    code = "champion_growth"
    champions = [m for m in s.members if m.champion_since is not None]
    if not champions:
        return Signal(code, UNKNOWN, "no champions yet", "Nobody is a champion yet: growth shows once they are.")
    since = s.today - timedelta(days=rules.HEALTH_WINDOW_DAYS)
    new = sorted((m for m in champions if m.champion_since > since), key=lambda m: (m.champion_since, m.person_id))
    before = len(champions) - len(new)
    figure = f"{before} → {len(champions)} champions in {rules.HEALTH_WINDOW_DAYS} days"
    if new:
        return Signal(code, GREEN, figure, f"{plural(len(new), 'new champion')} in the last "
                      f"{rules.HEALTH_WINDOW_DAYS} days: the partnership is growing.", tuple(m.person_id for m in new))
    return Signal(code, AMBER, figure, f"No new champion in the last {rules.HEALTH_WINDOW_DAYS} days.")


def green_lights(s: Snapshot) -> tuple[Signal, ...]:
    return (leverage_of_leadership(s), culture_of_commitment(s), dominance_of_doers(s), champion_growth(s))
