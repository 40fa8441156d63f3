"""Every form that names a person, pointed at a merged-away record (its URL id, or any field
that holds a person's id), changes nothing and never answers 500: forms found by reading every
page the app serves about a live person, so a new form is tried the day it lands."""

from __future__ import annotations

from crm.contacts import merge
from crm.contacts import services as contacts
from crm.extensions import db
from crm.partnerships import services as partnerships
from tests.security.figures import add, put
from tests.security.forms import forms_of
from tests.security.helpers import fetch, route_urls
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, snapshot, url_values


def _filled(form, live: int, merged: int) -> tuple[dict, bool]:
    """A body for `form` with every person id the page offered replaced by the merged one;
    whether any field named a person."""
    body, named = {}, False
    for f in form.fields:
        if f.kind == "select":
            options = [o for o in f.options if o not in ("", "0")] or f.options
            value = str(live) if str(live) in options else (options[0] if options else "")
        elif f.kind in ("text", "textarea", "email"):
            value = f.value or ("typed@example.org" if "email" in f.name else f"Typed {f.name}")
        elif f.kind == "number":
            value = f.value or "2"
        elif f.kind == "date":
            value = f.value or "2027-03-15"
        else:
            value = f.value
        if value == str(live) and f.kind != "checkbox":
            value, named = str(merged), True
        body[f.name] = value
    return body, named


def test_every_form_naming_a_merged_record_changes_nothing(app, client):
    world = build_world()
    keep = contacts.save_person(None, {"name": "Robin Vale", "organisation_id": world.org_a.id})
    drop = contacts.save_person(None, {"name": "R. Vale", "organisation_id": world.org_a.id})
    live = contacts.save_person(None, {"name": "Sam Live", "organisation_id": world.org_a.id})
    db.session.flush()
    partnerships.add_member(world.a, live.id, "member", "candidate")
    merge.merge(keep, drop)
    db.session.commit()
    keep_id, drop_id, live_id = keep.id, drop.id, live.id
    values = {**url_values(world), "person_id": live_id}
    sign_in(client, world.users["admin"])
    tried = refused = 0
    seen = set()
    for endpoint, _method, url in route_urls(app, values):
        if ACCESS.get(endpoint) == "api":
            continue
        page = fetch(client, url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        for form in forms_of(page.get_data(as_text=True), url):
            body, named = _filled(form, live_id, drop_id)
            action = form.action.replace(f"/people/{live_id}/", f"/people/{drop_id}/")
            if action.endswith(f"/people/{live_id}"):
                action = action[: -len(str(live_id))] + str(drop_id)
            named = named or action != form.action
            signature = (action, tuple(sorted(body)))
            if not named or signature in seen or form.file_fields:
                continue
            seen.add(signature)
            before = snapshot()
            response = fetch(client, action, method="POST", data=body)
            tried += 1
            assert response.status_code < 500, f"POST {action}: {response.status_code}"
            assert snapshot() == before, f"POST {action} {body} wrote to the merged record"
            if response.status_code == 409:
                text = response.get_data(as_text=True)
                assert "Robin Vale" in text and f"#{keep_id}" in text, action
                refused += 1
    # today: 9 forms (users, review, memberships, ties, edit, assessments, suggested ties), of
    # which the account and assessment forms reach a save and meet the 409; the others refuse
    # the merged id before saving
    assert tried >= 9 and refused >= 2, (tried, refused)
    put("merges", "forms naming a merged record tried (all unchanged)", tried)
    add("merges", "of them refused with 409 naming the kept record", refused)
