"""Everything derived for a user is derived from what that user may see (issue 12 item 4).

Partnership B gets markers that exist nowhere else: an introducer's and an organisation's names,
assessment evidence, a decision's reason, a meeting's title, a task's notes, and counts (three
assessments of a person both partnerships share, thirty-seven people of one organisation, ties of
A's members to B's people). Then every GET route of the URL map, pages and API alike, is opened
as a viewer and as a chair of A, with every person of A in the person routes and the list
filters that name B: no answer contains a marker. Nothing lists the views by hand, so a new
derived view is swept the day it lands. Counts that are numbers, not text, are checked where they
show: the organisation list and the map's centrality.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.accounts import services as accounts
from crm.contacts import services as contacts
from crm.extensions import db
from crm.outreach import services as outreach
from crm.partnerships import services as partnerships
from crm.scoring import services as scoring
from crm.scoring import suggestions
from crm.timeutil import utcnow
from tests.conftest import app_context_then_empty
from tests.security.figures import put
from tests.security.helpers import fetch, route_urls
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, url_values

ROLES = ("viewer_a", "chair_a")
#: text that exists only in partnership B
MARKERS = {
    "introducer name": "Zorblax Introducer",
    "B-only organisation": "Quuxwell Board",
    "assessment evidence": "Glimmerfax evidence",
    "assessment count": "3 assessments",
    "decision reason": "Plumbus reason",
    "meeting title": "Fnordcon meeting",
    "task notes": "Snorkelwax notes",
    "partnership name": "Partnership B",
    "organisation count": "<td>37</td>",
    "B-only person tied to a member of A": "Countwell B17",
}


def _seed(world) -> dict:
    """B's markers, around a person A and B share and an employer suggested to A."""
    b, chair = world.b, world.chair_person
    board = contacts.save_organisation(None, {"name": MARKERS["B-only organisation"], "kind": "workforce_board",
                                              "county": "Beta"})
    introducer = contacts.save_person(None, {"name": MARKERS["introducer name"], "organisation_id": board.id})
    partnerships.add_member(b, introducer.id, "community_partner", "accepted")
    target = contacts.save_person(None, {"name": "Target Employer", "title": "CEO",
                                         "organisation_id": world.org_a.id})
    contacts.add_tie("knows", chair.id, introducer.id, 3, "board")  # A's chair -> B's partner -> target
    contacts.add_tie("knows", introducer.id, target.id, 3, "board")
    shared = contacts.save_person(None, {"name": "Shared Person", "title": "Owner", "organisation_id": world.org_a.id})
    partnerships.add_member(world.a, shared.id, "member", "candidate")
    partnerships.add_member(b, shared.id, "member", "accepted")
    for rating in (1, 2, 3):  # "3 assessments (best: exemplary)" exists only for B's readers
        scoring.add_assessment(shared, "company", rating, MARKERS["assessment evidence"],
                               world.users["convener_b"].id, b.id)
    countwell = contacts.save_organisation(None, {"name": "Countwell Trust", "kind": "cbo", "county": "Alpha"})
    one = contacts.save_person(None, {"name": "Countwell A", "organisation_id": countwell.id})
    partnerships.add_member(world.a, one.id, "member", "candidate")
    for i in range(36):  # 37 people at Countwell, one of them in A
        other = contacts.save_person(None, {"name": f"Countwell B{i}", "organisation_id": countwell.id})
        partnerships.add_member(b, other.id, "member", "candidate")
        contacts.add_tie("knows", world.person_a.id, other.id, 1, None)  # A's member knows 36 of B
    outreach.create_meeting(b, utcnow() + timedelta(days=45), "launch", MARKERS["meeting title"])
    task = outreach.create_task(b, "ask", (utcnow() + timedelta(days=9)).date(), person_id=shared.id)
    task.notes = MARKERS["task notes"]
    suggestions.decide(b, world.person_b.id, "not_now", world.users["convener_b"], MARKERS["decision reason"])
    db.session.commit()
    return {"shared": shared.id, "target": target.id, "countwell": countwell.id}


@pytest.fixture(scope="module")
def derived(database_url, _schema):
    with app_context_then_empty(database_url) as app:
        world = build_world()
        seeded = _seed(world)
        values = url_values(world)
        cookies, tokens = {}, {}
        for role in ROLES:
            client = app.test_client()
            sign_in(client, world.users[role])
            cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
            tokens[role] = accounts.create_api_token(world.users[role], "derived")
        db.session.commit()
        people = [world.person_a.id, world.chair_person.id, seeded["shared"]]
        b_id, stage = world.b.id, "accepted"
        db.session.rollback()
        yield app, values, cookies, tokens, people, seeded, b_id, stage


