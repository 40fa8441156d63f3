"""WCAG 2.1 AA on the main pages (issue 17 item 6): axe-core (vendored from the npm registry in
tests/browser/vendor/axe-core, MPL-2.0) finds no serious or critical violation on the dashboard,
people, person, partnership, review, pipeline, outreach, my tasks, map, one-pager and each import step;
every link, button and field is reached by the Tab key with a visible focus; the map has a
text alternative (its people and ties as tables); at 390 px wide no page scrolls sideways and
every control is on screen. The 390 px screenshots land in test-artifacts/a11y-390-*.png."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser_fixtures import ARTIFACTS, sign_in_page
from tests.web.world import build_world

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}

PEOPLE_CSV = ("Full name;Company;E-mail;Job title\n"
              "José Núñez;Acme Tools;jose@acme.example;CEO\n"
              "Bo Park;Beta Clinic;not-an-email;President\n")


def _pages(world) -> dict[str, str]:
    a = world.a.id
    return {
        "dashboard": "/",
        "people": "/people",
        "person": f"/people/{world.person_a.id}",
        "partnership": f"/partnerships/{a}",
        "review": f"/partnerships/{a}/review",
        "pipeline": f"/partnerships/{a}/pipeline",
        "outreach": f"/partnerships/{a}/outreach",
        "my-tasks": "/tasks",
        "map": f"/partnerships/{a}/map",
        "one-pager": f"/partnerships/{a}/one-pager",
        "plan": f"/partnerships/{a}/plan",
        "action-plan": f"/priority-areas/{world.extra['area_id']}/plan",
        "import-upload": "/imports",
    }


def _import_steps(page, live_server) -> dict[str, str]:
    """Walk the import to its preview, returning the address of each step."""
    page.goto(live_server + "/imports")
    page.get_by_label("What the file holds").select_option("people")
    page.set_input_files("input[name=file]", files=[{"name": "contacts.csv", "mimeType": "text/csv",
                                                     "buffer": PEOPLE_CSV.encode()}])
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("heading", name="Which column is which?").wait_for()
    steps = {"import-mapping": page.url.removeprefix(live_server)}
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Preview: contacts.csv").wait_for()
    steps["import-preview"] = page.url.removeprefix(live_server)
    return steps


def _axe(page) -> list[dict]:
    page.evaluate(AXE)  # through the devtools protocol: the page's CSP allows no injected script
    result = page.evaluate("opts => axe.run(document, opts)",
                           {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def convener_page(page, live_server, db):
    world = build_world()
    sign_in_page(page, live_server, "convener.a@example.org")
    return world, page


def test_main_pages_have_no_serious_or_critical_wcag_violation(convener_page, live_server):
    world, page = convener_page
    pages = _pages(world)
    pages.update(_import_steps(page, live_server))
    found = {}
    for name, path in pages.items():
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        violations = _axe(page)
        if violations:
            found[name] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_every_control_is_reached_by_the_keyboard_with_a_visible_focus(convener_page, live_server):
    world, page = convener_page
    for name, path in _pages(world).items():
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        problems = page.evaluate(KEYBOARD_SCRIPT)
        assert problems["unreachable"] == [], (name, problems["unreachable"])
        reached = []
        page.locator("body").focus()
        for _ in range(min(problems["count"], 150)):
            page.keyboard.press("Tab")
            reached.append(page.evaluate(FOCUS_SCRIPT))
        invisible = [r["what"] for r in reached if r and not r["visible"]]
        assert invisible == [], (name, invisible[:5])


#: interactive elements a mouse can use but the Tab key cannot reach (a click handler on a
#: div, a negative tabindex on a link), and how many stops Tab has
KEYBOARD_SCRIPT = """() => {
  const shown = e => e.offsetParent !== null || e.getClientRects().length > 0;
  const stops = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex], summary')]
    .filter(e => shown(e) && !e.disabled && e.type !== 'hidden');
  const negative = e => e.hasAttribute('tabindex') && Number(e.getAttribute('tabindex')) < 0;
  const unreachable = stops.filter(e => negative(e) && !e.closest('[aria-hidden=true]'))
    .map(e => e.outerHTML.slice(0, 120));
  const clickable = [...document.querySelectorAll('[onclick], [data-href], [role=button]')]
    .filter(e => shown(e) && e.tabIndex < 0 && !negative(e)).map(e => e.outerHTML.slice(0, 120));
  return {unreachable: unreachable.concat(clickable), count: stops.length};
}"""

#: the focused element and whether its focus is visible (an outline or a box shadow)
FOCUS_SCRIPT = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return {what: e.outerHTML.slice(0, 100), visible};
}"""


