"""The workbook's red flags (section F, "Sustainable implementation"), computed from a
partnership's own data and explained: pure, plain data in (`crm.health.snapshot.Snapshot`),
plain data out (`Signal`). Every number is in crm/rules.py with the workbook's words.

Each signal says its state (green, amber, red, or unknown when the data cannot support a
verdict, saying what is missing), the figure behind it, one plain sentence of why, and the
people and items it is about, so a chair can follow the link to the cause. The green lights are
in `crm.health.lights`; `assess` gives both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from crm import rules, vocab
from crm.health import lights
from crm.health.snapshot import (
    AMBER,
    EMPLOYER,
    GREEN,
    OPEN,
    PARTNERSHIP_MEETINGS,
    RED,
    SUPPLY_SIDES,
    UNKNOWN,
    Item,
    Signal,
    Snapshot,
    Work,
    day,
    percent,
)
from crm.prose import and_list, plural

#: the red flags, in the workbook's order of what can be computed, then the judgement calls
RED_FLAGS = ("keystone_conundrum", "supply_side_substitution", "slippery_slope", "narrowing_niche",
             "ambiguity_anchor", "done_deal", "grant_game", "turf_trap")
#: the two red flags the convener records (section F: judgement calls, never computed)
JUDGEMENT_CALLS = vocab.values(vocab.JUDGEMENT_CALLS)
TITLES = {
    "keystone_conundrum": "Keystone conundrum", "supply_side_substitution": "Supply-side substitution",
    "slippery_slope": "Slippery slope", "narrowing_niche": "Narrowing niche",
    "ambiguity_anchor": "Ambiguity anchor", "done_deal": "Done deal", "grant_game": "Grant game",
    "turf_trap": "Turf trap", **lights.TITLES,
}
#: how each state reads, beside its colour (never colour alone): the health page and the one-pager
STATE_WORDS = {"red": "Red flag", "amber": "Watch", "green": "Green", "unknown": "Not enough data"}
LIGHT_WORDS = {"green": "Lit", "amber": "Not lit yet", "red": "Not lit", "unknown": "Not enough data"}


@dataclass(frozen=True)
class Health:
    signals: tuple[Signal, ...]
    green_lights: tuple[Signal, ...]


# --- keystone conundrum -------------------------------------------------------------------

def keystone_conundrum(s: Snapshot) -> Signal:
    """F, "The keystone conundrum": the engaged people's work runs through one or two people."""
    code, facts = "keystone_conundrum", s.keystones
    if facts is None or facts.pending:
        why = ("The network analysis is still running for a partnership this size: look again in a minute."
               if facts else "The network analysis is not available.")
        return Signal(code, UNKNOWN, "not computed yet", why)
    if facts.engaged < rules.KEYSTONE_MIN_PEOPLE:
        return Signal(code, UNKNOWN, f"{plural(facts.engaged, 'engaged person', 'engaged people')} with ties",
                      f"It takes {rules.KEYSTONE_MIN_PEOPLE} engaged people (accepted, attended or champions) "
                      "who know each other to see whether the work runs through one person.")
    ranked = sorted(facts.keystones, key=lambda k: (-len(k.cut_off), not k.dominant, k.person_id))
    red = [k for k in ranked if len(k.cut_off) / facts.engaged >= rules.KEYSTONE_RED_SHARE][:2]
    if red:
        top = red[0]
        names = and_list(k.name for k in red)
        lost = len(top.cut_off)
        figure = f"{top.name}: {lost} of {facts.engaged} engaged people ({percent(lost / facts.engaged)})"
        why = (f"If {top.name} stepped back, {plural(lost, 'engaged person', 'engaged people')} would lose "
               f"their only link to the partnership: its work runs through {names}.")
        cut = sorted({p for k in red for p in k.cut_off})
        return Signal(code, RED, figure, why, tuple(k.person_id for k in red) + tuple(cut))
    if ranked:
        top = ranked[0]
        if top.cut_off:
            why = (f"{top.name} is the only link for {plural(len(top.cut_off), 'engaged person', 'engaged people')}:"
                   " important, but the partnership would hold without them.")
        else:
            why = (f"{top.name} sits on a large share of the paths between engaged people, but nobody depends on "
                   "them alone.")
        leaders = tuple(k.person_id for k in ranked[:5])
        cut = tuple(sorted({p for k in ranked[:5] for p in k.cut_off} - set(leaders)))
        return Signal(code, AMBER, f"{plural(len(ranked), 'important leader')} of {facts.engaged} engaged people",
                      why, leaders + cut)
    return Signal(code, GREEN, f"no keystone among {facts.engaged} engaged people",
                  "If any one person stepped back, every other engaged person would still be linked to "
                  "the partnership: important, not indispensable leaders.")


