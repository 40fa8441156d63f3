"""People and organisation pages: create, list, search, edit conflicts, hostile names."""

from __future__ import annotations

from crm.contacts.models import Organisation, Person
from tests.helpers import text_of

HOSTILE = "<script>alert(1)</script>"


def _staff(auth, make_user):
    make_user("c@example.org", role="convener")
    auth.login("c@example.org")


def test_convener_adds_an_employer_and_a_person_and_finds_them(client, auth, make_user, db):
    _staff(auth, make_user)
    response = client.post("/organisations/new", data={"name": "Acme Tools", "kind": "employer",
                                                       "sector": "Manufacturing"}, follow_redirects=True)
    assert "Acme Tools" in text_of(response)
    org = db.session.query(Organisation).one()
    assert (org.name, org.kind, org.side, org.sector) == ("Acme Tools", "employer", "employer", "Manufacturing")
    response = client.post("/people/new", data={"name": "Karen Alvarez", "title": "CEO",
                                                "organisation_id": org.id, "email": "Karen@Acme.example",
                                                "tags": "Rotary, rotary , United Way board"},
                           follow_redirects=True)
    assert "Karen Alvarez" in text_of(response)
    person = db.session.query(Person).one()
    assert person.email == "karen@acme.example" and person.tag_names == ["Rotary", "United Way board"]
    assert (person.title, person.organisation_id) == ("CEO", org.id)
    listing = text_of(client.get("/people?q=acme"))
    assert "Karen Alvarez" in listing
    assert "No one matches" in text_of(client.get("/people?q=zzz"))
    assert "Karen Alvarez" in text_of(client.get("/people?tag=rotary"))
    assert "Karen Alvarez" in text_of(client.get("/people?side=employer"))
    assert "No one matches" in text_of(client.get("/people?side=community"))


def test_invalid_person_form_keeps_input_and_names_the_field(client, auth, make_user, db):
    _staff(auth, make_user)
    response = client.post("/people/new", data={"name": "", "email": "nope", "organisation_id": 0,
                                                "notes": "keep me"})
    body = response.get_data(as_text=True)
    assert "This field is required" in body and "That is not an email address" in body
    assert "keep me" in body
    assert db.session.query(Person).count() == 0


def test_hostile_name_is_shown_as_text(client, auth, make_user, make_person):
    _staff(auth, make_user)
    person = make_person(HOSTILE, title=HOSTILE, notes=HOSTILE)
    for url in (f"/people/{person.id}", "/people", f"/people/{person.id}/edit"):
        body = client.get(url).get_data(as_text=True)
        assert HOSTILE not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_second_save_of_the_same_version_is_refused_showing_changes(client, auth, make_user, make_person, db):
    _staff(auth, make_user)
    person = make_person("Lane Whitaker", title="GM")
    version = person.version
    first = client.post(f"/people/{person.id}/edit", data={"name": "Lane Whitaker", "title": "General Manager",
                                                           "organisation_id": 0, "version": version})
    assert first.status_code == 302
    second = client.post(f"/people/{person.id}/edit", data={"name": "Lane Whitaker", "title": "Owner",
                                                            "organisation_id": 0, "version": version})
    assert second.status_code == 409
    body = text_of(second)
    assert "changed this person while you were editing" in body and "General Manager" in body
    assert 'value="Owner"' in second.get_data(as_text=True)
    assert db.session.get(Person, person.id).title == "General Manager"


def test_tie_to_oneself_or_twice_is_refused(client, auth, make_user, make_person, db):
    from crm.contacts.models import Tie

    _staff(auth, make_user)
    a, b = make_person("A"), make_person("B")
    response = client.post(f"/people/{a.id}/ties", data={"kind": "knows", "other_id": a.id, "strength": 2},
                           follow_redirects=True)
    assert "cannot be tied to themselves" in text_of(response)
    client.post(f"/people/{a.id}/ties", data={"kind": "knows", "other_id": b.id, "strength": 2})
    response = client.post(f"/people/{b.id}/ties", data={"kind": "knows", "other_id": a.id, "strength": 3},
                           follow_redirects=True)
    assert "Already recorded" in text_of(response)
    assert db.session.query(Tie).count() == 1


def test_archiving_keeps_the_person_and_their_history(client, auth, make_user, make_person, db):
    _staff(auth, make_user)
    person = make_person("Paul Okafor")
    client.post(f"/people/{person.id}/archive")
    assert db.session.get(Person, person.id).archived_at is not None
    assert "No one matches" in text_of(client.get("/people"))
    assert "Paul Okafor" in text_of(client.get("/people?archived=1"))
    from crm.audit.models import AuditEntry

    actions = [e.action for e in db.session.query(AuditEntry).filter_by(entity="people", entity_id=person.id)]
    assert actions == ["create", "update"]


def test_audit_log_records_who_changed_what(client, auth, make_user, make_person, db):
    from crm.audit.models import AuditEntry

    _staff(auth, make_user)
    person = make_person("Tom", title="President")
    client.post(f"/people/{person.id}/edit", data={"name": "Tom Reinhardt", "title": "President",
                                                   "organisation_id": 0, "version": person.version})
    entry = db.session.query(AuditEntry).filter_by(entity="people", action="update").one()
    assert entry.before == {"name": "Tom", "name_key": "tom"}
    assert entry.after["name"] == "Tom Reinhardt"
    assert entry.user_id is not None


def test_adding_someone_already_at_the_organisation_offers_the_existing_record(client, auth, make_user,
                                                                                make_org, make_person, db):
    _staff(auth, make_user)
    org = make_org("Acme Tools")
    existing = make_person("Karen Álvarez", org=org, email="karen@acme.example")
    typed = {"name": "karen alvarez", "title": "CEO", "organisation_id": org.id, "notes": "met at Rotary"}
    response = client.post("/people/new", data=typed)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'href="/people/{existing.id}"' in body
    assert "same name at the same organisation" in body and "met at Rotary" in body
    assert db.session.query(Person).count() == 1
    response = client.post("/people/new", data={**typed, "not_a_duplicate": "1"})
    assert response.status_code == 302 and db.session.query(Person).count() == 2


def test_adding_an_existing_email_offers_that_record_wherever_they_work(client, auth, make_user,
                                                                          make_person, db):
    _staff(auth, make_user)
    existing = make_person("K. Alvarez", email="karen@acme.example")
    response = client.post("/people/new", data={"name": "Karen Smith", "organisation_id": 0,
                                                "email": "KAREN@acme.example"})
    assert f'href="/people/{existing.id}"' in response.get_data(as_text=True)
    assert db.session.query(Person).count() == 1


def test_a_namesake_at_another_organisation_is_added_without_a_question(client, auth, make_user,
                                                                         make_org, make_person, db):
    _staff(auth, make_user)
    make_person("Karen Alvarez", org=make_org("Acme Tools"))
    other = make_org("Beta Works")
    response = client.post("/people/new", data={"name": "Karen Alvarez", "organisation_id": other.id})
    assert response.status_code == 302 and db.session.query(Person).count() == 2
