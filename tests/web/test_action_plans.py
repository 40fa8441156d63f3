"""Action plans per priority area (issue 14 item 5): the plan's goals, outcomes and actions,
commitments with who delivers (employer or partner) and by when, early wins within 60 days of
the launch (a later one saved with its warning), done / dropped with the version checked,
progress notes; the partnership's plan as the rules read it (the health signals read it too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.launch import action_plans as rules
from crm.launch import plans, priorities
from crm.launch.models import ActionPlan, Commitment, ProgressNote
from crm.outreach import services as outreach
from tests.helpers import shown_text
from tests.web.world import sign_in, snapshot

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
    priorities.add_champion(area, karen, True)
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


# --- pages --------------------------------------------------------------------------------

def test_a_convener_writes_the_plan_adds_two_early_wins_and_the_late_one_is_saved_with_its_warning(
        client, db, plan_world):
    sign_in(client, plan_world["convener"])
    area = plan_world["area"]
    response = client.post(f"/priority-areas/{area.id}/plan", data={
        "goal_3_months": "Ten apprentices", "goal_12_months": "A shared curriculum", "goal_3_years": "A pipeline",
        "outcomes": "20 placed by June\n\n", "actions": "Write the curriculum\r\nFind a college"})
    assert response.status_code == 303
    plan = db.session.scalar(select(ActionPlan))
    assert plan.outcomes == ["20 placed by June"] and plan.actions == ["Write the curriculum", "Find a college"]
    response = client.post(f"/priority-areas/{area.id}/commitments", data={
        "owner_id": plan_world["karen"].id, "text": "Prototype a shared apprenticeship",
        "due": (LAUNCH + timedelta(days=60)).isoformat(), "early_win": "yes", "early_win_kind": "prototype"})
    assert response.status_code == 303
    response = client.post(f"/priority-areas/{area.id}/commitments", data={
        "owner_id": plan_world["dean"].id, "text": "Host a <b>career</b> fair",
        "due": (LAUNCH + timedelta(days=61)).isoformat(), "early_win": "yes", "early_win_kind": "activity"},
        follow_redirects=True)
    page = shown_text(response)
    assert "61 days after the launch" in page and "Saved all the same" in page
    assert "Host a <b>career</b> fair" in page and "<b>career</b>" not in response.get_data(as_text=True)
    assert "Employer" in page and "Community partner" in page
    wins = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
    assert [(c.early_win, c.early_win_kind) for c in wins] == [(True, "prototype"), (True, "activity")]
    # a kind without the early-win box is not kept
    client.post(f"/priority-areas/{area.id}/commitments", data={
        "owner_id": plan_world["karen"].id, "text": "Visit the college", "due": LAUNCH.isoformat(),
        "early_win_kind": "activity"})
    assert db.session.scalar(select(Commitment).where(Commitment.text == "Visit the college")).early_win_kind is None


def test_a_bad_commitment_keeps_what_was_typed_and_changes_nothing(client, db, plan_world):
    sign_in(client, plan_world["chair"])
    before = snapshot()
    area = plan_world["area"]
    for data, message in (
            ({"owner_id": "", "text": "Kept text", "due": "2026-04-01"}, "Choose who delivers it."),
            ({"owner_id": plan_world["hidden"].id, "text": "Kept text", "due": "2026-04-01"},
             "Choose who delivers it."),
            ({"owner_id": plan_world["karen"].id, "text": "Kept text", "due": "01/04/2026"}, "YYYY-MM-DD"),
            ({"owner_id": plan_world["karen"].id, "text": "Kept text", "due": "1999-04-01"}, "Choose a date between"),
            ({"owner_id": plan_world["karen"].id, "text": "Kept text", "due": ""}, "Say by when"),
            ({"owner_id": plan_world["karen"].id, "text": "  ", "due": "2026-04-01"}, "Write the commitment.")):
        response = client.post(f"/priority-areas/{area.id}/commitments", data=data)
        assert response.status_code == 400, data
        assert message in shown_text(response)
        if data["text"].strip():
            assert 'value="Kept text"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_done_and_dropped_with_a_stale_version_answer_409_and_keep_the_commitment(client, db, plan_world):
    c, _ = plans.add_commitment(plan_world["area"], plan_world["karen"], "Draft the curriculum", LAUNCH)
    db.session.commit()
    sign_in(client, plan_world["chair"])
    stale = c.version
    assert client.post(f"/commitments/{c.id}/status", data={"status": "done", "version": stale}).status_code == 303
    assert db.session.get(Commitment, c.id).status == "done"
    response = client.post(f"/commitments/{c.id}/status", data={"status": "dropped", "version": stale})
    assert response.status_code == 409
    assert db.session.get(Commitment, c.id).status == "done"
    response = client.post(f"/commitments/{c.id}/status", data={"status": "nonsense", "version": stale + 1},
                           follow_redirects=True)
    assert "open, done or dropped" in shown_text(response) and db.session.get(Commitment, c.id).status == "done"


def test_the_conflict_page_of_a_stale_status_saves_again_over_the_other_change(client, db, plan_world):
    c, _ = plans.add_commitment(plan_world["area"], plan_world["karen"], "Draft the curriculum", LAUNCH)
    db.session.commit()
    sign_in(client, plan_world["chair"])
    stale = c.version
    assert client.post(f"/commitments/{c.id}/status", data={"status": "done", "version": stale}).status_code == 303
    response = client.post(f"/commitments/{c.id}/status", data={"status": "dropped", "version": stale})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f'name="version" value="{stale + 1}"' in html and 'name="status" value="dropped"' in html
    again = client.post(f"/commitments/{c.id}/status", data={"status": "dropped", "version": stale + 1})
    assert again.status_code == 303 and db.session.get(Commitment, c.id).status == "dropped"


def test_progress_notes_on_the_area_and_on_a_commitment(client, db, plan_world):
    c, _ = plans.add_commitment(plan_world["area"], plan_world["karen"], "Draft the curriculum", LAUNCH)
    db.session.commit()
    sign_in(client, plan_world["convener"])
    area = plan_world["area"]
    assert client.post(f"/priority-areas/{area.id}/progress-notes",
                       data={"note": "Met the college", "noted_on": "2026-03-10"}).status_code == 303
    assert client.post(f"/commitments/{c.id}/progress-notes", data={"note": "First draft out"}).status_code == 303
    response = client.post(f"/commitments/{c.id}/progress-notes", data={"note": " ", "noted_on": "2026-03-11"})
    assert response.status_code == 400 and "Write the note." in shown_text(response)
    notes = db.session.scalars(select(ProgressNote).order_by(ProgressNote.id)).all()
    assert [(n.commitment_id, n.text, n.noted_on) for n in notes] == [
        (None, "Met the college", date(2026, 3, 10)), (c.id, "First draft out", outreach.today_for(plan_world["p"]))]
    page = shown_text(client.get(f"/priority-areas/{area.id}/plan"))
    assert "Met the college" in page and "First draft out" in page


def test_the_partnership_plan_says_who_promised_what_what_is_done_and_what_is_late(client, db, plan_world):
    area, karen, dean = plan_world["area"], plan_world["karen"], plan_world["dean"]
    done, _ = plans.add_commitment(area, karen, "Prototype a shared apprenticeship", LAUNCH + timedelta(days=20),
                                   True, "prototype")
    plans.set_status(done, "done")
    plans.add_commitment(area, dean, "Map the college courses", date(2026, 1, 5))  # long past: late
    plans.add_commitment(area, dean, "Write the grant", date(2099, 1, 5))
    db.session.commit()
    sign_in(client, plan_world["viewer"])
    response = client.get(f"/partnerships/{plan_world['p'].id}/plan")
    assert response.status_code == 200
    page = shown_text(response)
    assert "Map the college courses" in page.split("Late (1)")[1].split("Talent pipeline")[0]
    tally = " ".join(page.split("Who promised what")[1].split("Late (1)")[0].split())
    assert tally == ("Employers Partners All Promised 1 2 3 Done 1 0 1 Open 0 2 2 Late 0 1 1 "
                     "Dropped 0 0 0 Early wins done 1 of 1 0 of 0 1 of 1")
    # days read as the task lists write them; ISO stays in the <time datetime> attribute only
    assert "Mon 05 Jan 2026" in page and "2026-01-05" not in page
    assert 'datetime="2026-01-05"' in response.get_data(as_text=True)
    # a viewer reads the area's plan but gets no forms
    page = client.get(f"/priority-areas/{area.id}/plan").get_data(as_text=True)
    assert "Prototype a shared apprenticeship" in page and "Add commitment" not in page
    assert f"{LAUNCH:%a %d %b %Y}" in page and LAUNCH.isoformat() not in shown_text(
        client.get(f"/priority-areas/{area.id}/plan"))


def test_other_partnerships_areas_and_commitments_answer_404(client, db, plan_world):
    c, _ = plans.add_commitment(plan_world["area"], plan_world["karen"], "Draft the curriculum", LAUNCH)
    db.session.commit()
    sign_in(client, plan_world["outsider"])
    before = snapshot()
    area = plan_world["area"]
    assert client.get(f"/priority-areas/{area.id}/plan").status_code == 404
    assert client.get(f"/partnerships/{plan_world['p'].id}/plan").status_code == 404
    assert client.post(f"/commitments/{c.id}/status", data={"status": "done"}).status_code == 404
    assert client.post(f"/priority-areas/{area.id}/commitments", data={
        "owner_id": plan_world["hidden"].id, "text": "x", "due": "2026-04-01"}).status_code == 404
    assert snapshot() == before


def test_the_areas_and_partnership_pages_link_the_plans(client, db, plan_world):
    sign_in(client, plan_world["convener"])
    p, area = plan_world["p"], plan_world["area"]
    areas_page = client.get(f"/partnerships/{p.id}/priority-areas").get_data(as_text=True)
    assert f"/priority-areas/{area.id}/plan" in areas_page
    detail = client.get(f"/partnerships/{p.id}").get_data(as_text=True)
    assert f"/partnerships/{p.id}/plan" in detail and f"/priority-areas/{area.id}/plan" in detail


def test_an_area_nobody_champions_is_not_a_priority_and_no_early_win_is_asked_of_it(client, db, plan_world):
    quiet = priorities.create_area(plan_world["p"], "Building-materials hub")
    db.session.commit()
    sign_in(client, plan_world["convener"])
    page = shown_text(client.get(f"/priority-areas/{quiet.id}/plan"))
    assert "Not a priority now" in page and "No early win" not in page
    page = shown_text(client.get(f"/partnerships/{plan_world['p'].id}/plan"))
    hub = page.split("Building-materials hub")[1]
    assert "Not a priority now" in hub and "No early win" not in hub
    assert "No early win" in page.split("Building-materials hub")[0]  # the championed area is asked for one
