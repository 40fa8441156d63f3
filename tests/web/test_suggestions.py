"""Suggested invitees: employer-side non-members ranked by score, fit and reachability, returned
by GET /api/v1/partnerships/{id}/suggestions in the issue's shape, cached until data changes."""

from __future__ import annotations

import pytest

from crm.contacts import services as contacts
from crm.scoring import services as scoring
from tests.web.world import build_world


@pytest.fixture
def slate(db):
    """Partnership A with a chair; three employer people outside it and a community partner."""
    world = build_world()
    org_c = contacts.save_organisation(None, {"name": "Gamma Tools", "kind": "employer",
                                              "sector": "Manufacturing", "county": "Alpha"})
    org_far = contacts.save_organisation(None, {"name": "Far Away Inc", "kind": "employer",
                                                "sector": "Retail", "county": "Elsewhere"})
    wib = contacts.save_organisation(None, {"name": "Alpha WIB", "kind": "workforce_board"})
    ceo = contacts.save_person(None, {"name": "Cora CEO", "title": "CEO", "organisation_id": org_c.id,
                                      "tags": ["United Way board"]})
    far = contacts.save_person(None, {"name": "Fred Far", "title": "CEO", "organisation_id": org_far.id,
                                      "tags": ["United Way board"]})
    nobody = contacts.save_person(None, {"name": "Nina Nobody", "organisation_id": org_c.id})
    partner = contacts.save_person(None, {"name": "Pat Partner", "organisation_id": wib.id})
    contacts.add_tie("knows", world.chair_person.id, ceo.id, 3)
    contacts.add_tie("knows", ceo.id, partner.id, 2)
    db.session.commit()
    scoring.clear_cache()
    return world, ceo, far, nobody, partner


def test_suggestions_api_returns_the_ranked_list_in_the_issues_shape(client, bearer, slate):
    world, ceo, far, nobody, partner = slate
    response = client.get(f"/api/v1/partnerships/{world.a.id}/suggestions",
                          headers=bearer(world.users["convener_a"]))
    assert response.status_code == 200
    items = response.json
    assert set(items[0]) == {"person_id", "score", "overall", "label", "traits", "confidence", "reasons", "asker"}
    assert set(items[0]["traits"]) == {"company", "industry", "community"}
    ids = [i["person_id"] for i in items]
    assert ids[0] == ceo.id  # in sector, in region, known to the chair
    assert ids.index(ceo.id) < ids.index(far.id)  # same evidence, but out of sector and region
    assert partner.id not in ids and world.chair_person.id not in ids  # partners, the team: no
    top = items[0]
    assert top["asker"] == {"person_id": world.chair_person.id, "path": [world.chair_person.id, ceo.id]}
    assert any("CEO of Gamma Tools: company +30" == r for r in top["reasons"])
    assert any("United Way board (tag): community +15" == r for r in top["reasons"])
    assert items[ids.index(nobody.id)]["confidence"] == 0.0


def test_suggestions_api_is_for_conveners_and_chairs_of_the_partnership_only(client, bearer, slate):
    world = slate[0]
    url = f"/api/v1/partnerships/{world.a.id}/suggestions"
    assert client.get(url, headers=bearer(world.users["chair_a"])).status_code == 200
    assert client.get(url, headers=bearer(world.users["viewer_a"])).status_code == 403
    assert client.get(url, headers=bearer(world.users["convener_b"])).status_code == 404
    assert client.get(url + "?limit=0", headers=bearer(world.users["admin"])).status_code == 400