# --- supply-side substitution ---------------------------------------------------------------

def supply_side_substitution(s: Snapshot) -> Signal:
    """F, "The supply-side substitution": community partners and conveners own the open work."""
    code = "supply_side_substitution"
    owned = [w for w in s.work if w.status == OPEN and w.owner_side is not None]
    if len(owned) < rules.SUPPLY_SIDE_MIN_OPEN:
        return Signal(code, UNKNOWN, f"{plural(len(owned), 'open item')} with a known owner",
                      f"It takes {rules.SUPPLY_SIDE_MIN_OPEN} open commitments or tasks (champion calls, the "
                      "second meeting, recruit one more, custom tasks, action-plan commitments) with an owner "
                      "to say who drives the work.")
    supply = [w for w in owned if w.owner_side in SUPPLY_SIDES]
    share = len(supply) / len(owned)
    figure = f"{len(supply)} of {len(owned)} open ({percent(share)}) owned by community partners and conveners"
    owners = tuple(p for p, _n in Counter(w.owner_id for w in supply).most_common())
    items = tuple(Item(w.type, w.id) for w in supply)
    if share > rules.SUPPLY_SIDE_RED_SHARE:
        return Signal(code, RED, figure, "Most of the open commitments and tasks are owned by community "
                      "partners and conveners rather than employers: the agenda may be drifting from "
                      "employer-driven priorities.", owners, items)
    if share >= rules.SUPPLY_SIDE_AMBER_SHARE:
        return Signal(code, AMBER, figure, f"Employers own {len(owned) - len(supply)} of the {len(owned)} open "
                      "commitments and tasks; community partners and conveners hold a growing part.", owners, items)
    return Signal(code, GREEN, figure, f"Employers own {len(owned) - len(supply)} of the {len(owned)} open "
                  "commitments and tasks: the work is employer-driven.")


# --- slippery slope -------------------------------------------------------------------------

def _falling(earlier: int, later: int) -> bool:
    return earlier > 0 and later <= earlier * (1 - rules.SLIPPERY_DROP_SHARE)


def _employer_activity(work: tuple[Work, ...], start: date, end: date) -> int:
    """Employer-owned items created or delivered in (start, end]."""
    return sum(1 for w in work if w.owner_side == EMPLOYER for d in w.activity_dates() if start < d <= end)


def slippery_slope(s: Snapshot) -> Signal:
    """F, "The slippery slope": employer attendance and employer-owned activity falling."""
    code, window = "slippery_slope", timedelta(days=rules.HEALTH_WINDOW_DAYS)
    taken = sorted((m for m in s.meetings if m.kind in PARTNERSHIP_MEETINGS and m.on <= s.today
                    and m.attendance_taken), key=lambda m: (m.on, m.meeting_id))[-3:]
    recent = _employer_activity(s.work, s.today - window, s.today)
    before = _employer_activity(s.work, s.today - 2 * window, s.today - window)
    judged, falling, parts = 0, [], []
    quiet: list[int] = []
    if len(taken) == 3:
        judged += 1
        counts = [len(m.employers_present) for m in taken]
        parts.append("employers present " + " → ".join(map(str, counts)))
        if _falling(counts[0], counts[-1]):
            falling.append("fewer employers come to partnership meetings")
            last = set(taken[-1].employers_present)
            quiet = sorted({p for m in taken[:-1] for p in m.employers_present} - last)
    if before >= rules.SLIPPERY_MIN_ACTIVITY:
        judged += 1
        parts.append(f"employer activity {before} → {recent} per {rules.HEALTH_WINDOW_DAYS} days")
        if _falling(before, recent):
            falling.append("employers own less of the work")
    if not judged:
        return Signal(code, UNKNOWN, f"{plural(len(taken), 'meeting')} with attendance; "
                      f"{before} employer items in the earlier {rules.HEALTH_WINDOW_DAYS} days",
                      "It takes attendance at three partnership meetings, or "
                      f"{rules.SLIPPERY_MIN_ACTIVITY} employer-owned commitments or tasks in the "
                      f"{rules.HEALTH_WINDOW_DAYS} days before the last {rules.HEALTH_WINDOW_DAYS}, to see a trend.")
    items = tuple(Item("meeting", m.meeting_id) for m in taken)
    figure = "; ".join(parts)
    if len(falling) == 2:
        return Signal(code, RED, figure, f"Employer champions are getting quiet: {and_list(falling)}.",
                      tuple(quiet), items)
    if falling:
        return Signal(code, AMBER, figure, f"Watch employer engagement: {falling[0]}.", tuple(quiet), items)
    return Signal(code, GREEN, figure, "Employers keep coming and keep owning the work.", (), items)


