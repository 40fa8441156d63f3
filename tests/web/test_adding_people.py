"""People into partnerships without typing ids (issue 13 item 7): "Add to partnership" on the
person page, the partnership page's search (htmx or a plain form), the people list's bulk
action. Only people and partnerships the user may see; nobody added twice."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.partnerships.models import Membership
from tests.helpers import text_of
from tests.web.world import sign_in


def _members(db, partnership) -> dict[int, tuple[str, str]]:
    return {pid: (role, stage) for pid, role, stage in db.session.execute(
        select(Membership.person_id, Membership.role, Membership.stage)
        .where(Membership.partnership_id == partnership.id))}


def test_the_person_page_adds_them_to_a_partnership_with_role_and_stage(client, world, db, make_person):
    newcomer = make_person("Nora Newcomer", world.org_a)
    sign_in(client, world.users["convener_a"])
    page = text_of(client.get(f"/people/{newcomer.id}"))
    assert "Add to partnership" in page and "Partnership A" in page
    assert "Partnership B" not in page  # not given to convener_a
    response = client.post("/people/partnerships", data={
        "partnership_id": world.a.id, "person_id": newcomer.id, "role": "champion", "stage": "approved",
        "next": f"/people/{newcomer.id}"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/people/{newcomer.id}")
    assert _members(db, world.a)[newcomer.id] == ("champion", "approved")
    again = client.get(f"/people/{newcomer.id}")
    assert "Added Nora Newcomer to Partnership A (Approved)." in text_of(again)
    assert 'id="add-to-partnership"' not in again.get_data(as_text=True)  # in every partnership they may add to


def test_a_partnership_the_user_was_not_given_is_refused_like_a_missing_one(client, world, db, make_person):
    newcomer = make_person("Nora Newcomer", world.org_a)
    sign_in(client, world.users["convener_a"])
    for partnership_id in (world.b.id, 999999, "abc"):
        response = client.post("/people/partnerships", data={
            "partnership_id": partnership_id, "person_id": newcomer.id}, follow_redirects=True)
        assert "Choose a partnership." in text_of(response)
    assert newcomer.id not in _members(db, world.b)


def test_chairs_and_viewers_cannot_add_people(client, world, db, make_person):
    newcomer = make_person("Nora Newcomer", world.org_a)
    for role in ("chair_a", "viewer_a"):
        sign_in(client, world.users[role])
        assert client.post("/people/partnerships", data={
            "partnership_id": world.a.id, "person_id": newcomer.id}).status_code == 403
        assert client.get(f"/partnerships/{world.a.id}/people-search?q=Nora").status_code == 403
        assert 'name="person_id"' not in client.get("/people").get_data(as_text=True)
    assert newcomer.id not in _members(db, world.a)


def test_the_search_offers_people_not_yet_in_the_partnership(client, world, db, make_person):
    nora = make_person("Nora Newcomer", world.org_a)
    sign_in(client, world.users["convener_a"])
    found = client.get(f"/partnerships/{world.a.id}/people-search?q=nor", headers={"HX-Request": "true"})
    html = found.get_data(as_text=True)
    assert f'name="person_id" value="{nora.id}"' in html and "<html" not in html
    members = client.get(f"/partnerships/{world.a.id}/people-search?q=member").get_data(as_text=True)
    assert f'value="{world.person_a.id}"' not in members  # already in A
    assert f'value="{world.person_b.id}"' in members  # a convener sees the whole contact base
    assert client.get(f"/partnerships/{world.b.id}/people-search?q=nor").status_code == 404


def test_without_javascript_the_partnership_page_searches_and_adds(client, world, db, make_person):
    nora = make_person("Nora Newcomer", world.org_a)
    sign_in(client, world.users["convener_a"])
    page = client.get(f"/partnerships/{world.a.id}?q=Nora").get_data(as_text=True)
    assert f'name="person_id" value="{nora.id}" checked' in page  # the one match, picked
    assert "Person id" not in page
    client.post(f"/partnerships/{world.a.id}/members", data={"person_id": nora.id, "role": "member",
                                                             "stage": "candidate"})
    assert _members(db, world.a)[nora.id] == ("member", "candidate")
    nothing = client.post(f"/partnerships/{world.a.id}/members", data={"role": "member", "stage": "candidate"},
                          follow_redirects=True)
    assert "Choose a person." in text_of(nothing)


def test_the_people_list_adds_the_ticked_people_as_candidates(client, world, db, make_person):
    ann, bob = make_person("Ann Ticked", world.org_a), make_person("Bob Ticked", world.org_a)
    sign_in(client, world.users["convener_a"])
    listing = client.get("/people").get_data(as_text=True)
    assert f'name="person_id" value="{ann.id}"' in listing and "Add as candidates" in listing
    response = client.post("/people/partnerships", data={
        "partnership_id": world.a.id, "person_id": [ann.id, bob.id, world.person_a.id, ann.id],
        "role": "member", "stage": "candidate", "next": "/people?q=Ticked"}, follow_redirects=True)
    text = text_of(response)
    assert "Added Ann Ticked and Bob Ticked to Partnership A (Candidate)." in text
    assert "Already in Partnership A: Member Alpha." in text
    members = _members(db, world.a)
    assert members[ann.id] == members[bob.id] == ("member", "candidate")
    assert members[world.person_a.id] == ("member", "suggested")  # untouched
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.person_id == ann.id)) == 1


def test_nobody_ticked_says_so_and_changes_nothing(client, world, db):
    sign_in(client, world.users["convener_a"])
    before = _members(db, world.a)
    for data in ({}, {"person_id": ["x", "99999999"]}):
        response = client.post("/people/partnerships", data={"partnership_id": world.a.id, **data},
                               follow_redirects=True)
        assert "Tick the people to add." in text_of(response) or "No such person" in text_of(response)
    assert _members(db, world.a) == before