def test_the_map_has_a_text_alternative_of_people_and_ties(convener_page, live_server):
    world, page = convener_page
    page.goto(live_server + f"/partnerships/{world.a.id}/map")
    summary = page.locator("#map-text summary")
    summary.focus()
    page.keyboard.press("Enter")  # opened by keyboard
    people = page.get_by_role("table", name="People on the map")
    ties = page.get_by_role("table", name="Ties on the map")
    people.wait_for(state="attached")
    assert "Member Alpha" in people.inner_text() and "Chair Alpha" in people.inner_text()
    assert "Chair Alpha" in ties.inner_text() and "Member Alpha" in ties.inner_text()


def test_every_page_is_usable_390_px_wide(convener_page, live_server):
    world, page = convener_page
    page.set_viewport_size(PHONE)
    pages = _pages(world)
    pages.update(_import_steps(page, live_server))
    os.makedirs(ARTIFACTS, exist_ok=True)
    problems = {}
    for name, path in pages.items():
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=os.path.join(ARTIFACTS, f"a11y-390-{name}.png"), full_page=True)
        found = page.evaluate(NARROW_SCRIPT)
        if found["page_width"] > PHONE["width"] or found["cut_off"]:
            problems[name] = found
    assert problems == {}, json.dumps(problems, indent=1)


#: the page's width, and controls whose right edge lies past the screen, outside anything
#: that scrolls sideways on purpose (a wide table in a scrolling box is fine)
NARROW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const cut = [...document.querySelectorAll('a[href], button, input, select, textarea')]
    .filter(e => e.getClientRects().length && e.type !== 'hidden')
    .filter(e => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
    .map(e => e.outerHTML.slice(0, 100));
  return {page_width: document.documentElement.scrollWidth, cut_off: cut.slice(0, 8)};
}"""


def test_a_chairs_dashboard_and_tasks_fit_390_px_and_pass_axe(page, live_server, db):
    """My tasks' action column (complete, letter, calendar) was cut off on a phone."""
    world = build_world()
    sign_in_page(page, live_server, "chair.a@example.org")
    page.set_viewport_size(PHONE)
    problems, found = {}, {}
    for name, path in {"chair-dashboard": "/", "chair-my-tasks": "/tasks?view=all",
                       "chair-review": f"/partnerships/{world.a.id}/review"}.items():
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=os.path.join(ARTIFACTS, f"a11y-390-{name}.png"), full_page=True)
        narrow = page.evaluate(NARROW_SCRIPT)
        if narrow["page_width"] > PHONE["width"] or narrow["cut_off"]:
            problems[name] = narrow
        violations = _axe(page)
        if violations:
            found[name] = violations
        if name == "chair-my-tasks":  # the actions are on screen, not scrolled out of sight
            actions = page.locator("table.tasks summary, table.tasks a[href$='.ics']")
            assert actions.count() >= 2
            for i in range(actions.count()):
                box = actions.nth(i).bounding_box()
                assert box and box["x"] + box["width"] <= PHONE["width"], actions.nth(i).inner_text()
    assert problems == {}, json.dumps(problems, indent=1)
    assert found == {}, json.dumps(found, indent=1)