# --- narrowing niche ------------------------------------------------------------------------

def narrowing_niche(s: Snapshot) -> Signal:
    """F, "The narrowing niche": one priority area holds most of the activity."""
    code = "narrowing_niche"
    priorities = {a.id: a for a in s.areas if a.is_priority}
    if not priorities:
        return Signal(code, UNKNOWN, "no priority area with champions",
                      "No priority area has champions yet: the launch's wall makes them.")
    if len(priorities) == 1:
        area = next(iter(priorities.values()))
        return Signal(code, AMBER, "1 priority area", f"Only {area.name} has champions: the agenda rests on a "
                      "single priority, and employers need more than one reason to stay.",
                      area.champion_ids, (Item("priority_area", area.id),))
    since = s.today - timedelta(days=rules.HEALTH_WINDOW_DAYS)
    counts = Counter(w.area_id for w in s.work if w.area_id in priorities
                     and (w.status == OPEN or any(d > since for d in w.activity_dates())))
    counts.update(m.area_id for m in s.meetings if m.area_id in priorities and since < m.on <= s.today)
    total = sum(counts.values())
    if total < rules.NICHE_MIN_ITEMS:
        return Signal(code, UNKNOWN, f"{plural(total, 'item')} of activity tied to priority areas",
                      f"It takes {rules.NICHE_MIN_ITEMS} commitments, tasks or calls tied to priority areas "
                      f"(open, or active in the last {rules.HEALTH_WINDOW_DAYS} days) to see where the work goes.")
    area_id, top = counts.most_common(1)[0]
    area, share = priorities[area_id], top / total
    figure = f"{area.name}: {top} of {total} ({percent(share)})"
    if share >= rules.NICHE_AMBER_SHARE:
        state = RED if share >= rules.NICHE_RED_SHARE else AMBER
        return Signal(code, state, figure, f"{area.name} holds {percent(share)} of the activity across "
                      f"{plural(len(priorities), 'priority area')}: the agenda is narrowing to one priority.",
                      area.champion_ids, (Item("priority_area", area.id),))
    return Signal(code, GREEN, figure, f"The activity is spread over {plural(len(counts), 'priority area')}; "
                  f"the busiest, {area.name}, holds {percent(share)}.")


# --- ambiguity anchor -----------------------------------------------------------------------

