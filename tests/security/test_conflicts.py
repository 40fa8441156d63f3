"""A save that loses a race never loses what the person typed.

Every form of every page an administrator sees is submitted while "someone else" saves the
same record first: just before each versioned UPDATE (optimistic concurrency, `version`
columns), the row's version is bumped in the same transaction, so the UPDATE matches no row
and SQLAlchemy raises StaleDataError, exactly as when two people save at the same moment. Each
form that writes a versioned record must then answer 409 with everything typed shown back,
ready to save again, and the database must be as it was.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from html import unescape

import pytest
from sqlalchemy import event

from crm.extensions import db
from tests.security.figures import add, put
from tests.security.forms import forms_of
from tests.security.helpers import SQLITE_ONLY, fetch, route_urls
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, snapshot, url_values

pytestmark = SQLITE_ONLY

#: pages whose forms write a versioned record and so can meet a conflict. The suite fails if one
#: of them stops answering 409 under a race; the figure lists every page and form action found.
EXPECTED = {
    "contacts.edit_person",  # the person form
    "contacts.edit_organisation",  # the organisation form
    "partnerships.edit",  # the partnership form
    "partnerships.detail",  # a member's role and stage
    "outreach.meeting",  # moving a meeting; its tasks' status forms
    "outreach.partnership_outreach",  # the tasks' status forms
    "plans.area_plan",  # an action plan's form; a commitment's edit form
}


def _versioned_mappers():
    return [m for m in db.Model.registry.mappers if m.version_id_col is not None]


@contextmanager
def someone_saves_first():
    """Each versioned UPDATE finds the row's version bumped by another writer."""

    def bump(mapper, connection, target):
        table = mapper.local_table
        (key,) = mapper.primary_key
        connection.execute(table.update().where(key == mapper.primary_key_from_instance(target)[0])
                           .values({mapper.version_id_col.name: mapper.version_id_col + 1}))

    mappers = _versioned_mappers()
    for mapper in mappers:
        event.listen(mapper, "before_update", bump)
    try:
        yield
    finally:
        for mapper in mappers:
            event.remove(mapper, "before_update", bump)


def _typed(name: str, n: int, maxlength: int | None) -> str:
    lowered = name.lower()
    if "email" in lowered:
        value = f"typed{n}@example.org"
    elif "website" in lowered or "url" in lowered:
        value = f"https://typed{n}.example.org"
    elif "phone" in lowered:
        value = f"+1 555 010 {n:04d}"
    elif lowered.endswith("naics"):
        value = "3361"
    elif lowered in ("tags", "region"):
        value = f"Typed{n}"
    else:
        value = f"Typed by me {n} & kept"
    return value[:maxlength] if maxlength else value


#: text fields with a fixed format: they keep the value the page gave them
FORMATTED = ("timezone",)


def _body(form, n: int, option_pick: int) -> tuple[dict, dict]:
    body, typed = {}, {}
    for f in form.fields:
        n += 1
        if f.kind == "text" and f.name in FORMATTED and f.value:
            body[f.name] = f.value
        elif f.kind in ("text", "textarea"):
            body[f.name] = typed[f.name] = _typed(f.name, n, f.maxlength)
        elif f.kind == "select":
            options = [o for o in f.options if o not in ("", "0")] or f.options
            if options:
                body[f.name] = options[option_pick % len(options)]
        elif f.kind == "hidden":
            body[f.name] = f.value
        elif f.kind == "date":
            body[f.name] = f.value or "2027-03-15"
        elif f.kind == "datetime-local":
            body[f.name] = f.value or "2027-03-15T10:00"
        elif f.kind == "time":
            body[f.name] = f.value or "10:00"
        elif f.kind == "number":
            body[f.name] = f.value or "3"
        elif f.kind == "checkbox":
            body[f.name] = f.value or "y"
        elif f.kind == "password":
            body[f.name] = "correct horse battery"
    return body, typed


def _shown_values(html: str) -> list[str]:
    values = re.findall(r'<input[^>]*\bvalue="([^"]*)"', html)
    values += re.findall(r"<textarea[^>]*>(.*?)</textarea>", html, flags=re.S)
    return [unescape(v) for v in values]


