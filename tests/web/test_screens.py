"""Screens that fit (issue 13 item 10): the pipeline board holds every stage (the later and
inactive ones folded into one column), the member table shows each value once with its form on
demand, and every page links a favicon that is served."""

from __future__ import annotations

import re

from crm import vocab
from crm.partnerships import services as partnerships
from crm.partnerships.views import BOARD_FOLDED
from tests.web.world import sign_in


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