def ambiguity_anchor(s: Snapshot) -> Signal:
    """F, "The ambiguity anchor": priority areas with no measurable outcome or no early win."""
    code = "ambiguity_anchor"
    priorities = [a for a in s.areas if a.is_priority]
    judged = [a for a in priorities if (s.today - a.created).days >= rules.AMBIGUITY_GRACE_DAYS]
    if not judged:
        why = ("No priority area has champions yet: the launch's wall makes them." if not priorities else
               f"The priority areas are under {rules.AMBIGUITY_GRACE_DAYS} days old: their first action plans are "
               "written on the champion calls.")
        return Signal(code, UNKNOWN, f"{plural(len(priorities), 'priority area')}, none {rules.AMBIGUITY_GRACE_DAYS} "
                      "days old", why)
    vague = []
    for a in judged:
        missing = [what for what, n in (("a measurable outcome", a.outcomes), ("an early win", a.early_wins)) if not n]
        if missing:
            vague.append((a, missing))
    share = len(vague) / len(judged)
    figure = f"{len(vague)} of {len(judged)} priority areas without a measurable outcome or an early win"
    if not vague:
        return Signal(code, GREEN, figure, "Every priority area has a measurable outcome and an early win "
                      "written in its action plan.")
    first, missing = vague[0]
    why = (f"{first.name} has no {' and no '.join(m.split(' ', 1)[1] for m in missing)} written down"
           + (f", nor {plural(len(vague) - 1, 'other area')}" if len(vague) > 1 else "")
           + ": plans that cannot say what success looks like weigh the move to implementation down.")
    state = RED if share >= rules.AMBIGUITY_RED_SHARE else AMBER
    return Signal(code, state, figure, why, tuple(sorted({p for a, _m in vague for p in a.champion_ids})),
                  tuple(Item("priority_area", a.id) for a, _m in vague))


# --- done deal ------------------------------------------------------------------------------

def done_deal(s: Snapshot) -> Signal:
    """F, "The done deal": opportunities and requirements not revisited in a year."""
    code = "done_deal"
    if not s.areas:
        return Signal(code, UNKNOWN, "no opportunities recorded",
                      "No opportunities or requirements are recorded yet: the launch's wall records them.")
    last = max(a.revisited for a in s.areas)
    age = (s.today - last).days
    stale = tuple(Item("priority_area", a.id) for a in s.areas
                  if (s.today - a.revisited).days >= rules.DONE_DEAL_WARN_DAYS)
    figure = f"last revisited {day(last)} ({plural(age, 'day') + ' ago' if age else 'today'})"
    if age >= rules.DONE_DEAL_DAYS:
        return Signal(code, RED, figure, "Nobody has revisited the opportunities and requirements for over a "
                      "year: hold the annual review before the agenda goes stale.", (), stale)
    if age >= rules.DONE_DEAL_WARN_DAYS:
        due = day(last + timedelta(days=rules.DONE_DEAL_DAYS))
        return Signal(code, AMBER, figure, f"The annual review is due by {due}: revisit the opportunities and "
                      "requirements.", (), stale)
    return Signal(code, GREEN, figure, "The opportunities and requirements were revisited within the year.",
                  (), stale)


# --- grant game and turf trap: recorded, never computed -------------------------------------

def judgement_call(s: Snapshot, code: str) -> Signal:
    """F, "The grant game" / "The turf trap": what the convener recorded, as recorded."""
    flags = sorted((f for f in s.flags if f.code == code), key=lambda f: (f.noted_on, f.id))
    standing = [f for f in flags if f.cleared_on is None]
    items = tuple(Item("health_note", f.id) for f in (standing or flags[-1:]))
    if standing:
        latest = standing[-1]
        return Signal(code, RED, f"recorded {day(latest.noted_on)}",
                      f"The convener recorded it on {day(latest.noted_on)}: a judgement call, not computed.",
                      (), items)
    if flags:
        latest = flags[-1]
        return Signal(code, GREEN, f"cleared {day(latest.cleared_on)}",
                      f"Recorded on {day(latest.noted_on)} and cleared by the convener on {day(latest.cleared_on)}.",
                      (), items)
    return Signal(code, UNKNOWN, "nothing recorded", "A judgement call Convene does not compute: the convener "
                  "records it here with a date when they see it.")


def red_flags(s: Snapshot) -> tuple[Signal, ...]:
    computed = (keystone_conundrum(s), supply_side_substitution(s), slippery_slope(s), narrowing_niche(s),
                ambiguity_anchor(s), done_deal(s))
    return computed + tuple(judgement_call(s, code) for code in JUDGEMENT_CALLS)


def assess(s: Snapshot) -> Health:
    """Every red flag and green light of the partnership."""
    return Health(red_flags(s), lights.green_lights(s))