@pytest.mark.slow  # every form of every page, under a race
def test_every_form_that_meets_a_conflict_keeps_what_was_typed(app, client):
    world = build_world()
    values = url_values(world)
    admin = world.users["admin"]
    conflicts, tried, seen = {}, 0, set()
    for endpoint, _method, url in route_urls(app, values):
        if ACCESS.get(endpoint) == "api":
            continue
        sign_in(client, admin)
        page = fetch(client, url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        for form in forms_of(page.get_data(as_text=True), url):
            signature = (form.action, tuple(f.name for f in form.fields))
            if signature in seen or form.file_fields:
                continue
            seen.add(signature)
            for pick in (0, -1):
                body, typed = _body(form, tried * 50, pick)
                before = snapshot()
                with someone_saves_first():
                    response = fetch(client, form.action, method="POST", data=body)
                tried += 1
                assert response.status_code < 500, f"POST {form.action}: {response.status_code}"
                if response.status_code != 409:
                    continue
                html = response.get_data(as_text=True)
                shown = _shown_values(html)
                for name, value in body.items():
                    if name in ("csrf_token",) or "password" in name:
                        continue
                    if name == "version":  # not typed: the page offers the version saved now (never older)
                        assert any(v.isdigit() and int(v) >= int(value) for v in shown), \
                            f"{form.action}: version {value!r} went backwards"
                        continue
                    assert value in shown, f"{form.action}: {name}={value!r} was not shown back"
                for name, value in typed.items():
                    assert value in unescape(html), f"{form.action}: typed {name}={value!r} lost"
                assert snapshot() == before, f"{form.action}: the losing save changed the database"
                action = app.url_map.bind("localhost").match(form.action.split("?")[0], method="POST")[0]
                conflicts.setdefault(endpoint, set()).add(action)
                add("conflicts", "typed values shown back", len(body))
                break
    put("conflicts", "forms submitted under a race", tried)
    put("conflicts", "forms that met a conflict (page: actions)",
        "; ".join(f"{page}: {', '.join(sorted(actions))}" for page, actions in sorted(conflicts.items())))
    missing = EXPECTED - set(conflicts)
    assert not missing, f"no 409 any more from {sorted(missing)}; found {sorted(conflicts)}"


def test_the_conflict_page_saves_again_over_the_other_version(app, client, make_user, make_person):
    person = make_person("Ada Lovelace", notes="old notes")
    admin = make_user("admin@example.org", role="admin")
    sign_in(client, admin)
    page = fetch(client, f"/people/{person.id}/edit")
    (form,) = [f for f in forms_of(page.get_data(as_text=True), f"/people/{person.id}/edit") if f.text_fields]
    body, _typed = _body(form, 0, 0)
    body["notes"] = "Line one I typed\nline two <b>with markup</b>"
    with someone_saves_first():
        lost = fetch(client, form.action, method="POST", data=body)
    assert lost.status_code == 409
    html = lost.get_data(as_text=True)
    assert "with markup" in html and "<b>with" not in html
    (again,) = forms_of(html, form.action)
    assert again.action == form.action
    resubmit = {f.name: f.value for f in again.fields}
    assert resubmit["notes"].replace("\r\n", "\n") == body["notes"]
    saved = fetch(client, again.action, method="POST", data=resubmit)
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:500]
    assert person.notes == body["notes"]


@pytest.mark.parametrize("field", ["password", "pw-current", "csrf_token"])
def test_the_conflict_page_never_echoes_secrets(app, field):
    from crm.errors import conflict_page

    with app.test_request_context("/x", method="POST", data={field: "s3cret-value", "name": "kept"}):
        html = conflict_page("message")
    assert "s3cret-value" not in html and "kept" in html


@pytest.mark.parametrize("path, referrer", [("//evil.example/x", "http://localhost//evil.example/y"),
                                            ("/\\evil.example", "http://localhost/\\evil.example"),
                                            ("/people/1/edit", "https://evil.example/people")])
def test_the_conflict_page_only_links_within_the_site(app, path, referrer):
    from crm.errors import conflict_page

    with app.test_request_context(path, method="POST", data={"name": "kept", "organisation_id": "3"},
                                  headers={"Referer": referrer}):
        html = conflict_page("message")
    assert 'action="//' not in html and 'href="//' not in html and "\\evil" not in html
    assert "evil.example/people" not in html
    assert 'type="hidden" name="organisation_id" value="3"' in html, "a chosen id travels hidden"
