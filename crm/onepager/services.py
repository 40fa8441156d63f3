"""The partnership one-pager for chairs and funders (issue 15 item 5): who is in it, its
priority areas and their lead champions, and the charts (item 2), loaded in a few queries and
computed by the pure crm.onepager.summary, drawn by crm.charts.svg. Reads only.

The chart functions (`champions_chart`, `funnel_chart`, `attendance_chart`,
`commitments_chart`) each take a partnership and return a `crm.charts.svg.Chart`, so any page
can show one: `{{ chart }}` draws it; its `columns` and `rows` are the numbers as a table
(templates/charts/_chart.html's `chart_figure` shows both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm import prose, vocab
from crm.charts import svg
from crm.contacts.models import Organisation, Person
from crm.extensions import db
from crm.launch import action_plans, plans, priorities
from crm.launch import areas as area_rules
from crm.launch.attendance import COMMUNITY, EMPLOYER, side_of
from crm.launch.models import Commitment
from crm.onepager import summary
from crm.outreach.services import today_for
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, Meeting, Membership, Partnership, PriorityArea, StageChange
from crm.partnerships.readiness import Readiness
from crm.timeutil import local, utcnow

#: the meetings the attendance chart shows: the latest this many whose attendance was taken
ATTENDANCE_MEETINGS = 8


@dataclass(frozen=True)
class AreaLine:
    """One priority area as the one-pager states it."""

    area: PriorityArea
    lead: Person | None
    champions: int
    is_priority: bool
    opportunities: int
    requirements: int


@dataclass(frozen=True)
class EarlyWin:
    """An early win as the one-pager lists it: what, for which area, who delivers, by when,
    and where it stands (done, open, late)."""

    commitment: Commitment
    area: PriorityArea
    standing: str
    kind_label: str


@dataclass
class OnePager:
    partnership: Partnership
    today: date
    members: int
    employers: int
    community: int
    champions: int
    chairs: list[tuple[Person, str]]
    areas: list[AreaLine]
    readiness: Readiness
    left: dict[str, int]
    early_wins: list[EarlyWin] = field(default_factory=list)
    #: what employers, community partners and everyone ("all") promised and delivered
    delivery: dict[str, action_plans.Tally] = field(default_factory=dict)
    charts: list[svg.Chart] = field(default_factory=list)

    @property
    def priorities(self) -> list[AreaLine]:
        return [a for a in self.areas if a.is_priority]

    @property
    def not_priorities(self) -> list[AreaLine]:
        return [a for a in self.areas if not a.is_priority]

    @property
    def chair_names(self) -> str:
        return prose.and_list(p.name for p, _role in self.chairs)




def _members(partnership: Partnership) -> list[tuple[str, str, str | None]]:
    """(role, stage, organisation's side) of every member: what the counts need, no objects."""
    return db.session.execute(
        select(Membership.role, Membership.stage, Organisation.side).join(Person, Person.id == Membership.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Membership.partnership_id == partnership.id)).all()


def _chairs(partnership: Partnership) -> list[tuple[Person, str]]:
    """The chair, then the co-chairs (by name), each with their role's label."""
    rows = db.session.execute(
        select(Person, Membership.role).join(Membership, Membership.person_id == Person.id)
        .where(Membership.partnership_id == partnership.id, Membership.role.in_(vocab.CHAIR_ROLES))
        .options(selectinload(Person.organisation)).order_by(Person.name_key)).all()
    rows = sorted(rows, key=lambda row: vocab.CHAIR_ROLES.index(row[1]))
    return [(person, vocab.label(vocab.ROLES, role)) for person, role in rows]


def champions_chart(partnership: Partnership, today: date | None = None) -> svg.Chart:
    """Champions over time, from the stage history (current conveners and community partners
    aside, as in the readiness gauge)."""
    rows = db.session.execute(
        select(StageChange.membership_id, StageChange.at, StageChange.from_stage, StageChange.to_stage)
        .join(Membership, Membership.id == StageChange.membership_id)
        .where(Membership.partnership_id == partnership.id,
               Membership.role.not_in(vocab.NON_CHAMPION_ROLES),
               or_(StageChange.to_stage == summary.CHAMPION, StageChange.from_stage == summary.CHAMPION))
        .order_by(StageChange.at, StageChange.id)).all()
    moves = [summary.Move(mid, local(at, partnership.timezone).date(), before, after)
             for mid, at, before, after in rows]
    points = summary.champions_over_time(moves)
    now = points[-1][1] if points else 0
    return svg.timeline(
        f"champions-{partnership.id}", "Champions over time",
        f"{prose.plural(now, 'champion')} now; the line steps up when someone becomes a champion "
        "and down when a champion moves on.", points, "Champions", until=today or today_for(partnership),
        empty_message="No champions yet.")


def funnel_chart(partnership: Partnership, stages: list[str] | None = None) -> svg.Chart:
    """The pipeline funnel: how many reached each stage, and how many are there now."""
    if stages is None:
        stages = list(db.session.scalars(select(Membership.stage).where(Membership.partnership_id == partnership.id)))
    steps, left = summary.funnel(stages)
    out = ", ".join(f"{n} {vocab.label(vocab.STAGES, s).lower()}" for s, n in left.items() if n)
    return svg.bars(
        f"funnel-{partnership.id}", "Pipeline funnel",
        f"How many people (conveners and community partners included) reached each stage of the "
        f"pipeline and how many are at it now"
        f"{'; out of the pipeline: ' + out if out else ''}.",
        [s.label for s in steps],
        [svg.Series("Reached this stage", tuple(s.reached for s in steps)),
         svg.Series("At this stage now", tuple(s.now for s in steps))],
        "Stage", empty_message="Nobody in the pipeline yet.")


def attendance_chart(partnership: Partnership) -> svg.Chart:
    """Attendance by side at the latest meetings whose attendance was taken: employers and
    community partners marked present (crm.launch.attendance.side_of decides the side)."""
    meetings = db.session.execute(
        select(Meeting.id, Meeting.title, Meeting.kind, Meeting.starts_at)
        .where(Meeting.partnership_id == partnership.id, Meeting.starts_at <= utcnow(),
               Meeting.id.in_(select(Invitation.meeting_id).where(Invitation.attended.is_(True))))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(ATTENDANCE_MEETINGS)).all()
    # who was present, by side: one row per person present (their organisation's side, their role)
    present: dict[int, list[str | None]] = {m.id: [] for m in meetings}
    for meeting_id, org_side, role in db.session.execute(
            select(Invitation.meeting_id, Organisation.side, Membership.role)
            .join(Person, Person.id == Invitation.person_id)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .outerjoin(Membership, (Membership.person_id == Invitation.person_id)
                       & (Membership.partnership_id == partnership.id))
            .where(Invitation.meeting_id.in_(list(present) or [-1]), Invitation.attended.is_(True))):
        present[meeting_id].append(side_of(org_side, role))
    rooms = []
    for meeting in reversed(meetings):
        day = local(meeting.starts_at, partnership.timezone).date()
        label = summary.meeting_label(meeting.title, vocab.label(vocab.MEETING_KINDS, meeting.kind), day)
        rooms.append(summary.room_by_side(label, day, present[meeting.id]))
    return svg.bars(
        f"attendance-{partnership.id}", "Attendance by side",
        "Employers and community partners marked present at each meeting whose attendance was "
        "taken (the workbook wants employers at the centre).",
        [r.label for r in rooms],
        [svg.Series("Employers", tuple(r.employers for r in rooms)),
         svg.Series("Community partners", tuple(r.community for r in rooms))],
        "Meeting", empty_message="No attendance taken yet.")


def _commitments(partnership: Partnership) -> tuple[list[Commitment], list[action_plans.Promise]]:
    commitments = plans.commitments_of([a.id for a in partnership.priority_areas])
    return commitments, plans.promises(commitments, partnership.id, partnership.timezone)


def commitments_chart(partnership: Partnership, today: date | None = None,
                      promises: list[action_plans.Promise] | None = None) -> svg.Chart:
    """Commitments promised vs delivered per priority area (dropped ones are not promises any
    more), with the employers' and community partners' share said in words."""
    today = today or today_for(partnership)
    if promises is None:
        promises = _commitments(partnership)[1]
    areas = [a for a in partnership.priority_areas if any(p.area_id == a.id for p in promises)]
    tallies = [action_plans.tally([p for p in promises if p.area_id == a.id], today) for a in areas]
    sides = action_plans.by_side(promises, today)
    said = "; ".join(f"{who} delivered {sides[side].done} of {sides[side].promised - sides[side].dropped}"
                     for side, who in ((EMPLOYER, "employers"), (COMMUNITY, "community partners"))
                     if sides[side].promised)
    late = sides["all"].late
    return svg.bars(
        f"commitments-{partnership.id}", "Commitments promised vs delivered",
        "What each priority area's champions and partners promised (dropped ones aside) and what "
        f"they have delivered{': ' + said if said else ''}"
        f"{'; ' + prose.plural(late, 'commitment') + ' open past due' if late else ''}.",
        [a.name for a in areas],
        [svg.Series("Promised", tuple(t.promised - t.dropped for t in tallies)),
         svg.Series("Delivered", tuple(t.done for t in tallies))],
        "Priority area", empty_message="No commitments recorded yet.")


def one_pager(partnership: Partnership) -> OnePager:
    """Everything the one-pager states about `partnership`."""
    today = today_for(partnership)
    rows = _members(partnership)
    chairs = _chairs(partnership)
    sides = [side_of(side, role) for role, _stage, side in rows]
    areas = []
    for area in priorities.areas_of(partnership.id):
        champions = priorities.champions_of(area)
        lead_id = area_rules.lead_of(champions)
        lead = next((c.person for c in area.champions if c.person_id == lead_id), None)
        areas.append(AreaLine(area, lead, len(champions), area_rules.is_priority(champions),
                              len(priorities.notes_of(area, "opportunity")),
                              len(priorities.notes_of(area, "requirement"))))
    stages = [stage for _role, stage, _side in rows]
    _steps, left = summary.funnel(stages)
    page = OnePager(
        partnership, today, len(rows), sides.count(EMPLOYER), sides.count(COMMUNITY),
        sum(vocab.counts_as_champion(role, stage) for role, stage, _side in rows), chairs, areas,
        partnerships.readiness(partnership), left)
    commitments, promises = _commitments(partnership)
    by_id = {p.id: p for p in promises}
    areas_by_id = {line.area.id: line.area for line in areas}
    page.early_wins = [
        EarlyWin(c, areas_by_id[c.priority_area_id], action_plans.standing(by_id[c.id], today),
                 vocab.label(vocab.EARLY_WIN_KINDS, c.early_win_kind) if c.early_win_kind else "")
        for c in commitments if c.early_win and c.status != action_plans.DROPPED]
    page.delivery = action_plans.by_side(promises, today)
    page.charts = [champions_chart(partnership, today), funnel_chart(partnership, stages),
                   attendance_chart(partnership), commitments_chart(partnership, today, promises)]
    return page
