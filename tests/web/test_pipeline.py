"""The pipeline board (people by stage, moves recorded) and the launch-readiness gauge."""

from __future__ import annotations

from sqlalchemy import select

from crm.contacts import services as contacts
from crm.partnerships import services as partnerships
from crm.partnerships.models import StageChange
from tests.helpers import text_of
from tests.web.world import build_world, sign_in


def test_board_shows_every_stage_and_its_people(client):
    world = build_world()
    sign_in(client, world.users["viewer_a"])
    page = client.get(f"/partnerships/{world.a.id}/pipeline")
    assert page.status_code == 200
    body = text_of(page)
    for label in ("Candidate", "Suggested", "Approved", "Ask assigned", "Asked", "Accepted",
                  "Declined", "Attended", "Champion"):
        assert label in body
    assert "Member Alpha" in body and "Chair Alpha" in body
    assert "Move" not in body  # viewers change nothing


def test_a_move_is_recorded_with_who_and_why(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    response = client.post(f"/partnerships/{world.a.id}/pipeline/{world.membership_a.id}",
                           data={"stage": "asked", "reason": "Called on Monday"})
    assert response.status_code == 303
    change = db.session.scalars(select(StageChange).where(
        StageChange.membership_id == world.membership_a.id).order_by(StageChange.id.desc())).first()
    assert (change.from_stage, change.to_stage, change.reason) == ("suggested", "asked", "Called on Monday")
    assert change.user_id == world.users["convener_a"].id


def test_a_reason_without_a_move_is_kept_once(client, db):
    """The same stage again with a reason (a new reason for not now, a note with a role
    change) records the reason on the stage it stays at; repeating it adds nothing."""
    world = build_world()
    sign_in(client, world.users["convener_a"])
    url = f"/partnerships/{world.a.id}/pipeline/{world.membership_a.id}"
    client.post(url, data={"stage": "not_now", "reason": "Busy until spring"})
    for _ in range(2):
        response = client.post(url, data={"stage": "not_now", "reason": "Back from leave in June ☀"})
        assert response.status_code == 303
    changes = db.session.scalars(select(StageChange).where(
        StageChange.membership_id == world.membership_a.id).order_by(StageChange.id)).all()
    assert [(c.from_stage, c.to_stage, c.reason) for c in changes][-2:] == [
        ("suggested", "not_now", "Busy until spring"), ("not_now", "not_now", "Back from leave in June ☀")]
    db.session.refresh(world.membership_a)
    assert world.membership_a.stage == "not_now"


def test_the_board_and_the_partnership_page_share_one_stage_move(client, db):
    """One move: the board sends a stage, the partnership page a stage and a role; both are
    recorded the same way and each gets its own page back; a bad role changes nothing."""
    world = build_world()
    sign_in(client, world.users["convener_a"])
    base = f"/partnerships/{world.a.id}"
    board = client.post(f"{base}/pipeline/{world.membership_a.id}", data={"stage": "asked"})
    assert board.headers["Location"].endswith(f"{base}/pipeline")
    page = client.post(f"{base}/members/{world.membership_a.id}",
                       data={"stage": "accepted", "role": "champion", "reason": "said yes"})
    assert page.headers["Location"].endswith(base)
    changes = db.session.scalars(select(StageChange).where(
        StageChange.membership_id == world.membership_a.id).order_by(StageChange.id)).all()
    assert [(c.from_stage, c.to_stage) for c in changes][-2:] == [("suggested", "asked"), ("asked", "accepted")]
    refused = client.post(f"{base}/members/{world.membership_a.id}", data={"stage": "declined", "role": "king"})
    assert refused.status_code == 303
    db.session.refresh(world.membership_a)
    assert (world.membership_a.stage, world.membership_a.role) == ("accepted", "champion")


def test_gauge_counts_accepted_employer_champions_and_projects_outstanding_asks(client, db):
    world = build_world()
    for i in range(3):
        org = contacts.save_organisation(None, {"name": f"Yes Co {i}", "kind": "employer"})
        person = contacts.save_person(None, {"name": f"Yes {i}", "organisation_id": org.id})
        partnerships.add_member(world.a, person.id, "member", "accepted")
    for i in range(4):
        org = contacts.save_organisation(None, {"name": f"Asked Co {i}", "kind": "employer"})
        person = contacts.save_person(None, {"name": f"Asked {i}", "organisation_id": org.id})
        partnerships.add_member(world.a, person.id, "member", "asked")
    db.session.commit()
    sign_in(client, world.users["convener_a"])
    body = text_of(client.get(f"/partnerships/{world.a.id}/readiness"))
    # the chair (champion stage) + 3 accepted = 4 employer champions; 4 asks at 50% -> 6
    assert "4 employer champions accepted" in body
    assert "Outstanding asks: 4 ; projected 6" in body
    assert "Keep asking: 6 more to reach 10." in body
    assert "100% of 4" in body


def test_partnership_page_includes_the_readiness_panel_and_links(client):
    world = build_world()
    sign_in(client, world.users["chair_a"])
    page = client.get(f"/partnerships/{world.a.id}").get_data(as_text=True)
    assert f"/partnerships/{world.a.id}/readiness" in page
    assert f"/partnerships/{world.a.id}/review" in page and f"/partnerships/{world.a.id}/pipeline" in page


def test_the_partnership_page_lists_members_a_page_at_a_time(client, db):
    from crm.partnerships.views import MEMBERS_PER_PAGE

    world = build_world()
    before = len(world.a.memberships)
    for i in range(MEMBERS_PER_PAGE + 3):
        person = contacts.save_person(None, {"name": f"Zed Member {i:03d}"})
        partnerships.add_member(world.a, person.id, "member", "candidate")
    db.session.commit()
    sign_in(client, world.users["convener_a"])
    first = text_of(client.get(f"/partnerships/{world.a.id}"))
    assert f"Members ({before + MEMBERS_PER_PAGE + 3})" in first and "Next" in first
    assert "Zed Member 102" not in first  # ordered by role, then name: the last ones are on page 2
    second = text_of(client.get(f"/partnerships/{world.a.id}?page=2"))
    assert "Zed Member 102" in second and "Previous" in second
    assert client.get(f"/partnerships/{world.a.id}?page=-4").status_code == 200
