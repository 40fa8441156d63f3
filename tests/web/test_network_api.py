"""The network API: intro paths and keystones, with the partnership's access rules."""

from __future__ import annotations

from crm.contacts import services as contacts
from tests.web.world import build_world


def test_intro_paths_returns_ranked_paths_from_asker_to_target(client, db, bearer):
    world = build_world()
    response = client.get(f"/api/v1/people/{world.person_a.id}/intro-paths?partnership={world.a.id}",
                          headers=bearer(world.users["viewer_a"]))
    assert response.status_code == 200
    [path] = response.json
    assert path["asker_id"] == world.chair_person.id
    assert path["path"] == [world.chair_person.id, world.person_a.id]
    assert path["strength"] == 1.0 and "makes the ask" in path["reason"]


def test_intro_paths_needs_a_visible_partnership_and_person(client, db, bearer):
    world = build_world()
    headers = bearer(world.users["convener_b"])
    url = f"/api/v1/people/{world.person_a.id}/intro-paths"
    assert client.get(url, headers=headers).status_code == 400
    assert client.get(f"{url}?partnership={world.a.id}", headers=headers).status_code == 404
    assert client.get(f"{url}?partnership=x", headers=headers).status_code == 400
    other = f"/api/v1/people/{world.person_b.id}/intro-paths?partnership={world.a.id}"
    assert client.get(other, headers=bearer(world.users["viewer_a"])).status_code == 404


def test_intro_paths_hide_introducers_a_viewer_may_not_see(client, db, bearer):
    world = build_world()
    # person_b (partnership B only) introduces the chair of A to a new member of A
    newcomer = contacts.save_person(None, {"name": "New Member", "organisation_id": world.org_a.id})
    db.session.flush()
    from crm.partnerships import services as partnerships

    partnerships.add_member(world.a, newcomer.id, "member", "candidate")
    contacts.add_tie("knows", world.chair_person.id, world.person_b.id, 3)
    contacts.add_tie("knows", world.person_b.id, newcomer.id, 3)
    db.session.commit()
    url = f"/api/v1/people/{newcomer.id}/intro-paths?partnership={world.a.id}"
    assert client.get(url, headers=bearer(world.users["viewer_a"])).json == []
    [path] = client.get(url, headers=bearer(world.users["convener_a"])).json
    assert path["introducer_id"] == world.person_b.id


def test_keystones_count_only_engaged_people_and_say_so_in_words(client, db, bearer):
    from crm.partnerships import services as partnerships

    world = build_world()
    url = f"/api/v1/partnerships/{world.a.id}/keystones"
    response = client.get(url, headers=bearer(world.users["chair_a"]))
    assert response.status_code == 200
    data = response.json
    # Member Alpha is only suggested: not engaged, so the chair is alone
    assert data["people"] == 1 and data["articulation_points"] == [] and data["keystones"] == []
    assert {b["person_id"] for b in data["betweenness"]} == {world.chair_person.id}
    assert data["verdict"] == ("Only 1 person is engaged so far (Chair Alpha): too few to say who holds "
                               "the partnership together.")
    assert data["exact"] is True and "referrals" in data and data["enough"] is False
    partnerships.move_stage(world.membership_a, "approved")  # an approval: nothing real changes
    db.session.commit()
    assert client.get(url, headers=bearer(world.users["chair_a"])).json == data
    partnerships.move_stage(world.membership_a, "accepted")
    db.session.commit()
    accepted = client.get(url, headers=bearer(world.users["chair_a"])).json
    assert accepted["people"] == 2 and accepted["verdict"].startswith("Only 2 people are engaged so far")
    assert all(leader["sentence"] for leader in accepted["leaders"])
    forbidden = client.get(f"/api/v1/partnerships/{world.a.id}/keystones",
                           headers=bearer(world.users["convener_b"]))
    assert forbidden.status_code == 404
