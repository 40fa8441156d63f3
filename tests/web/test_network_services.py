"""Network services against the database: the graph version changes with every change to
the graph (seen by other processes through the database), and intro paths are ranked
employer-to-employer asks."""

from __future__ import annotations

from sqlalchemy import create_engine, select, text

from crm.contacts import services as contacts
from crm.network import services
from crm.partnerships import services as partnerships
from crm.partnerships.models import Membership


def test_graph_version_changes_with_people_ties_and_memberships(db, make_org, make_person,
                                                                make_partnership, add_member):
    v0 = services.graph_version()
    org = make_org("Acme")
    v1 = services.graph_version()
    a = make_person("Ann", org)
    b = make_person("Bob", org)
    v2 = services.graph_version()
    contacts.add_tie("knows", a.id, b.id, 2)
    db.session.commit()
    v3 = services.graph_version()
    add_member(make_partnership(), a, "chair")
    v4 = services.graph_version()
    assert len({v0, v1, v2, v3, v4}) == 5


def test_graph_version_is_read_from_the_database_by_another_connection(app, db, make_person):
    make_person("Ann")
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"].replace(
        "postgresql://", "postgresql+psycopg://"))
    with engine.connect() as other:
        seen = other.execute(text("SELECT value FROM graph_version WHERE id = 1")).scalar()
    engine.dispose()
    assert seen == services.graph_version() != 0


def test_cached_graph_is_rebuilt_after_a_change(db, make_org, make_person):
    services.clear_caches()
    org = make_org("Acme")
    a = make_person("Ann", org)
    first = services.region_network()
    assert services.region_network() is first
    make_person("Bob", org)
    second = services.region_network()
    assert second is not first and len(second.nodes) == 2 and a.id in second.nodes


def _demo(db, make_org, make_person, make_partnership, add_member):
    employer, other_employer = make_org("Acme"), make_org("Beta Corp")
    college = make_org("City College", kind="community_college")
    chair = make_person("Chair Carla", employer)
    champion = make_person("Champion Chen", employer)
    partner = make_person("Partner Pat", college)
    friend = make_person("Friend Fay", other_employer)
    target = make_person("Target Tom", other_employer)
    partnership = make_partnership("Region X")
    add_member(partnership, chair, "chair", "champion")
    add_member(partnership, champion, "champion", "champion")
    add_member(partnership, partner, "community_partner", "champion")
    add_member(partnership, target, "member", "candidate")
    contacts.add_tie("knows", chair.id, friend.id, 3)
    contacts.add_tie("knows", friend.id, target.id, 2)
    contacts.add_tie("knows", champion.id, partner.id, 3)
    contacts.add_tie("knows", partner.id, target.id, 3)
    db.session.commit()
    return partnership, chair, champion, partner, friend, target


def test_intro_paths_rank_employer_introductions_before_partner_ones(db, make_org, make_person,
                                                                     make_partnership, add_member):
    partnership, chair, champion, partner, friend, target = _demo(
        db, make_org, make_person, make_partnership, add_member)
    paths = services.intro_paths(partnership.id, target.id)
    assert [p.path for p in paths] == [(chair.id, friend.id, target.id),
                                       (champion.id, partner.id, target.id)]
    assert paths[0].employer_to_employer and not paths[1].employer_to_employer
    assert "Introduction by a partner, ask by an employer" in paths[1].reason
    assert paths[1].asker_id == champion.id and paths[1].introducer_id == partner.id
    best = services.best_asker(partnership.id, target.id)
    assert best == paths[0]


def test_direct_tie_comes_first_and_changes_show_at_once(db, make_org, make_person,
                                                         make_partnership, add_member):
    partnership, chair, champion, partner, friend, target = _demo(
        db, make_org, make_person, make_partnership, add_member)
    contacts.add_tie("knows", champion.id, target.id, 1)
    db.session.commit()
    paths = services.intro_paths(partnership.id, target.id)
    assert paths[0].path == (champion.id, target.id) and paths[0].introducer_id is None


def test_best_asker_is_none_without_an_employer_to_employer_path(db, make_org, make_person,
                                                                 make_partnership, add_member):
    employer = make_org("Acme")
    college = make_org("City College", kind="community_college")
    chair = make_person("Chair", employer)
    partner = make_person("Partner", college)
    target = make_person("Target", make_org("Other"))
    partnership = make_partnership()
    add_member(partnership, chair, "chair")
    contacts.add_tie("knows", chair.id, partner.id, 3)
    contacts.add_tie("knows", partner.id, target.id, 3)
    db.session.commit()
    assert services.intro_paths(partnership.id, target.id)
    assert services.best_asker(partnership.id, target.id) is None


