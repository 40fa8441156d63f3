"""Hostile text, end to end: the payload corpus goes into every text field of every form a
user can fill (found on the pages, submitted through the real forms), then every HTML page of
the app, the people search box, select menus and the network map's search and tooltips are
opened in Chromium: no dialog, no injected element or handler, and names show as typed. Then a
convener and a chair of partnership A open the pages of ROLE_PAGES they may see (a subset, for
time) with the same checks, since their pages render other controls than an admin's."""

from __future__ import annotations

import pytest

from crm.contacts.models import Person
from crm.extensions import db
from tests.helpers import PASSWORD
from tests.security import payloads
from tests.security.figures import add, put
from tests.security.forms import forms_of
from tests.security.helpers import SQLITE_ONLY, fetch, route_urls
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, url_values

pytestmark = [pytest.mark.browser, SQLITE_ONLY]

ROUNDS = 3  # each text field is filled ROUNDS times, with a different payload each time

#: run in the page: every sign that hostile text became markup or script
INJECTED = """() => {
  const bad = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (a.name.startsWith('on') || a.name === 'data-pwned') { bad.push(e.outerHTML.slice(0, 160)); }
      if (/^(href|src|action|formaction|xlink:href)$/.test(a.name) && /^\\s*javascript:/i.test(a.value)) {
        bad.push(e.outerHTML.slice(0, 160));
      }
      if (a.name.startsWith('hx-') && /logout/.test(a.value)) { bad.push(e.outerHTML.slice(0, 160)); }
    }
  }
  for (const s of document.scripts) {
    if (s.type !== 'application/json' && /alert\\(/.test(s.textContent)) { bad.push(s.outerHTML.slice(0, 160)); }
  }
  for (const s of document.querySelectorAll('style')) {
    if (/evil\\.example/.test(s.textContent)) { bad.push(s.outerHTML.slice(0, 160)); }
  }
  return bad;
}"""


def _fill_every_form(app, client, values) -> tuple[int, int]:
    """Submit the corpus into every text field of every POST form on every page."""
    fields = fills = 0
    k = 0
    for endpoint, _method, url in route_urls(app, values):
        if ACCESS.get(endpoint) == "api":
            continue
        for round_ in range(ROUNDS):
            response = fetch(client, url)
            if response.status_code != 200 or response.mimetype != "text/html":
                break
            for form in forms_of(response.get_data(as_text=True), url):
                if not form.text_fields:
                    continue
                body = {}
                for f in form.fields:
                    if f.kind in ("text", "textarea"):
                        body[f.name] = payloads.ALL[k % len(payloads.ALL)]
                        k += 1
                        fills += 1
                        fields += round_ == 0
                    elif f.kind == "select" and f.options:
                        body[f.name] = f.options[-1] if f.multiple else next((o for o in f.options if o), "")
                    elif f.kind in ("hidden", "date", "number", "datetime-local", "time"):
                        body[f.name] = f.value
                    elif f.kind == "password":
                        body[f.name] = PASSWORD
                assert fetch(client, form.action, method="POST", data=body).status_code < 500, form.action
    return fields, fills


def _hostile_people(world) -> list[int]:
    """One person per payload, created through the real form, in partnership A with ties."""
    from crm.contacts import services as contacts
    from crm.partnerships import services as partnerships

    ids = []
    for payload in payloads.ALL:
        person = contacts.save_person(None, {"name": payload, "title": payload, "notes": payload,
                                             "organisation_id": world.org_a.id})
        partnerships.add_member(world.a, person.id, "champion", "suggested")
        contacts.add_tie("knows", person.id, world.chair_person.id, 2, context=payload)
        ids.append(person.id)
    db.session.commit()
    return ids


def _sign_in(tab, base, email="admin@example.org"):
    tab.context.clear_cookies()  # whoever was signed in before
    tab.goto(f"{base}/login")
    tab.fill("input[name=email]", email)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{base}/")


def _check(tab, where: str):
    tab.wait_for_load_state("networkidle")
    bad = tab.evaluate(INJECTED)
    assert not bad, f"{where}: injected {bad[:3]}"
    assert not tab.dialogs, f"{where}: a dialog opened: {tab.dialogs}"
    add("hostile_text", "page checks")


