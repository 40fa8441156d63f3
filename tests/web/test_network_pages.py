"""Network pages: the map (data embedded as escaped JSON), its exports, the keystone panel
and the person page's intro-path panel, each limited to what the user may see."""

from __future__ import annotations

import json
import re

from crm.contacts import services as contacts
from tests.helpers import shown_text, text_of
from tests.web.world import build_world, sign_in

HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def _map_data(response) -> dict:
    html = response.get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_map_embeds_people_and_ties_as_json_with_hostile_names_escaped(client, db):
    world = build_world()
    world.person_a.name = HOSTILE
    db.session.commit()
    sign_in(client, world.users["viewer_a"])
    response = client.get(f"/partnerships/{world.a.id}/map")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    data = _map_data(response)
    assert {n["name"] for n in data["nodes"]} == {"Chair Alpha", HOSTILE}
    assert data["edges"] == [{"from": min(world.chair_person.id, world.person_a.id),
                              "to": max(world.chair_person.id, world.person_a.id),
                              "kind": "knows", "strength": 3}]
    assert data["physics"] is True and data["mode"] == "people"
    assert "vendor/vis-network/vis-network.min.js" in html and "cdn" not in html.lower()


def test_map_highlights_a_valid_path_and_ignores_a_bad_one(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    path = f"{world.chair_person.id},{world.person_a.id}"
    assert _map_data(client.get(f"/partnerships/{world.a.id}/map?path={path}"))["path"] == [
        world.chair_person.id, world.person_a.id]
    assert _map_data(client.get(f"/partnerships/{world.a.id}/map?path=1,x"))["path"] == []
    # a person of another partnership is not shown to a viewer of A
    sign_in(client, world.users["viewer_a"])
    hidden = f"{world.chair_person.id},{world.person_b.id}"
    data = _map_data(client.get(f"/partnerships/{world.a.id}/map?path={hidden}"))
    assert data["path"] == [] and world.person_b.id not in {n["id"] for n in data["nodes"]}


def test_map_summarises_by_organisation_on_request_and_drills_down(client, db):
    world = build_world()
    sign_in(client, world.users["convener_a"])
    data = _map_data(client.get(f"/partnerships/{world.a.id}/map?view=summary"))
    assert data["mode"] == "summary" and [n["people"] for n in data["nodes"]] == [2]
    drill = _map_data(client.get(f"/partnerships/{world.a.id}/map?org={world.org_a.id}"))
    assert drill["mode"] == "people" and len(drill["nodes"]) == 2


def test_exports_give_graphml_and_json(client, db):
    world = build_world()
    sign_in(client, world.users["chair_a"])
    graphml = client.get(f"/partnerships/{world.a.id}/map.graphml")
    assert graphml.status_code == 200 and b"<graphml" in graphml.data and b"Chair Alpha" in graphml.data
    exported = client.get(f"/partnerships/{world.a.id}/map.json")
    assert exported.status_code == 200 and len(exported.json["nodes"]) == 2
    assert "attachment" in exported.headers["Content-Disposition"]


def test_keystone_panel_names_the_leader_everyone_depends_on(client, db):
    world = build_world()
    newcomer = contacts.save_person(None, {"name": "Third Member", "organisation_id": world.org_a.id})
    db.session.flush()
    from crm.partnerships import services as partnerships

    partnerships.add_member(world.a, newcomer.id, "champion", "champion")
    partnerships.move_stage(world.membership_a, "attended")  # engaged: Member Alpha came
    # the chair, the newcomer and two more champions all know each other; Member Alpha knows only the chair
    group = [world.chair_person.id, newcomer.id]
    for name in ("Fourth Member", "Fifth Member"):
        person = contacts.save_person(None, {"name": name, "organisation_id": world.org_a.id})
        db.session.flush()
        partnerships.add_member(world.a, person.id, "member", "accepted")
        group.append(person.id)
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            contacts.add_tie("knows", a, b, 2)
    db.session.commit()
    sign_in(client, world.users["viewer_a"])
    response = client.get(f"/partnerships/{world.a.id}/keystones", headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = shown_text(response)
    assert "Keystone conundrum: The partnership depends on Chair Alpha." in text
    # the member; the champion keeps the main part
    assert ("If Chair Alpha stepped back, 1 person would lose their only link to the partnership "
            "(Member Alpha).") in text
    assert "betweenness" in text  # the figures stay, in the details
    page = client.get(f"/partnerships/{world.a.id}")
    assert f"/partnerships/{world.a.id}/keystones" in page.get_data(as_text=True)
    assert f"/partnerships/{world.a.id}/map" in page.get_data(as_text=True)


def test_person_page_loads_who_should_ask_for_visible_partnerships(client, db):
    world = build_world()
    sign_in(client, world.users["chair_a"])
    page = client.get(f"/people/{world.person_a.id}")
    assert f"/people/{world.person_a.id}/intro-paths" in page.get_data(as_text=True)
    fragment = client.get(f"/people/{world.person_a.id}/intro-paths", headers={"HX-Request": "true"})
    text = text_of(fragment)
    assert "Best ask:" in text and "Chair Alpha knows Member Alpha directly" in text
    assert f"path={world.chair_person.id},{world.person_a.id}".replace(",", "%2C") in fragment.get_data(
        as_text=True) or f"path={world.chair_person.id},{world.person_a.id}" in fragment.get_data(as_text=True)
    sign_in(client, world.users["convener_b"])
    assert client.get(f"/people/{world.person_a.id}/intro-paths").status_code == 200  # staff see people
    assert "Partnership A" not in text_of(client.get(f"/people/{world.person_a.id}/intro-paths"))