_load_network = services.load_network


def _equal_to_a_rebuild(network):
    full = _load_network()
    assert network.nodes == full.nodes and network.members == full.members
    edges = lambda n: {frozenset((a, b)): s for a, b, s in n.knows.edges(data="strength")}  # noqa: E731
    assert edges(network) == edges(full) and set(network.referred.edges) == set(full.referred.edges)


def test_each_process_catches_up_on_logged_changes_instead_of_rebuilding(
        db, make_org, make_person, make_partnership, add_member, monkeypatch):
    from crm.partnerships import services as partnerships
    from crm.scoring.services import add_assessment

    services.clear_caches()
    acme, college = make_org("Acme"), make_org("City College", kind="community_college")
    ann, bob, cy = make_person("Ann", acme), make_person("Bob", acme), make_person("Cy", college)
    partnership = make_partnership("Region X")
    add_member(partnership, ann, "chair", "champion")
    tie = contacts.add_tie("knows", ann.id, bob.id, 2)
    db.session.commit()
    services.region_network()  # built once
    rebuilds = services.REGION.rebuilds

    version = services.graph_version()
    contacts.save_person(cy, {"email": "cy@example.org"}, expected_version=cy.version)
    db.session.commit()
    assert services.graph_version() == version  # an email is not part of the graph

    contacts.save_person(bob, {"name": "Robert"}, expected_version=bob.version)
    contacts.add_tie("referred", cy.id, bob.id)
    tie.strength = 3
    contacts.archive_person(cy)
    membership = partnerships.add_member(partnership, bob.id, "champion", "asked")
    add_assessment(bob, "company", 3, "runs the plant", None)  # scores only: the graph catches up regardless
    db.session.commit()
    network = services.region_network()
    assert network.name(bob.id) == "Robert" and cy.id not in network.nodes
    assert network.knows[ann.id][bob.id]["strength"] == 3 and network.members[partnership.id][bob.id]
    _equal_to_a_rebuild(network)

    contacts.restore_person(cy)
    partnerships.move_stage(membership, "accepted")
    db.session.delete(tie)
    db.session.commit()
    network = services.region_network()
    assert cy.id in network.nodes and network.referred.has_edge(cy.id, bob.id)
    assert not network.knows.has_edge(ann.id, bob.id)
    _equal_to_a_rebuild(network)
    assert services.REGION.rebuilds == rebuilds  # every change was caught up on, none rebuilt

    db.session.execute(text("DELETE FROM graph_changes"))  # the log emptied (a restore, say)
    contacts.save_person(ann, {"name": "Annie"}, expected_version=ann.version)
    db.session.commit()
    assert services.region_network().name(ann.id) == "Annie" and services.REGION.rebuilds == rebuilds + 1


def test_keystones_survive_edits_elsewhere_and_big_partnerships_compute_in_the_background(
        db, make_org, make_person, make_partnership, add_member, monkeypatch):
    import time

    from crm.network import keystones as pure_keystones

    services.clear_caches()
    partnership, chair, champion, partner, friend, target = _demo(
        db, make_org, make_person, make_partnership, add_member)
    first = services.keystones(partnership.id)
    assert first["pending"] is False and first["people"] == 3  # Target Tom is a candidate: not engaged
    contacts.save_person(friend, {"name": "Fay F."}, expected_version=friend.version)  # not a member
    db.session.commit()
    assert services.keystones(partnership.id) is first  # the partnership's own network is unchanged
    tom = db.session.scalar(select(Membership).filter_by(partnership_id=partnership.id, person_id=target.id))
    partnerships.move_stage(tom, "approved")  # an approval adds no engaged person
    db.session.commit()
    assert services.keystones(partnership.id) is first

    monkeypatch.setattr(pure_keystones, "EXACT_LIMIT", 2)  # now it counts as big
    contacts.add_tie("knows", chair.id, champion.id, 3)
    db.session.commit()
    answer = services.keystones(partnership.id)
    assert answer["stale"] is True and answer["leaders"] == first["leaders"]  # the last one, marked
    for _ in range(200):
        fresh = services.keystones(partnership.id)
        if not fresh["stale"]:
            break
        time.sleep(0.02)
    assert fresh["pending"] is False and fresh["ties"] == first["ties"] + 1

    services._latest_keystones.clear()  # a partnership never analysed before: a preliminary answer
    contacts.add_tie("knows", chair.id, partner.id, 1)
    db.session.commit()
    answer = services.keystones(partnership.id)
    assert answer["pending"] is True and answer["leaders"] == [] and answer["people"] == 3
