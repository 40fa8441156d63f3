"""The scores snapshot catches up on the change log: after edits of every kind that feeds a
score, it holds exactly what a full build holds, without rebuilding."""

from __future__ import annotations

from datetime import date

from crm.contacts import services as contacts
from crm.scoring import services

_load_facts = services.load_facts


def _equal_to_a_rebuild(snap):
    people, orgs, facts = _load_facts(employers_only=True)
    assert snap.facts == facts
    assert snap.numbers == {pid: services.score_person(f, explain=False) for pid, f in facts.items()}
    assert {pid: snap.people[pid] for pid in facts} == {pid: people[pid] for pid in facts}
    assert snap.orgs == orgs


def test_snapshot_catches_up_on_each_kind_of_change(db, make_org, make_person, make_partnership,
                                                    add_member, monkeypatch):
    from crm.outreach import services as outreach
    from crm.outreach.models import Task

    services.clear_cache()
    acme = make_org("Acme", sector="Advanced Manufacturing")
    beta = make_org("Beta", sector="Advanced Manufacturing")
    college = make_org("City College", kind="community_college")
    ann, bob = make_person("Ann", acme, title="CEO"), make_person("Bob", beta)
    cy, dee = make_person("Cy", college), make_person("Dee", acme)
    partnership = make_partnership("Region X")
    add_member(partnership, ann, "chair", "champion")
    contacts.add_tie("knows", ann.id, cy.id, 2)
    db.session.commit()
    first = services.snapshot()
    builds = []
    real = services.load_facts
    monkeypatch.setattr(services, "load_facts", lambda ids=None, **kw: builds.append(ids) or real(ids, **kw))

    contacts.add_tie("knows", ann.id, bob.id, 3)  # a tie: both ends
    contacts.save_person(dee, {"title": "Plant manager", "tags": ["United Way board"]},
                         expected_version=dee.version)  # title and civic tag: facts
    services.add_assessment(bob, "community", 3, "chairs the food bank", None)
    task = Task(partnership_id=partnership.id, kind="champion_call", due=date(2026, 12, 1), owner_id=bob.id,
                status="open")
    db.session.add(task)
    db.session.commit()
    outreach.complete_task(task)
    contacts.save_organisation(college, {"name": "City College", "kind": "employer",
                                         "sector": "Advanced Manufacturing"},
                               expected_version=college.version)  # Cy's organisation turns employer
    db.session.commit()
    snap = services.snapshot()
    assert snap is not first and all(ids is not None for ids in builds)  # caught up, not rebuilt
    assert cy.id in snap.facts and snap.facts[bob.id].tasks_done == 1
    assert snap.facts[ann.id].sector_employers >= 1
    _equal_to_a_rebuild(snap)

    from crm.partnerships import services as partnerships

    partnerships.move_stage(partnerships.membership_of(partnership.id, ann.id), "champion", role="co_chair")
    partnerships.add_member(partnership, dee.id, "chair", "candidate")  # chairing is a signal
    db.session.commit()
    snap = services.snapshot()
    assert snap.facts[dee.id].chairs == 1 and all(ids is not None for ids in builds)
    _equal_to_a_rebuild(snap)

    contacts.archive_person(bob)
    db.session.commit()
    snap = services.snapshot()
    assert bob.id not in snap.facts and all(ids is not None for ids in builds)
    _equal_to_a_rebuild(snap)
    assert services.snapshot() is snap  # nothing changed: the same object


def test_a_ranking_updates_itself_after_edits_away_from_its_team(db, make_org, make_person,
                                                                 make_partnership, add_member):
    from crm.scoring import suggestions

    services.clear_cache()
    acme = make_org("Acme", sector="Advanced Manufacturing")
    beta = make_org("Beta", sector="Advanced Manufacturing")
    chair, friend = make_person("Chair", acme, title="CEO"), make_person("Friend", beta)
    far, farther = make_person("Far", beta), make_person("Farther", beta, title="Owner")
    partnership = make_partnership("Region X")
    add_member(partnership, chair, "chair", "champion")
    contacts.add_tie("knows", chair.id, friend.id, 3)
    db.session.commit()

    def fresh():
        snap = services.snapshot()
        return suggestions.Slate(snap, suggestions.partnership_members(partnership.id),
                                 partnership.sector, partnership.counties)

    first = suggestions.slate_of(partnership)
    contacts.add_tie("knows", far.id, farther.id, 2)  # away from the chair and their friends
    services.add_assessment(farther, "community", 3, "food bank chair", None)
    db.session.commit()
    second = suggestions.slate_of(partnership)
    assert second is not first and second.paths is first.paths  # updated, not rebuilt
    rebuilt = fresh()
    assert second.values == rebuilt.values and second.order == rebuilt.order

    contacts.add_tie("knows", friend.id, far.id, 2)  # now within the chair's reach: rebuilt
    db.session.commit()
    third = suggestions.slate_of(partnership)
    assert third.paths is not second.paths and far.id in third.paths
    rebuilt = fresh()
    assert third.values == rebuilt.values and third.order == rebuilt.order