def _urls(app, values, people, b_id, stage) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route, once per person of A in the person routes, plus the
    list filters that name B's partnership or stage."""
    found = []
    for person in people:
        for endpoint, _method, url in route_urls(app, {**values, "person_id": person}):
            if "person_id" in next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint).arguments \
                    or person == people[0]:
                found.append((endpoint, url))
    extra = [f"/people?partnership={b_id}&stage={stage}", f"/people?stage={stage}",
             f"/api/v1/people?partnership={b_id}&stage={stage}", f"/api/v1/people?stage={stage}"]
    return sorted(set(found)) + [("list filter", u) for u in extra]


def _open(app, cookies, tokens, role, endpoint, url):
    client = app.test_client()
    if ACCESS.get(endpoint) == "api" or url.startswith("/api/"):
        return fetch(client, url, headers={"Authorization": f"Bearer {tokens[role]}"})
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[role])
    return fetch(client, url)


def test_no_answer_to_a_viewer_or_chair_of_a_carries_a_marker_of_b(derived):
    app, values, cookies, tokens, people, _seeded, b_id, stage = derived
    urls = _urls(app, values, people, b_id, stage)
    opened, leaks = 0, []
    for role in ROLES:
        for endpoint, url in urls:
            if endpoint in ("static", "accounts.logout"):
                continue
            response = _open(app, cookies, tokens, role, endpoint, url)
            if response.status_code != 200:
                continue
            opened += 1
            body = response.get_data(as_text=True)
            leaks += [f"{role} GET {url}: {what} ({marker!r})" for what, marker in MARKERS.items() if marker in body]
    put("derived", "views opened (GET routes x people x roles)", opened)
    put("derived", "markers of B", len(MARKERS))
    put("derived", "derived views x markers checked", opened * len(MARKERS))
    assert not leaks, "\n".join(leaks)
    assert opened > 50  # the sweep reached the pages (not a wall of 404s)


def test_the_review_and_suggestions_still_offer_the_suggestion_without_naming_the_introducer(derived):
    app, values, cookies, tokens, _people, seeded, _b, _stage = derived
    page = _open(app, cookies, tokens, "chair_a", "scoring.review", f"/partnerships/{values['partnership_id']}/review")
    assert "Target Employer" in page.get_data(as_text=True)
    api = _open(app, cookies, tokens, "chair_a", "api", f"/api/v1/partnerships/{values['partnership_id']}/suggestions")
    target = next(s for s in api.json if s["person_id"] == seeded["target"])
    path = target["asker"]["path"]
    assert path[0] is not None and path[-1] == seeded["target"]
    assert None in path  # the introducer only B holds: a hop, never an id


def test_the_people_list_answers_nothing_of_b_to_a_chair_of_a(derived):
    app, _values, cookies, tokens, _people, _seeded, b_id, stage = derived
    for role in ROLES:
        assert _open(app, cookies, tokens, role, "x", f"/people?partnership={b_id}&stage={stage}").status_code == 404
        assert _open(app, cookies, tokens, role, "api", f"/api/v1/people?partnership={b_id}").status_code == 404
        shown = _open(app, cookies, tokens, role, "x", f"/people?stage={stage}").get_data(as_text=True)
        assert "Shared Person" not in shown  # accepted in B only: A's list knows no such stage of theirs


def test_the_organisation_list_counts_only_people_a_chair_sees(derived):
    app, _values, cookies, tokens, _people, _seeded, _b, _stage = derived
    listing = _open(app, cookies, tokens, "chair_a", "x", "/organisations?q=Countwell").get_data(as_text=True)
    assert "Countwell Trust" in listing
    assert "<td>1</td>" in listing  # one of its 37 people is in A


def test_map_centrality_counts_only_ties_among_the_people_shown(derived):
    app, values, cookies, tokens, _people, _seeded, _b, _stage = derived
    graph = _open(app, cookies, tokens, "chair_a", "x", f"/partnerships/{values['partnership_id']}/map.json").json
    shown = {n["id"] for n in graph["nodes"]}
    degree = dict.fromkeys(shown, 0)
    for edge in graph["edges"]:
        if edge["from"] in shown and edge["to"] in shown:
            degree[edge["from"]] += 1
            degree[edge["to"]] += 1
    for node in graph["nodes"]:
        assert node["centrality"] == round(degree[node["id"]] / max(len(shown) - 1, 1), 4), node


def test_map_scores_use_only_the_assessments_a_chair_sees(derived):
    app, values, cookies, tokens, _people, seeded, _b, _stage = derived
    graph = _open(app, cookies, tokens, "chair_a", "x", f"/partnerships/{values['partnership_id']}/map.json").json
    shown = next(n["score"] for n in graph["nodes"] if n["id"] == seeded["shared"])
    with app.app_context():
        own = scoring.overall_scores([seeded["shared"]], {values["partnership_id"]})[seeded["shared"]]
        everyone = scoring.overall_scores([seeded["shared"]])[seeded["shared"]]
    assert own != everyone  # B's three assessments move the score: the check can fail
    assert shown == own
