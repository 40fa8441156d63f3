"""The chairs' review: cards of suggested invitees, decisions kept with who and when, moving
the pipeline; batch actions; chairs never see partnerships they do not chair."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from crm.accounts import services as accounts
from crm.contacts import services as contacts
from crm.partnerships.models import Membership, StageChange
from crm.partnerships.services import add_member, membership_of
from crm.scoring import services as scoring
from crm.scoring.models import ReviewDecision
from tests.helpers import text_of
from tests.web.world import sign_in


@pytest.fixture
def world(world, db):
    """The shared world, and four employer leaders the chair of A knows."""
    people = []
    for i, title in enumerate(["CEO", "Owner", "President", "General Manager"]):
        org = contacts.save_organisation(None, {"name": f"Employer {i}", "kind": "employer",
                                                "sector": "Manufacturing", "county": "Alpha"})
        person = contacts.save_person(None, {"name": f"Leader {i}", "title": title,
                                             "organisation_id": org.id})
        contacts.add_tie("knows", world.chair_person.id, person.id, 2)
        people.append(person)
    db.session.commit()
    world.extra["leaders"] = people
    scoring.clear_cache()
    return world


def add_member_row(db, partnership, person, stage):
    membership = add_member(partnership, person.id, "member", stage)
    db.session.commit()
    return membership


def _decisions(db, partnership_id):
    return db.session.scalars(select(ReviewDecision).where(ReviewDecision.partnership_id == partnership_id)
                              .order_by(ReviewDecision.id)).all()


def test_chair_sees_one_card_per_suggestion_with_scores_reasons_and_team(client, world):
    sign_in(client, world.users["chair_a"])
    page = client.get(f"/partnerships/{world.a.id}/review")
    assert page.status_code == 200
    body = text_of(page)
    for person in world.extra["leaders"]:
        assert person.name in body
    assert "CEO of Employer 0: company +30" in body
    assert "Knows on the team: Chair Alpha" in body
    assert page.get_data(as_text=True).count('class="review-card"') == 6  # 4 leaders, Member Alpha, Member Beta


def test_ill_ask_makes_the_chair_the_asker_and_assigns_the_ask(client, db, world):
    leader = world.extra["leaders"][0]
    sign_in(client, world.users["chair_a"])
    response = client.post(f"/partnerships/{world.a.id}/review",
                           data={"person_id": leader.id, "decision": "ill_ask"})
    assert response.status_code == 303
    membership = membership_of(world.a.id, leader.id)
    assert membership.stage == "ask_assigned"
    [decision] = _decisions(db, world.a.id)
    assert (decision.asker_id, decision.user_id) == (world.chair_person.id, world.users["chair_a"].id)
    moves = db.session.scalars(select(StageChange.to_stage).where(
        StageChange.membership_id == membership.id).order_by(StageChange.id)).all()
    assert moves == ["suggested", "ask_assigned"]


def test_not_now_needs_a_reason_and_changes_nothing_without_one(client, db, world):
    leader = world.extra["leaders"][1]
    sign_in(client, world.users["chair_a"])
    page = client.post(f"/partnerships/{world.a.id}/review", data={"person_id": leader.id,
                                                                    "decision": "not_now"},
                       follow_redirects=True)
    assert "Say why not now" in text_of(page)
    assert membership_of(world.a.id, leader.id) is None and _decisions(db, world.a.id) == []
    client.post(f"/partnerships/{world.a.id}/review", data={"person_id": leader.id, "decision": "not_now",
                                                            "reason": "Selling the company this spring"})
    assert membership_of(world.a.id, leader.id).stage == "not_now"
    assert _decisions(db, world.a.id)[0].reason == "Selling the company this spring"


def _folded(board: str, stage: str) -> str:
    """The people of one of the board's folded stages (crm.partnerships.views.BOARD_FOLDED)."""
    return board.split(f'<details class="fold" data-stage="{stage}">')[1].split('<details class="fold"')[0] \
        .split("</section>")[0]


def test_not_now_is_its_own_stage_with_a_revisit_date_not_a_declined_ask(client, db, world):
    leader = world.extra["leaders"][1]
    sign_in(client, world.users["chair_a"])
    client.post(f"/partnerships/{world.a.id}/review", data={
        "person_id": leader.id, "decision": "not_now", "reason": "Busy until summer", "revisit_on": "2027-06-01"})
    membership = membership_of(world.a.id, leader.id)
    assert (membership.stage, membership.revisit_on) == ("not_now", date(2027, 6, 1))
    review = client.get(f"/partnerships/{world.a.id}/review").get_data(as_text=True)
    assert f'data-person-id="{leader.id}"' not in review
    board = client.get(f"/partnerships/{world.a.id}/pipeline").get_data(as_text=True)
    declined, not_now = _folded(board, "declined"), _folded(board, "not_now")
    assert leader.name not in declined and leader.name in not_now and "revisit 01 Jun 2027" in not_now


