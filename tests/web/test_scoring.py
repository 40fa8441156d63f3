"""Trait assessments: conveners and chairs record them (browser form and API), several
assessors are kept apart, viewers never; the person page shows scores with reasons."""

from __future__ import annotations

from sqlalchemy import select

from crm.scoring.models import TraitAssessment
from tests.helpers import text_of
from tests.web.world import build_world, sign_in


def _rows(db, person_id):
    return db.session.scalars(select(TraitAssessment).where(TraitAssessment.person_id == person_id)
                              .order_by(TraitAssessment.id)).all()


def test_assessments_from_several_assessors_are_kept_apart(client, bearer, db):
    world = build_world()
    url = f"/api/v1/people/{world.person_a.id}/assessments"
    first = client.post(url, json={"trait": "community", "rating": 2, "evidence": "Rotary"},
                        headers=bearer(world.users["convener_a"]))
    second = client.post(url, json={"trait": "community", "rating": 3, "evidence": "Runs the food bank"},
                         headers=bearer(world.users["chair_a"]))
    assert first.status_code == 201 and second.status_code == 201
    assert second.json["partnership_id"] == world.a.id  # a chair assesses for their partnership
    rows = _rows(db, world.person_a.id)
    assert [(r.rating, r.assessor_id) for r in rows] == [
        (2, world.users["convener_a"].id), (3, world.users["chair_a"].id)]


def test_assessment_api_validates_and_refuses_viewers_and_other_partnerships(client, bearer, db):
    world = build_world()
    url = f"/api/v1/people/{world.person_a.id}/assessments"
    bad = client.post(url, json={"trait": "charm", "rating": 5, "extra": 1},
                      headers=bearer(world.users["convener_a"]))
    assert bad.status_code == 400 and set(bad.json["error"]["fields"]) >= {"trait", "rating", "extra"}
    assert client.post(url, json={"trait": "company", "rating": 1},
                       headers=bearer(world.users["viewer_a"])).status_code == 403
    other = f"/api/v1/people/{world.person_b.id}/assessments"
    assert client.post(other, json={"trait": "company", "rating": 1},
                       headers=bearer(world.users["chair_a"])).status_code == 404
    assert _rows(db, world.person_a.id) == [] and _rows(db, world.person_b.id) == []


def test_person_page_panel_shows_scores_with_reasons_and_records_an_assessment(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    page = client.get(f"/people/{world.person_a.id}/traits")
    assert page.status_code == 200
    assert "Owner of Alpha Works: company +30" in text_of(page)
    response = client.post(f"/people/{world.person_a.id}/assessments",
                           data={"trait": "industry", "rating": "3", "evidence": "Hosts the sector tour"})
    assert response.status_code == 302
    page = text_of(client.get(f"/people/{world.person_a.id}/traits"))
    assert "Hosts the sector tour" in page and "1 assessment (best: exemplary): industry +" in page


def test_bad_assessment_form_changes_nothing_and_says_why(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    client.post(f"/people/{world.person_a.id}/assessments", data={"trait": "charm", "rating": "9"})
    assert _rows(db, world.person_a.id) == []
    page = client.get(f"/people/{world.person_a.id}", follow_redirects=True)
    assert "Not a valid choice" in text_of(page)


def test_chair_records_an_assessment_of_a_member_of_their_partnership(client, db):
    world = build_world()
    sign_in(client, world.users["chair_a"])
    panel = client.get(f"/people/{world.person_a.id}/traits").get_data(as_text=True)
    assert f"/partnerships/{world.a.id}/people/{world.person_a.id}/assessments" in panel
    client.post(f"/partnerships/{world.a.id}/people/{world.person_a.id}/assessments",
                data={"trait": "company", "rating": "2"})
    assert [(r.partnership_id, r.rating) for r in _rows(db, world.person_a.id)] == [(world.a.id, 2)]


def test_viewer_sees_scores_but_no_assessment_form(client):
    world = build_world()
    sign_in(client, world.users["viewer_a"])
    panel = client.get(f"/people/{world.person_a.id}/traits").get_data(as_text=True)
    assert "company +30" in panel and "Record assessment" not in panel
