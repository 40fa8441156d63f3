"""Merging two records keeps every tie, membership, assessment, task, invitation and history,
is recorded in the audit log, and undo puts everything back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.contacts import services
from crm.contacts.models import Person, Tie
from crm.outreach.models import Task
from crm.partnerships.models import Invitation, Meeting, Membership
from crm.scoring.models import TraitAssessment
from crm.timeutil import utcnow
from tests.helpers import shown_text


def _state(db, person_id):
    """Everything that points at a person, as comparable tuples."""
    return {
        "ties": sorted(db.session.execute(select(Tie.kind, Tie.source_id, Tie.target_id).where(
            (Tie.source_id == person_id) | (Tie.target_id == person_id))).all()),
        "memberships": sorted(db.session.scalars(select(Membership.partnership_id).where(
            Membership.person_id == person_id)).all()),
        "assessments": db.session.scalar(select(func.count(TraitAssessment.id)).where(
            TraitAssessment.person_id == person_id)),
        "tasks": db.session.scalar(select(func.count(Task.id)).where(
            (Task.person_id == person_id) | (Task.owner_id == person_id))),
        "invitations": db.session.scalar(select(func.count(Invitation.id)).where(
            Invitation.person_id == person_id)),
    }


def test_merge_keeps_everything_and_undo_restores_it(client, db, auth, make_user, make_person, make_org,
                                                     make_partnership, add_member):
    make_user("conv@example.org", "convener")
    auth.login("conv@example.org")
    acme = make_org("Acme")
    keep = make_person("Ann Lee", org=acme, email="ann@acme.example")
    drop = make_person("Ann  Lee", org=acme, phone="555 0100", tags="Rotary")
    x, y = make_person("Xavier"), make_person("Yolanda")
    a, b = make_partnership("A"), make_partnership("B")
    add_member(a, drop, "champion", "accepted")
    add_member(b, drop, "member", "asked")
    add_member(b, keep, "chair", "champion")  # both in B: drop's membership must not be lost
    for source, target, kind in ((drop.id, x.id, "knows"), (keep.id, x.id, "knows"),
                                 (drop.id, keep.id, "knows"), (drop.id, y.id, "referred"),
                                 (y.id, drop.id, "referred")):
        services.add_tie(kind, source, target)
    db.session.add(TraitAssessment(person_id=drop.id, partnership_id=a.id, trait="company", rating=3))
    meeting = Meeting(partnership_id=a.id, kind="launch", starts_at=utcnow() + timedelta(days=30))
    db.session.add(meeting)
    db.session.flush()
    db.session.add(Invitation(meeting_id=meeting.id, person_id=drop.id, response="accepted"))
    db.session.add(Task(partnership_id=a.id, kind="ask", person_id=y.id, owner_id=drop.id,
                        due=(utcnow() + timedelta(days=5)).date()))
    db.session.commit()
    before_keep, before_drop = _state(db, keep.id), _state(db, drop.id)

    listed = shown_text(client.get("/duplicates"))
    assert "similar names at the same organisation" in listed and "Ann Lee" in listed

    response = client.post("/duplicates/merge", data={"keep": keep.id, "drop": drop.id})
    assert response.status_code == 302
    merged_page = client.get(response.headers["Location"])
    assert "merged Ann Lee" in shown_text(merged_page) or "merged Ann  Lee" in shown_text(merged_page)
    after_keep, after_drop = _state(db, keep.id), _state(db, drop.id)
    # nothing lost: every row is on one of the two records
    for key in ("assessments", "tasks", "invitations"):
        assert after_keep[key] + after_drop[key] == before_keep[key] + before_drop[key]
        assert after_drop[key] == 0
    assert after_keep["memberships"] == [a.id, b.id] and after_drop["memberships"] == [b.id]
    assert ("referred", keep.id, y.id) in after_keep["ties"] and ("referred", y.id, keep.id) in after_keep["ties"]
    # the keep-drop tie is counted on both sides before and after
    assert len(after_keep["ties"]) + len(after_drop["ties"]) == len(before_keep["ties"]) + len(before_drop["ties"])
    merged = db.session.get(Person, drop.id)
    kept = db.session.get(Person, keep.id)
    assert merged.merged_into_id == keep.id and kept.phone == "555 0100" and "Rotary" in kept.tag_names
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "merge")) == 2
    assert "Ann  Lee" not in shown_text(client.get("/people"))

    entry_id = int(response.headers["Location"].rsplit("/", 1)[1])
    undone = client.post(f"/merges/{entry_id}/undo")
    assert undone.status_code == 302 and undone.headers["Location"].endswith(f"/people/{drop.id}")
    assert _state(db, keep.id) == before_keep and _state(db, drop.id) == before_drop
    kept = db.session.get(Person, keep.id)
    assert kept.phone is None and kept.tag_names == [] and db.session.get(Person, drop.id).merged_into_id is None
    assert client.post(f"/merges/{entry_id}/undo").status_code == 302
    assert "already undone" in shown_text(client.get(f"/merges/{entry_id}", follow_redirects=True)) or \
        "was undone" in shown_text(client.get(f"/merges/{entry_id}"))


def test_merging_a_person_with_themselves_is_refused(client, auth, make_user, make_person):
    make_user("conv@example.org", "convener")
    auth.login("conv@example.org")
    ann = make_person("Ann Lee")
    response = client.post("/duplicates/merge", data={"keep": ann.id, "drop": ann.id}, follow_redirects=True)
    assert "cannot be merged with themselves" in shown_text(response)
