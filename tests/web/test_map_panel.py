"""The map's person panel and its "people we could invite" layer: access-checked like the map
(the partnership, then the person resolved as the user may see them), the same overall score
as the person page, paths said in words, and never a person the user may not see."""

from __future__ import annotations

import re

from crm.contacts import services as contacts
from crm.network import services
from crm.partnerships import services as partnerships
from crm.scoring import services as scoring
from tests.web.world import build_world, sign_in


def _world_with_contacts(db):
    world = build_world()
    outsider = contacts.save_person(None, {"name": "Olive Outsider", "organisation_id": world.org_a.id})
    db.session.flush()
    contacts.add_tie("knows", world.chair_person.id, outsider.id, 2)  # in no partnership
    contacts.add_tie("knows", world.chair_person.id, world.person_b.id, 1)  # a member of B only
    contacts.add_tie("referred", world.chair_person.id, world.person_a.id, 1)
    for trait, rating in (("company", 3), ("industry", 2), ("community", 2)):
        scoring.add_assessment(world.person_a, trait, rating, "Seen at the board", None)
    db.session.commit()
    services.clear_caches()
    return world, outsider


def test_panel_shows_the_person_pages_score_ties_stage_and_best_path_in_words(client, db):
    world, _outsider = _world_with_contacts(db)
    sign_in(client, world.users["chair_a"])
    response = client.get(f"/partnerships/{world.a.id}/map/people/{world.person_a.id}")
    assert response.status_code == 200
    panel = response.json
    page = client.get(f"/people/{world.person_a.id}/traits", headers={"HX-Request": "true"})
    shown = re.search(r"Overall <strong>(\d+)</strong>", page.get_data(as_text=True))
    assert shown and panel["score"] == int(shown.group(1))  # the person page's number
    assert panel["score"] == round(scoring.person_score(world.person_a.id, [world.a.id]).overall)
    assert (panel["stage"], panel["role"], panel["member"], panel["engaged"]) == ("suggested", "member", True, False)
    assert panel["url"] == f"/people/{world.person_a.id}"
    kinds = [(t["name"], t["kind"]) for t in panel["ties"]]
    assert kinds == [("Chair Alpha", "knows"), ("Chair Alpha", "referred_by")]
    best = panel["best_path"]
    assert best["path"] == [world.chair_person.id, world.person_a.id]
    assert best["words"] == "Chair Alpha knows Member Alpha (close: Same board) and referred them"
    assert best["map_url"] == f"/partnerships/{world.a.id}/map?path={world.chair_person.id},{world.person_a.id}"


def test_panel_of_a_chair_offers_no_intro_path_and_a_tie_reads_in_words(client, db):
    world, _outsider = _world_with_contacts(db)
    sign_in(client, world.users["convener_a"])
    panel = client.get(f"/partnerships/{world.a.id}/map/people/{world.chair_person.id}").json
    assert panel["on_team"] and panel["best_path"] is None and panel["engaged"]
    # the highlighted path on the map says itself in words, with what the tie's record says
    page = client.get(f"/partnerships/{world.a.id}/map?path={world.person_a.id},{world.chair_person.id}")
    html = page.get_data(as_text=True)
    assert "Member Alpha knows Chair Alpha (close: Same board) and was referred by them" in html


def test_panel_of_someone_the_user_may_not_see_is_missing(client, db):
    world, outsider = _world_with_contacts(db)
    sign_in(client, world.users["viewer_a"])
    for person in (world.person_b, outsider):
        assert client.get(f"/partnerships/{world.a.id}/map/people/{person.id}").status_code == 404
    sign_in(client, world.users["convener_b"])
    assert client.get(f"/partnerships/{world.a.id}/map/people/{world.person_b.id}").status_code == 404
    assert client.get(f"/partnerships/{world.a.id}/map/invitees").status_code == 404


def test_invite_layer_holds_people_members_know_outside_the_partnership_and_only_visible_ones(client, db):
    world, outsider = _world_with_contacts(db)
    sign_in(client, world.users["convener_a"])
    layer = client.get(f"/partnerships/{world.a.id}/map/invitees").json
    assert [n["name"] for n in layer["nodes"]] == ["Olive Outsider", "Member Beta"]  # stronger tie first
    assert all(n["invitee"] and not n["member"] for n in layer["nodes"])
    assert {(e["from"], e["to"]) for e in layer["edges"]} == {(world.chair_person.id, outsider.id),
                                                              (world.chair_person.id, world.person_b.id)}
    assert layer["nodes"][0]["known_by"] == [{"id": world.chair_person.id, "name": "Chair Alpha"}]
    for role in ("chair_a", "viewer_a"):  # they see only the people of their partnerships
        sign_in(client, world.users[role])
        layer = client.get(f"/partnerships/{world.a.id}/map/invitees").json
        assert layer["nodes"] == [] and layer["edges"] == []
    # once Olive joins partnership B too, a chair of A still may not see her
    partnerships.add_member(world.b, outsider.id, "member", "candidate")
    db.session.commit()
    layer = client.get(f"/partnerships/{world.a.id}/map/invitees").json
    assert "Olive Outsider" not in str(layer)


def test_map_data_and_json_export_carry_the_keystone_words(client, db):
    world, _outsider = _world_with_contacts(db)
    sign_in(client, world.users["viewer_a"])
    exported = client.get(f"/partnerships/{world.a.id}/map.json").json
    verdict = services.keystones(world.a.id)["verdict"]
    assert exported["keystones"]["verdict"] == verdict and verdict.startswith("Only 1 person is engaged")
    page = client.get(f"/partnerships/{world.a.id}/keystones")
    assert verdict in page.get_data(as_text=True)