def test_moving_to_not_now_on_the_board_needs_a_reason(client, db, world):
    leader = world.extra["leaders"][1]
    membership = add_member_row(db, world.a, leader, "approved")
    sign_in(client, world.users["convener_a"])
    url = f"/partnerships/{world.a.id}/pipeline/{membership.id}"
    before = membership_of(world.a.id, leader.id).stage  # approved, or ask assigned by the plan
    page = client.post(url, data={"stage": "not_now"}, follow_redirects=True)
    assert "Say why not now" in text_of(page) and membership_of(world.a.id, leader.id).stage == before
    client.post(url, data={"stage": "not_now", "reason": "Retiring", "revisit_on": "2027-01-10"})
    assert membership_of(world.a.id, leader.id).revisit_on == date(2027, 1, 10)
    client.post(url, data={"stage": "approved"})
    assert membership_of(world.a.id, leader.id).revisit_on is None


def test_someone_else_should_ask_names_a_team_member(client, db, world):
    leader = world.extra["leaders"][2]
    sign_in(client, world.users["chair_a"])
    client.post(f"/partnerships/{world.a.id}/review", data={"person_id": leader.id,
                                                            "decision": "someone_else"})
    assert _decisions(db, world.a.id) == []  # nobody named: refused
    client.post(f"/partnerships/{world.a.id}/review", data={
        "person_id": leader.id, "decision": "someone_else", "asker_id": world.person_b.id})
    assert _decisions(db, world.a.id) == []  # not on this partnership's team
    client.post(f"/partnerships/{world.a.id}/review", data={
        "person_id": leader.id, "decision": "someone_else", "asker_id": world.chair_person.id})
    [decision] = _decisions(db, world.a.id)
    assert decision.asker_id == world.chair_person.id
    assert membership_of(world.a.id, leader.id).stage == "ask_assigned"


def test_batch_approve_decides_every_selected_card(client, db, world):
    ids = [p.id for p in world.extra["leaders"][:3]]
    sign_in(client, world.users["chair_a"])
    client.post(f"/partnerships/{world.a.id}/review", data={"person_id": ids, "decision": "approve"})
    stages = db.session.scalars(select(Membership.stage).where(Membership.person_id.in_(ids))).all()
    # the world's launch is set: each is asked at once, by the chair the intro paths propose
    assert stages == ["ask_assigned"] * 3
    assert len(_decisions(db, world.a.id)) == 3


def test_a_decided_person_leaves_the_slate_and_an_answered_one_cannot_be_decided_again(client, db, world):
    leader = world.extra["leaders"][0]
    sign_in(client, world.users["chair_a"])
    client.post(f"/partnerships/{world.a.id}/review", data={"person_id": leader.id, "decision": "approve"})
    page = client.get(f"/partnerships/{world.a.id}/review").get_data(as_text=True)
    assert f'data-person-id="{leader.id}"' not in page
    membership = membership_of(world.a.id, leader.id)
    membership.stage = "accepted"
    db.session.commit()
    client.post(f"/partnerships/{world.a.id}/review", data={"person_id": leader.id, "decision": "not_now",
                                                            "reason": "changed my mind"})
    assert len(_decisions(db, world.a.id)) == 1 and membership_of(world.a.id, leader.id).stage == "accepted"


def test_conveners_see_the_chairs_decisions_with_who_and_when(client, world):
    leader = world.extra["leaders"][1]
    sign_in(client, world.users["chair_a"])
    client.post(f"/partnerships/{world.a.id}/review", data={"person_id": leader.id, "decision": "not_now",
                                                            "reason": "Retiring"})
    sign_in(client, world.users["convener_a"])
    panel = text_of(client.get(f"/partnerships/{world.a.id}/readiness"))
    assert "Leader 1" in panel and "Not now" in panel and "Retiring" in panel and "chair.a" in panel


def test_chairs_and_conveners_of_other_partnerships_see_nothing(client, db, world):
    other_chair = accounts.create_user("chair.b@example.org", "correct horse battery", "chair",
                                       partnership_ids=[world.b.id])
    db.session.commit()
    sign_in(client, other_chair)
    assert client.get(f"/partnerships/{world.a.id}/review").status_code == 404
    leader = world.extra["leaders"][0]
    assert client.post(f"/partnerships/{world.a.id}/review",
                       data={"person_id": leader.id, "decision": "approve"}).status_code == 404
    assert membership_of(world.a.id, leader.id) is None
    sign_in(client, world.users["viewer_a"])
    assert client.get(f"/partnerships/{world.a.id}/review").status_code == 403
