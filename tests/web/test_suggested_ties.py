"""Suggested ties: colleagues (works with) and people who attended the same meeting
(acquaintance) are offered, never added silently; one click confirms (a knows tie whose source
says why) or dismisses (never offered again); meetings of partnerships the user does not see
suggest nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.contacts.models import Tie, TieDismissal
from crm.partnerships.models import Invitation, Meeting
from crm.timeutil import utcnow
from tests.helpers import shown_text


@pytest.fixture
def people(db, make_org, make_person, make_partnership):
    acme = make_org("Acme Tools")
    ann, bo = make_person("Ann Lee", org=acme), make_person("Bo Park", org=acme)
    cy, di = make_person("Cy Young"), make_person("Di Prince")
    a, b = make_partnership("A"), make_partnership("B")
    for partnership, (x, y) in ((a, (cy, ann)), (b, (cy, di))):
        meeting = Meeting(partnership_id=partnership.id, kind="launch", starts_at=utcnow() - timedelta(days=3))
        db.session.add(meeting)
        db.session.flush()
        db.session.add_all([Invitation(meeting_id=meeting.id, person_id=p.id, response="accepted", attended=True)
                            for p in (x, y)])
    db.session.commit()
    return {"ann": ann, "bo": bo, "cy": cy, "di": di, "a": a, "b": b}


def _signed_in(make_user, auth, *partnerships):
    make_user("conv@example.org", "convener", partnerships=partnerships)
    auth.login("conv@example.org")


def test_colleagues_and_co_attendees_are_offered_not_added(client, db, make_user, auth, people):
    _signed_in(make_user, auth, people["a"])
    text = shown_text(client.get("/ties/suggested"))
    assert "Ann Lee and Bo Park both at Acme Tools Works with" in text
    assert "Ann Lee and Cy Young both attended A launch" in text
    assert "Di Prince" not in text  # met Cy at a meeting of B, which this convener does not see
    assert db.session.scalars(select(Tie)).all() == []


def test_one_click_confirms_with_the_reason_as_source(client, db, make_user, auth, people):
    _signed_in(make_user, auth, people["a"])
    ann, bo = people["ann"], people["bo"]
    response = client.post("/ties/suggested/confirm", data={"first": bo.id, "second": ann.id},
                           headers={"HX-Request": "true"})
    assert "Recorded: Ann Lee knows Bo Park." in shown_text(response)
    tie = db.session.scalar(select(Tie))
    assert (tie.kind, tie.strength, tie.source) == ("knows", 2, "suggested: same organisation")
    assert "Bo Park" not in shown_text(client.get("/ties/suggested"))
    again = client.post("/ties/suggested/confirm", data={"first": ann.id, "second": bo.id}, follow_redirects=True)
    assert "no longer open" in shown_text(again) and len(db.session.scalars(select(Tie)).all()) == 1


def test_one_click_dismisses_for_good(client, db, make_user, auth, people):
    _signed_in(make_user, auth, people["a"])
    ann, cy = people["ann"], people["cy"]
    client.post("/ties/suggested/dismiss", data={"first": ann.id, "second": cy.id})
    assert db.session.scalar(select(TieDismissal.person_a_id)) == ann.id
    text = shown_text(client.get(f"/ties/suggested?person={ann.id}"))
    assert "Cy Young" not in text and "Bo Park" in text
    assert db.session.scalars(select(Tie)).all() == []


def test_a_pair_that_is_not_a_suggestion_cannot_be_confirmed(client, db, make_user, auth, people):
    _signed_in(make_user, auth, people["a"])
    for first, second in ((people["cy"], people["di"]), (people["ann"], people["ann"])):
        response = client.post("/ties/suggested/confirm", data={"first": first.id, "second": second.id},
                               follow_redirects=True)
        assert "no longer open" in shown_text(response)
    assert db.session.scalars(select(Tie)).all() == []
