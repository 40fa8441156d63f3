"""The network map in Chromium, with every non-app request refused: it draws from vendored
files only, a hostile name shows as text and runs nothing, filters change what is drawn,
search focuses a person and a highlighted intro path is drawn."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from crm.contacts import services as contacts
from crm.partnerships import services as partnerships
from crm.scoring import services as scoring
from tests.browser_fixtures import sign_in_page
from tests.web.world import build_world

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>Eve'


def _seed(db):
    world = build_world()
    college = contacts.save_organisation(None, {"name": "City College", "kind": "community_college"})
    other = contacts.save_organisation(None, {"name": "Gamma Tools", "kind": "employer",
                                              "sector": "Tools"})
    db.session.flush()
    people = {}
    for name, org, role, stage in [("Pat Partner", college, "community_partner", "champion"),
                                   ("Gil Gamma", other, "champion", "champion"),
                                   (HOSTILE, other, "member", "candidate")]:
        person = contacts.save_person(None, {"name": name, "organisation_id": org.id})
        db.session.flush()
        partnerships.add_member(world.a, person.id, role, stage)
        people[name] = person
    contacts.add_tie("knows", world.chair_person.id, people["Pat Partner"].id, 1)
    contacts.add_tie("knows", people["Pat Partner"].id, people["Gil Gamma"].id, 2)
    contacts.add_tie("knows", people["Gil Gamma"].id, people[HOSTILE].id, 3)
    contacts.add_tie("referred", world.chair_person.id, people["Gil Gamma"].id, 1)
    db.session.commit()
    return world, people


def _shown(page):
    box = page.locator("#map")
    return int(box.get_attribute("data-nodes-shown")), int(box.get_attribute("data-edges-shown"))


def test_map_renders_offline_and_a_hostile_name_stays_text(page, live_server, db):
    world, people = _seed(db)
    sign_in_page(page, live_server, "convener.a@example.org")
    page.goto(f"{live_server}/partnerships/{world.a.id}/map")
    page.wait_for_selector("#map[data-ready='1'] canvas")
    assert _shown(page) == (5, 5)
    page.get_by_label("Search").fill("eve")
    page.get_by_label("Search").press("Enter")
    assert page.locator("#map-selected-name").text_content() == HOSTILE
    assert page.locator("#map-selected-link").get_attribute("href") == f"/people/{people[HOSTILE].id}"
    assert page.locator("img[src='x']").count() == 0
    # hovering the node shows its tooltip: the hostile name comes out as text
    page.get_by_label("Search").fill("")
    box = page.locator("#map").bounding_box()
    spot = page.evaluate("""(id) => {
        const net = document.getElementById('map').mapNetwork;
        net.moveTo({scale: 1.0, animation: false});
        net.focus(id, {scale: 1.0, animation: false});
        return net.canvasToDOM(net.getPositions([id])[id]);
    }""", people[HOSTILE].id)
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.text_content().startswith(HOSTILE)
    assert page.locator("img[src='x']").count() == 0 and page.locator("div.vis-tooltip script").count() == 0
    assert page.dialogs == [] and page.errors == []


def test_filters_change_what_is_drawn_without_reloading(page, live_server, db):
    world, _people = _seed(db)
    sign_in_page(page, live_server, "viewer.a@example.org")
    page.goto(f"{live_server}/partnerships/{world.a.id}/map")
    page.wait_for_selector("#map[data-ready='1']")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.get_by_label("Community partners").uncheck()
    assert _shown(page) == (4, 3)  # Pat and both of her ties go
    page.get_by_label("Community partners").check()
    page.get_by_label("Referred").uncheck()
    assert _shown(page) == (5, 4)
    page.locator("#map-strength").fill("3")
    assert _shown(page) == (5, 2)  # only the close ties (strength 3) are left
    page.locator("#map-strength").fill("1")
    page.get_by_label("Referred").check()
    page.get_by_label("Stage").select_option("champion")
    assert _shown(page)[0] == 3  # chair, Pat and Gil are champions
    page.get_by_label("Stage").select_option("")
    page.get_by_label("Search").fill("Gil Gamma")
    page.get_by_label("Search").press("Enter")
    page.get_by_label("Ego view").select_option("1")
    assert _shown(page)[0] == 4  # Gil, Pat, Eve and the chair (who referred Gil)
    assert page.evaluate("() => window.__sameDocument") is True
    assert page.dialogs == [] and page.errors == []


def test_intro_path_from_the_person_page_is_highlighted_on_the_map(page, live_server, db):
    world, people = _seed(db)
    sign_in_page(page, live_server, "convener.a@example.org")
    # a candidate: 'Who should ask' is offered only for people not already a chair or champion
    page.goto(f"{live_server}/people/{people[HOSTILE].id}")
    link = page.get_by_role("link", name="show on map").first
    link.wait_for()
    link.click()
    page.wait_for_selector("#map[data-ready='1']")
    path = [int(i) for i in parse_qs(urlparse(page.url).query)["path"][0].split(",")]
    assert len(path) >= 2 and path[-1] == people[HOSTILE].id  # from an asker to the candidate
    assert page.locator("img[src='x']").count() == 0
    assert page.dialogs == [] and page.errors == []


def _click_person(page, person_id, offset=0):
    """Click a person's node, focused `offset` pixels right of the map's centre: two people
    clicked at the same spot in a row would be vis-network's double click (open the person)."""
    spot = page.evaluate("""([id, offset]) => {
        const net = document.getElementById('map').mapNetwork;
        net.focus(id, {scale: 1.2, animation: false, offset: {x: offset, y: 0}});
        return net.canvasToDOM(net.getPositions([id])[id]);
    }""", [person_id, offset])
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])


