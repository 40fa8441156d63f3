"""Action plans per priority area (issue 14 item 5): the plan's goals, outcomes and actions,
commitments with who delivers (employer or partner) and by when, early wins within 60 days of
the launch (a later one saved with its warning), done / dropped with the version checked,
progress notes; the partnership's plan as the rules read it (the health signals read it too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.launch import action_plans as rules
from crm.launch import plans, priorities
from crm.launch.models import ActionPlan, Commitment
from crm.outreach import services as outreach

LAUNCH = date(2026, 3, 2)


@pytest.fixture
def plan_world(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region Plans", timezone="UTC")
    other = make_partnership("Elsewhere Plans", timezone="UTC")
    employer = make_org("Prescott Precision")
    college = make_org("Valley College", side="community", kind="community_college")
    karen = make_person("Karen Alvarez", org=employer)
    dean = make_person("Dean Okafor", org=college)
    hidden = make_person("Hidden Elsewhere", org=employer)
    add_member(p, karen, "champion", "champion")
    add_member(p, dean, "community_partner", "attended")
    add_member(other, hidden)
    outreach.create_meeting(p, datetime(LAUNCH.year, LAUNCH.month, LAUNCH.day, 15, tzinfo=UTC), "launch")
    area = priorities.create_area(p, "Talent pipeline", ["Apprenticeships"], ["A college partner"])
    other_area = priorities.create_area(other, "Hidden area")
    db.session.commit()
    return dict(p=p, other=other, karen=karen, dean=dean, hidden=hidden, area=area, other_area=other_area,
                convener=make_user("plans.convener@example.org", "convener", partnerships=[p]),
                viewer=make_user("plans.viewer@example.org", "viewer", partnerships=[p]),
                chair=make_user("plans.chair@example.org", "chair", partnerships=[p], person=karen),
                outsider=make_user("plans.outsider@example.org", "convener", partnerships=[other]))


def test_commitments_know_their_side_and_an_early_win_on_day_61_is_saved_with_its_warning(db, plan_world):
    area, karen, dean = plan_world["area"], plan_world["karen"], plan_world["dean"]
    on_time, said = plans.add_commitment(area, karen, "Prototype a shared apprenticeship", LAUNCH + timedelta(days=60),
                                         True, "prototype")
    assert said == []
    late, said = plans.add_commitment(area, dean, "Host a career fair", LAUNCH + timedelta(days=61), True, "activity")
    assert [w.code for w in said] == [rules.EARLY_WIN_LATE, rules.EARLY_WIN_ACTIVITY]
    db.session.commit()
    found = {p.id: p for p in plans.promises_of(plan_world["p"])}
    assert found[on_time.id].side == "employer" and found[late.id].side == "community"
    assert db.session.get(Commitment, late.id).status == "open"


def test_a_stale_version_refuses_the_status_change_and_done_sets_done_at(db, plan_world):
    c, _ = plans.add_commitment(plan_world["area"], plan_world["karen"], "Draft the curriculum", LAUNCH, False)
    db.session.commit()
    with pytest.raises(plans.StaleVersion):
        plans.set_status(c, "done", expected_version=c.version + 1)
    plans.set_status(c, "done", expected_version=c.version)
    db.session.commit()
    assert c.status == "done" and c.done_at is not None and c.version == 2
    plans.set_status(c, "open")
    assert c.done_at is None


def test_a_plan_is_made_on_first_save_and_keeps_its_lines_clean(db, plan_world):
    area = plan_world["area"]
    plan = plans.save_plan(area, {"goal_3_months": "  Ten   apprentices ", "goal_3_years": ""},
                           ["20 placed by June", "", " 20 placed by June"], ["Write the curriculum"])
    db.session.commit()
    assert plan.goal_3_months == "Ten apprentices" and plan.goal_3_years is None
    assert plan.outcomes == ["20 placed by June"] and plan.actions == ["Write the curriculum"]
    with pytest.raises(plans.StaleVersion):
        plans.save_plan(area, {}, [], [], expected_version=plan.version + 5)
    assert db.session.query(ActionPlan).count() == 1
