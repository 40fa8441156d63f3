"""The partnership one-pager (issue 15 items 2 and 5): members, champions and the chairs, the
priority areas with their lead champions ("not a priority now" apart), the early wins and
commitments delivered, health at a glance (crm.health's report, as the health page words it),
and the charts
(champions over time, the pipeline funnel, attendance by side) with their numbers as tables;
readable by every role that may see the partnership, viewers included; hostile text shown as
text, in the page and inside the SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from crm.health import services as health
from crm.health.signals import LIGHT_WORDS, STATE_WORDS, TITLES
from crm.launch import plans
from crm.onepager import services
from crm.outreach import services as outreach
from crm.partnerships import services as partnerships
from crm.partnerships.models import Invitation, PriorityNote, StageChange
from crm.timeutil import utcnow
from tests.helpers import shown_text, text_of
from tests.web.world import sign_in

HOSTILE = "<script>alert(\"x\")</script>'&"


@pytest.fixture
def region(db, make_partnership, make_org, make_person, add_member, make_user):
    p = make_partnership("Region One", timezone="UTC")
    other = make_partnership("Elsewhere One", timezone="UTC")
    plant, college = make_org("Prescott Precision"), make_org("Region X College", kind="community_college")
    robin = make_person("Robin Castillo", org=plant)
    karen = make_person("Karen Alvarez", org=plant)
    lane = make_person("Lane Whitaker", org=plant)
    dana = make_person("Dana Whitehorse", org=college)
    add_member(p, robin, "chair", "champion")
    add_member(p, karen, "co_chair", "champion")
    add_member(p, lane, "member", "asked")
    add_member(p, dana, "community_partner", "champion")  # a supporter, not a champion
    add_member(p, make_person("Sam Declined", org=plant), "member", "declined")
    talent = partnerships.add_priority_area(p, "Talent pipeline", [lane.id, karen.id], lead_id=lane.id)
    talent.notes = [PriorityNote(kind="opportunity", text="Apprenticeships")]
    partnerships.add_priority_area(p, "Branding the region")
    launch = outreach.create_meeting(p, utcnow() - timedelta(days=2), "launch", title="Launch night")
    launch.invitations = [Invitation(person_id=robin.id, response="accepted", attended=True),
                          Invitation(person_id=karen.id, response="accepted", attended=True),
                          Invitation(person_id=dana.id, response="accepted", attended=True),
                          Invitation(person_id=lane.id, response="accepted", attended=False)]
    db.session.commit()
    return dict(p=p, other=other, robin=robin, karen=karen, lane=lane, dana=dana, talent=talent,
                viewer=make_user("one.viewer@example.org", "viewer", partnerships=[p]),
                chair=make_user("one.chair@example.org", "chair", partnerships=[p], person=robin),
                outsider=make_user("one.outsider@example.org", "convener", partnerships=[other]))


def _chart(body: str, key: str) -> ET.Element:
    svg = re.search(rf'<svg [^>]*>(?:(?!</svg>).)*<title id="{key}-title">.*?</svg>', body, re.S)
    assert svg, f"no chart {key}"
    return ET.fromstring(svg.group(0))  # noqa: S314 - the app's own page, parsed to prove it well-formed


def test_the_one_pager_states_members_champions_chairs_and_priority_areas(client, region):
    sign_in(client, region["viewer"])
    response = client.get(f"/partnerships/{region['p'].id}/one-pager")
    assert response.status_code == 200
    page = shown_text(response)
    assert ("Chaired by Robin Castillo (chair, Prescott Precision), "
            "Karen Alvarez (co-chair, Prescott Precision).") in page
    # five members: four employers' staff and one community partner; two champions (the
    # community partner at the champion stage supports, as in the readiness gauge)
    assert re.search(r"Members 5 Employers 4 Community partners 1 Champions 2 ", page)
    assert "Out of the pipeline: 1 declined, 0 not now." in page
    assert "Talent pipeline Lane Whitaker , Prescott Precision 2 1 · 0" in page
    assert "Not a priority now Branding the region" in page


def test_the_partnership_page_links_to_its_one_pager(client, region):
    sign_in(client, region["viewer"])
    body = client.get(f"/partnerships/{region['p'].id}").get_data(as_text=True)
    assert f'href="/partnerships/{region["p"].id}/one-pager"' in body


def test_viewers_and_chairs_read_the_one_pager_and_other_partnerships_users_get_404(client, region):
    url = f"/partnerships/{region['p'].id}/one-pager"
    for user, status in ((region["viewer"], 200), (region["chair"], 200), (region["outsider"], 404)):
        sign_in(client, user)
        assert client.get(url).status_code == status
    assert client.get(f"/partnerships/{10**9}/one-pager").status_code == 404


def test_the_charts_draw_champions_the_funnel_and_attendance_by_side_with_their_numbers(client, region, db):
    p = region["p"]
    sign_in(client, region["chair"])
    body = client.get(f"/partnerships/{p.id}/one-pager").get_data(as_text=True)
    for key in (f"champions-{p.id}", f"funnel-{p.id}", f"attendance-{p.id}"):
        svg = _chart(body, key)
        assert svg.get("role") == "img"
        assert svg.find("{http://www.w3.org/2000/svg}desc") is not None
    page = text_of(client.get(f"/partnerships/{p.id}/one-pager"))
    # the attendance table: two employers and one community partner present at the launch
    day = utcnow() - timedelta(days=2)
    assert f"Launch night, {day.day} {day:%b %Y} 2 1" in page
    # the funnel counts everyone in the pipeline: all five reached "asked" (the decline too),
    # three are at the champion stage (the community partner among them)
    assert "Candidate 5 0" in page and "Asked 5 1" in page and "Accepted 3 0" in page and "Champion 3 3" in page
    # champions today: Robin and Karen (Dana's role supports)
    assert re.search(r"Champions .*? 2 champions now", page)


def test_champions_over_time_step_down_when_a_champion_moves_on(client, region, db):
    p = region["p"]
    membership = partnerships.membership_of(p.id, region["karen"].id)
    partnerships.move_stage(membership, "attended")
    db.session.flush()
    for change in db.session.query(StageChange):  # everyone joined ten days ago; Karen moved on today
        change.at = utcnow() - timedelta(days=10 if change.from_stage is None else 0)
    db.session.commit()
    chart = services.champions_chart(p)
    assert [row[1] for row in chart.rows] == ["2", "1"]
    assert "1 champion now" in chart.desc


def test_hostile_names_and_titles_are_text_in_the_one_pager_and_inside_its_charts(client, region, db):
    p = region["p"]
    region["talent"].name = HOSTILE
    region["lane"].name = HOSTILE + " Lane"
    partnerships.add_priority_area(p, HOSTILE + " (none)")
    meeting = outreach.create_meeting(p, utcnow() - timedelta(days=1), "other", title=HOSTILE)
    meeting.invitations = [Invitation(person_id=region["robin"].id, response="accepted", attended=True)]
    db.session.commit()
    sign_in(client, region["viewer"])
    response = client.get(f"/partnerships/{p.id}/one-pager")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body or "&lt;script&gt;alert(&quot;x&quot;)" in body
    svg = _chart(body, f"attendance-{p.id}")  # parses: the title is text inside the SVG
    labels = "".join(svg.itertext())
    assert "<script>alert" in labels  # as text, once parsed
    assert HOSTILE in shown_text(response)


def test_early_wins_and_commitments_promised_vs_delivered_show_who_delivers_and_where_each_stands(client, region, db):
    p, talent, lane, dana = region["p"], region["talent"], region["lane"], region["dana"]
    today = utcnow().date()
    win, _ = plans.add_commitment(talent, lane, "Shared apprenticeship prototype", today + timedelta(days=20),
                                  early_win=True, early_win_kind="prototype")
    late, _ = plans.add_commitment(talent, lane, HOSTILE + " open house", today - timedelta(days=3), early_win=True,
                                   early_win_kind="activity")
    done, _ = plans.add_commitment(talent, dana, "College course outline", today + timedelta(days=40))
    dropped, _ = plans.add_commitment(talent, lane, "Dropped idea", today + timedelta(days=5), early_win=True)
    plans.set_status(done, "done")
    plans.set_status(dropped, "dropped")
    db.session.commit()
    sign_in(client, region["viewer"])
    response = client.get(f"/partnerships/{p.id}/one-pager")
    page = shown_text(response)
    assert re.search(r"1 of 3 commitments delivered, 1 open past due ?; employers delivered 0 of 2\.", page)
    assert "Shared apprenticeship prototype (prototype / first step) Talent pipeline Lane Whitaker" in page
    assert f"{HOSTILE} open house (activity) Talent pipeline" in page and " Late " in page
    assert "Dropped idea" not in page
    assert "<script>alert" not in response.get_data(as_text=True)
    # the chart: promised 3 (the dropped one aside), delivered 1, with each side said in words
    svg = _chart(response.get_data(as_text=True), f"commitments-{p.id}")
    assert "employers delivered 0 of 2; community partners delivered 1 of 1" in svg.find(
        "{http://www.w3.org/2000/svg}desc").text
    assert "Talent pipeline 3 1" in page


def test_a_partnership_without_commitments_says_so_instead_of_an_empty_table(client, region):
    sign_in(client, region["viewer"])
    page = shown_text(client.get(f"/partnerships/{region['p'].id}/one-pager"))
    assert "No early win recorded yet: each priority area's action plan names one or two, due within 60 days" in page
    assert "No commitments recorded yet." in page


def test_health_at_a_glance_gives_every_red_flag_and_green_light_its_state_in_words_as_the_health_page_does(
        client, region):
    p = region["p"]
    sign_in(client, region["viewer"])
    response = client.get(f"/partnerships/{p.id}/one-pager")
    body = response.get_data(as_text=True)
    assert f'href="/partnerships/{p.id}/health"' in body
    report = health.report(p, region["viewer"]).health
    page = shown_text(response)
    for group, words in ((report.signals, STATE_WORDS), (report.green_lights, LIGHT_WORDS)):
        for s in group:
            assert f"{TITLES[s.code]} {words[s.state]} {s.figure}" in page
    assert len(report.signals) == 8 and report.green_lights


def test_an_early_win_owned_by_someone_outside_the_partnership_is_named_to_staff_only(
        client, region, db, make_person, make_user):
    outsider = make_person("Olive Outside")
    plans.add_commitment(region["talent"], outsider, "Lend a training room", utcnow().date() + timedelta(days=9),
                         early_win=True)
    db.session.commit()
    url = f"/partnerships/{region['p'].id}/one-pager"
    sign_in(client, region["viewer"])
    page = shown_text(client.get(url))
    assert "Lend a training room" in page and "Someone outside the partnership" in page
    assert "Olive Outside" not in page
    sign_in(client, make_user("one.convener@example.org", "convener", partnerships=[region["p"]]))
    # an early win without a kind is a prototype (crm.launch.action_plans.early_win_kind_of)
    assert "Lend a training room (prototype / first step) Talent pipeline Olive Outside" in shown_text(client.get(url))
