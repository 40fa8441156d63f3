"""Recording ties from a person's page (htmx fragment, autocomplete, refusals) and the bulk
"who do you know?" page; the person page shows everything known, filtered by access."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.contacts.models import Tie
from tests.helpers import shown_text
from tests.web.world import sign_in


def test_autocomplete_finds_people_by_name_start_and_hides_others_partnerships(client, world, make_person):
    sign_in(client, world.users["admin"])
    found = shown_text(client.get("/people/search?q=memb", headers={"HX-Request": "true"}))
    assert "Member Alpha" in found and "Member Beta" in found
    by_surname = shown_text(client.get("/people/search?q=beta"))
    assert "Member Beta" in by_surname and "Member Alpha" not in by_surname
    sign_in(client, world.users["chair_a"])
    hidden = shown_text(client.get("/people/search?q=member"))
    assert "Member Alpha" in hidden and "Member Beta" not in hidden
    excluded = client.get(f"/people/search?q=member&exclude={world.person_a.id}").get_data(as_text=True)
    assert f'value="{world.person_a.id}"' not in excluded


def test_ties_added_in_a_row_through_htmx_return_the_fragment(client, world, make_person, db):
    sign_in(client, world.users["convener_a"])
    bo = make_person("Bo Park")
    url = f"/people/{world.person_a.id}/ties"
    first = client.post(url, data={"kind": "knows", "other_id": bo.id, "strength": 3, "context": "Rotary"},
                        headers={"HX-Request": "true"})
    body = first.get_data(as_text=True)
    assert first.status_code == 200 and body.lstrip().startswith('<section class="card" id="ties">')
    assert "Recorded: Member Alpha knows Bo Park." in shown_text(first) and "Close" in shown_text(first)
    second = client.post(url, data={"kind": "referred", "direction": "in", "other_id": world.person_b.id,
                                    "strength": 1}, headers={"HX-Request": "true"})
    assert "Recorded: Member Beta referred Member Alpha." in shown_text(second)
    assert "referred by Member Beta" in shown_text(second)
    tie = db.session.scalar(select(Tie).where(Tie.kind == "referred"))
    assert (tie.source_id, tie.target_id) == (world.person_b.id, world.person_a.id)


def test_self_and_duplicate_ties_are_refused_with_a_message(client, world, db):
    sign_in(client, world.users["convener_a"])
    url = f"/people/{world.person_a.id}/ties"
    before = db.session.scalar(select(func.count(Tie.id)))
    dup = client.post(url, data={"kind": "knows", "other_id": world.chair_person.id, "strength": 1},
                      headers={"HX-Request": "true"})
    assert "Already recorded" in shown_text(dup)
    own = client.post(url, data={"kind": "knows", "other_id": world.person_a.id, "strength": 1},
                      headers={"HX-Request": "true"})
    assert "cannot be tied to themselves" in shown_text(own)
    none = client.post(url, data={"kind": "knows", "strength": 1}, headers={"HX-Request": "true"})
    assert "Choose a person." in shown_text(none)
    assert db.session.scalar(select(func.count(Tie.id))) == before


def test_bulk_who_do_you_know_records_all_and_reports_duplicates(client, world, make_person, db):
    sign_in(client, world.users["convener_a"])
    ann, bo = make_person("Ann Lee"), make_person("Bo Park")
    page = client.get(f"/ties/bulk?knower={world.chair_person.id}")
    assert "Recording who Chair Alpha knows" in shown_text(page) and "already" in shown_text(page)
    done = client.post(f"/ties/bulk?knower={world.chair_person.id}",
                       data={"known": [ann.id, bo.id, world.person_a.id, world.chair_person.id],
                             "strength": 2})
    text = shown_text(done)
    assert "2 ties recorded: Ann Lee, Bo Park" in text
    assert "Skipped (already recorded, or themselves): Member Alpha, Chair Alpha" in text
    assert db.session.scalar(select(func.count(Tie.id)).where(Tie.kind == "knows")) == 3


def test_bulk_page_defaults_to_the_users_linked_person(client, world, make_user):
    user = make_user("linked@example.org", "convener", person=world.chair_person)
    sign_in(client, user)
    assert "Recording who Chair Alpha knows" in shown_text(client.get("/ties/bulk"))
    assert "Whose ties?" in shown_text(client.get("/ties/bulk?knower=0"))


def test_person_page_shows_memberships_ties_tasks_and_history_for_staff(client, world):
    sign_in(client, world.users["convener_a"])
    text = shown_text(client.get(f"/people/{world.person_a.id}"))
    assert "Partnership A" in text and "Chair Alpha" in text and "Close" in text
    assert "Ask (invitation)" in text and "Trait assessments" in text and "History" in text


def test_person_page_for_viewers_hides_ties_and_history(client, world):
    sign_in(client, world.users["viewer_a"])
    text = shown_text(client.get(f"/people/{world.person_a.id}"))
    assert "Partnership A" in text and "Who they know" not in text and "History" not in text


def test_organisations_list_filters_by_kind_sector_and_county(client, world, make_org):
    make_org("Lane CC", kind="community_college", county="Lane")
    sign_in(client, world.users["admin"])
    text = shown_text(client.get("/organisations?kind=community_college"))
    assert "Lane CC" in text and "Alpha Works" not in text
    text = shown_text(client.get("/organisations?sector=manufacturing&county=ALPHA"))
    assert "Alpha Works" in text and "Beta Clinic" not in text and "Lane CC" not in text