def test_hostile_text_never_runs_and_shows_as_typed(app, client, live_server, page):  # noqa: F811
    world = build_world()
    values = url_values(world)
    people = _hostile_people(world)
    sign_in(client, world.users["admin"])
    fields, fills = _fill_every_form(app, client, values)
    put("hostile_text", "payloads", len(payloads.ALL))
    put("hostile_text", "text fields found", fields)
    put("hostile_text", "field fills", fills + 3 * len(people))

    pages, endpoints = [], {}
    for endpoint, _method, url in route_urls(app, values):
        if ACCESS.get(endpoint) == "api" or endpoint in ("accounts.login", "accounts.setup"):
            continue
        response = fetch(client, url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(url)
            endpoints[url] = endpoint
    page.set_content("<p>control</p><img src=x data-pwned=1><b onclick=x>b</b>")
    assert len(page.evaluate(INJECTED)) == 2, "the injection detector itself must see injected markup"
    _sign_in(page, live_server)
    for url in pages:
        page.goto(live_server + url)
        _check(page, url)
    put("hostile_text", "pages", len(pages))

    for person_id, payload in zip(people, payloads.ALL, strict=True):
        page.goto(f"{live_server}/people/{person_id}")
        _check(page, f"/people/{person_id}")
        assert page.inner_text("h1").strip() == payload.strip(), "the name is not shown as typed"
    names = {db.session.get(Person, pid).name for pid in people}
    page.goto(f"{live_server}/people")
    listed = page.inner_text("main")
    assert all(n.strip() in listed for n in names), "the people list does not show every name as typed"

    search = page.locator("input[name=q]").first
    for payload in payloads.ALL[:10]:
        search.fill(payload)
        search.press("Enter")
        _check(page, f"people search {payload!r}")
        assert page.locator("input[name=q]").first.input_value() == payload

    map_pages = [u for u in pages if u.endswith("/map")]
    for url in map_pages:
        page.goto(live_server + url)
        _check(page, url)
        box = page.locator("#map canvas").first.bounding_box()
        for payload in payloads.ALL:
            page.fill("#map-search", payload)
            page.press("#map-search", "Enter")
            if page.locator("#map-selected-name").count():
                shown = page.inner_text("#map-selected-name")
                assert shown in ("", payload) or shown.strip() == payload.strip(), shown
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(350)
            tips = page.locator(".vis-tooltip")
            if tips.count() and tips.first.is_visible():
                tip = tips.first.inner_text()
                assert tip.strip(), "an empty tooltip"
                if payload.strip() in tip:
                    add("hostile_text", "map tooltips showing the payload as typed")
                add("hostile_text", "map tooltips shown")
            _check(page, f"{url} searching {payload!r}")
            page.mouse.move(0, 0)
    put("hostile_text", "map pages", len(map_pages))

    _non_admin_pass(client, page, live_server, world, pages, endpoints, people)


#: The non-admin pass opens, as a convener and as a chair of partnership A, the pages of this list
#: that the role may open (a subset, to keep the suite short): where their partnership's people,
#: organisations, meetings, tasks and ties are shown, which the admin pass filled with payloads.
ROLE_PAGES = {
    "main.dashboard", "contacts.people", "contacts.person", "contacts.organisation", "partnerships.detail",
    "partnerships.pipeline", "scoring.review", "outreach.meeting", "outreach.partnership_outreach",
    "outreach.invitation", "network.map",
}
#: hostile people's own pages opened per role (each payload is in a name, title, notes and a tie)
ROLE_PEOPLE = 4


def _non_admin_pass(client, page, live_server, world, pages, endpoints, people):
    for role in ("convener_a", "chair_a"):
        user = world.users[role]
        sign_in(client, user)
        mine = [u for u in pages if endpoints[u] in ROLE_PAGES and fetch(client, u).status_code == 200]
        assert len(mine) >= 4, f"{role} opens too few pages to mean anything: {mine}"
        _sign_in(page, live_server, user.email)
        for url in mine:
            page.goto(live_server + url)
            _check(page, f"{role} {url}")
        for person_id, payload in list(zip(people, payloads.ALL, strict=True))[:: len(people) // ROLE_PEOPLE]:
            page.goto(f"{live_server}/people/{person_id}")
            _check(page, f"{role} /people/{person_id}")
            assert page.inner_text("h1").strip() == payload.strip(), f"{role}: the name is not shown as typed"
        put("hostile_text", f"pages as {role}", len(mine))
        put("hostile_text", f"page endpoints as {role}", ", ".join(sorted({endpoints[u] for u in mine})))