def test_clicking_a_person_shows_the_person_pages_score_and_the_invite_layer_toggles(page, live_server, db):
    world, people = _seed(db)
    for trait, rating in (("company", 3), ("industry", 2), ("community", 1)):
        scoring.add_assessment(people[HOSTILE], trait, rating, "Seen at the launch", None)
    outsider = contacts.save_person(None, {"name": "Olive Outsider", "organisation_id": world.org_a.id})
    db.session.flush()
    contacts.add_tie("knows", people["Gil Gamma"].id, outsider.id, 2)
    db.session.commit()
    sign_in_page(page, live_server, "convener.a@example.org")
    page.goto(f"{live_server}/partnerships/{world.a.id}/map")
    page.wait_for_selector("#map[data-ready='1'] canvas")
    assert int(page.locator("#map").get_attribute("data-labels-shown")) >= 1  # names are drawn
    _click_person(page, people[HOSTILE].id)
    panel = page.locator("#map-panel")
    panel.locator(".map-score strong").wait_for()
    on_map = panel.locator(".map-score strong").text_content()
    assert "Stage: Candidate" in panel.text_content()
    assert "Gil Gamma knows" in panel.locator(".map-path-words").text_content()  # the best way in, in words
    assert page.locator("img[src='x']").count() == 0
    # the invite layer: Olive (known by Gil, in no partnership) appears, apart, and goes again
    assert _shown(page)[0] == 5
    page.get_by_label("People we could invite").check()
    page.wait_for_selector("#map[data-invitees='1']")
    assert _shown(page) == (6, 6)
    _click_person(page, outsider.id, offset=150)
    page.wait_for_function("() => document.getElementById('map-panel').textContent.includes('someone we could invite')")
    assert page.locator("#map-selected-name").text_content() == "Olive Outsider"
    page.get_by_label("People we could invite").uncheck()
    assert _shown(page) == (5, 5)
    # the person page shows the same overall score
    page.goto(f"{live_server}/people/{people[HOSTILE].id}")
    page.locator("#scores .score strong").first.wait_for()
    assert page.locator("#scores .score strong").first.text_content() == on_map
    assert page.dialogs == [] and page.errors == []


def test_a_large_map_uses_server_positions_without_physics(page, live_server, db):
    world = build_world()
    org = contacts.save_organisation(None, {"name": "Big Co", "kind": "employer"})
    db.session.flush()
    ids = []
    for i in range(350):
        person = contacts.save_person(None, {"name": f"Person {i}", "organisation_id": org.id})
        db.session.flush()
        partnerships.add_member(world.a, person.id, "member", "candidate")
        ids.append(person.id)
    for i in range(1, len(ids)):
        contacts.add_tie("knows", ids[i - 1], ids[i], 1 + i % 3)
    db.session.commit()
    sign_in_page(page, live_server, "convener.a@example.org")
    page.goto(f"{live_server}/partnerships/{world.a.id}/map")
    page.wait_for_selector("#map[data-ready='1'] canvas", timeout=15000)
    nodes_shown, ties_shown = _shown(page)
    assert nodes_shown == 352 and ties_shown >= 349  # the chain's 349 ties and the world's
    # the ties are drawn on the canvas by map.js, not handed to vis-network one edge each
    assert page.evaluate("(id) => document.getElementById('map').mapNetwork"
                         ".getConnectedEdges(id).length", ids[1]) == 0
    # clickable as soon as it says ready; the chosen person's ties light up in red
    assert _pixels(page, (217, 45, 32)) == 0
    spot = page.evaluate("""(id) => {
        const net = document.getElementById('map').mapNetwork;
        net.focus(id, {scale: 1.5, animation: false});
        return net.canvasToDOM(net.getPositions([id])[id]);
    }""", ids[175])
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    assert page.locator("#map-selected-name").text_content() == "Person 175"
    assert _pixels(page, (217, 45, 32), move=False) > 20
    with_ties = _tie_pixels(page)
    page.locator("#map-strength").fill("3")
    close = _shown(page)[1]
    assert sum(1 for i in range(1, 350) if i % 3 == 2) <= close < ties_shown
    page.get_by_label("Knows").uncheck()
    page.get_by_label("Referred").uncheck()
    assert _shown(page) == (352, 0)
    assert with_ties > _tie_pixels(page) + 200  # (node borders blend into a few such pixels)
    assert page.dialogs == [] and page.errors == []


def _tie_pixels(page) -> int:
    """How many canvas pixels have (about) the colour of a knows tie (#9aa5b8), seen at a
    zoom where a tie is wider than a pixel."""
    return _pixels(page, (154, 165, 184))


def _pixels(page, rgb, move=True) -> int:
    """How many canvas pixels have about the colour `rgb`, after moving to the middle person
    at a zoom where a tie is wider than a pixel (or where the view is, with move=False)."""
    return page.evaluate("""([rgb, move]) => {
        const net = document.getElementById('map').mapNetwork;
        if (move) {
            const at = Object.values(net.getPositions());
            net.moveTo({position: at[Math.floor(at.length / 2)], scale: 1.5, animation: false});
        }
        net.redraw();
        const canvas = document.querySelector('#map canvas');
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
            if (Math.abs(px[i] - rgb[0]) < 12 && Math.abs(px[i + 1] - rgb[1]) < 12
                && Math.abs(px[i + 2] - rgb[2]) < 12) { n++; }
        }
        return n;
    }""", [list(rgb), move])