def test_ranking_follows_new_evidence_without_a_restart(client, bearer, db, slate):
    world, ceo, far, nobody, partner = slate
    headers = bearer(world.users["convener_a"])
    url = f"/api/v1/partnerships/{world.a.id}/suggestions"

    def score_of(pid):
        return next(i for i in client.get(url, headers=headers).json if i["person_id"] == pid)

    before = score_of(nobody.id)
    assert client.get(url, headers=headers).json == client.get(url, headers=headers).json  # warm
    for trait in ("company", "industry", "community"):
        response = client.post(f"/api/v1/people/{nobody.id}/assessments", headers=headers,
                               json={"trait": trait, "rating": 3, "evidence": "Chaired the expo"})
        assert response.status_code == 201
    after = score_of(nobody.id)
    assert after["score"] > before["score"] and after["confidence"] > before["confidence"]
    assert any("1 assessment (best: exemplary)" in r for r in after["reasons"])


def test_a_new_civic_tag_rescores_while_a_review_decision_only_reranks(client, bearer, db, slate):
    from crm.scoring.suggestions import slate_of

    world, ceo, far, nobody, partner = slate
    headers = bearer(world.users["convener_a"])
    url = f"/api/v1/partnerships/{world.a.id}/suggestions"
    client.get(url, headers=headers)
    version = scoring.scores_version()
    contacts.save_person(db.session.get(type(nobody), nobody.id), {"tags": ["Rotary"]})
    db.session.commit()
    assert scoring.scores_version() != version
    reasons = next(i for i in client.get(url, headers=headers).json if i["person_id"] == nobody.id)["reasons"]
    assert "Rotary (tag): community +15" in reasons
    version = scoring.scores_version()
    before = slate_of(world.a)
    response = client.post(f"/api/v1/people/{ceo.id}/assessments", headers=headers,
                           json={"trait": "company", "rating": 1})
    assert response.status_code == 201
    assert scoring.scores_version() != version  # an assessment is evidence: re-score
    from crm.partnerships import services as partnerships

    partnerships.add_member(world.a, far.id, "member", "approved")
    db.session.commit()
    version = scoring.scores_version()
    after = slate_of(world.a)
    assert scoring.scores_version() == version and after is not before
    assert far.id not in after.values  # approved: no longer a suggestion


def test_the_map_the_person_page_and_the_review_show_one_overall_score(client, bearer, db, slate):
    """One scoring rule (issue 18 item 2): the suggestion's overall, the person page's and the
    map's score of the same person are one number, with the same label on the page and the card."""
    import json
    import re

    from crm.partnerships import services as partnerships
    from tests.helpers import text_of
    from tests.web.world import sign_in

    world, ceo, far, nobody, partner = slate
    item = next(i for i in client.get(f"/api/v1/partnerships/{world.a.id}/suggestions",
                                      headers=bearer(world.users["convener_a"])).json if i["person_id"] == ceo.id)
    sign_in(client, world.users["convener_a"])
    page = text_of(client.get(f"/people/{ceo.id}/traits"))
    label = {"strong": "Strong", "likely": "Likely", "not_enough_known": "Not enough known"}[item["label"]]
    assert f"Overall {round(item['overall'])} / 100 · {label}" in page
    review = text_of(client.get(f"/partnerships/{world.a.id}/review"))
    assert f"{round(item['overall'])} / 100 · {label}" in review
    partnerships.add_member(world.a, ceo.id, "member", "candidate")
    partnerships.add_member(world.a, partner.id, "community_partner", "candidate")  # not in the snapshot
    contacts.save_person(db.session.get(type(partner), partner.id), {"tags": ["Rotary"]})
    db.session.commit()

    def map_scores():
        html = client.get(f"/partnerships/{world.a.id}/map").get_data(as_text=True)
        data = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html,
                                    re.S).group(1))
        return {n["id"]: n["score"] for n in data["nodes"]}

    assert map_scores()[ceo.id] == item["overall"]
    assert map_scores()[partner.id] == scoring.person_score(partner.id).overall > 0
    contacts.save_person(db.session.get(type(partner), partner.id), {"tags": ["Rotary", "School board"]})
    db.session.commit()
    assert map_scores()[partner.id] == scoring.person_score(partner.id).overall  # a new version: read again
