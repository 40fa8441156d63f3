"""Screens that fit (issue 13 item 10): the pipeline board holds every stage (the later and
inactive ones folded into one column), the member table shows each value once with its form on
demand, every page links a favicon that is served, and no page repeats an element id (a label
would name another box: the meeting page's reschedule label pointed at the details form's start,
so filling 'New start' moved nothing)."""

from __future__ import annotations

import re
from collections import Counter

from crm import vocab
from crm.partnerships import services as partnerships
from crm.partnerships.views import BOARD_FOLDED
from tests.security.helpers import route_urls
from tests.web.world import sign_in, url_values


def test_the_board_has_every_stage_once_with_the_late_ones_folded(client, world, db, make_person):
    for stage in ("attended", "not_now", "accepted"):
        partnerships.add_member(world.a, make_person(f"At {stage}", world.org_a).id, "member", stage)
    db.session.commit()
    sign_in(client, world.users["convener_a"])
    html = client.get(f"/partnerships/{world.a.id}/pipeline").get_data(as_text=True)
    columns = re.findall(r'<section class="column[^"]*" aria-label="([^"]+)"', html)
    folded = re.findall(r'<details class="fold" data-stage="([^"]+)"', html)
    assert len(columns) == len(vocab.STAGES) - len(BOARD_FOLDED) + 1 == 7
    assert set(folded) == set(BOARD_FOLDED) and "attended" in folded and "not_now" in folded
    assert {vocab.label(vocab.STAGES, s) for s in folded} | set(columns[:-1]) == {label for _, label in vocab.STAGES}
    assert "At not_now" in html and "At attended" in html  # folded, not dropped


def test_the_member_table_shows_each_value_once_and_edits_on_demand(client, world):
    sign_in(client, world.users["convener_a"])
    html = client.get(f"/partnerships/{world.a.id}").get_data(as_text=True)
    row = html[html.index("Member Alpha</a>") + len("Member Alpha</a>"):]
    row = row[:row.index("</tr>")]
    visible = re.sub(r"<details.*?</details>", "", row, flags=re.S)
    assert visible.count("Suggested") == 1 and visible.count("Member") == 1  # the stage and role, once
    assert '<details class="edit-on-demand"><summary>Change' in row and 'name="stage"' in row


def test_every_page_links_the_favicon_and_it_is_served(client, world):
    sign_in(client, world.users["viewer_a"])
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()
    client.get("/logout")
    assert client.get("/favicon.ico").headers["Location"].endswith("/static/favicon.svg")


def test_no_page_repeats_an_element_id(app, client, world):
    sign_in(client, world.users["admin"])
    pages, repeated = 0, {}
    for _endpoint, _method, url in route_urls(app, url_values(world)):
        response = client.get(url)
        if url.startswith("/api/") or not response.content_type.startswith("text/html"):
            continue
        pages += 1
        ids = Counter(re.findall(r'\sid="([^"]+)"', response.get_data(as_text=True)))
        if twice := sorted(i for i, n in ids.items() if n > 1):
            repeated[url] = twice
    assert pages > 30 and repeated == {}
