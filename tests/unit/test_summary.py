"""The launch summary's pure rules (crm/launch/summary.py): the draft from the wall, who
receives it, who a repeated send still reaches, and its HTML."""

from __future__ import annotations

from datetime import date

from crm.launch import summary
from crm.launch.summary import Area, Candidate, ChampionName, Facts, NextStep, Recipient


def _facts(**kw) -> Facts:
    base = dict(partnership="Region X Light Manufacturing", sector="Light Manufacturing",
                meeting_day=date(2012, 12, 18), place="Prescott Precision",
                areas=(Area("Talent pipeline", ("Apprenticeships",), ("A college partner",),
                            (ChampionName("Robin", "Acme"), ChampionName("Karen", "Prescott", lead=True))),
                       Area("Supply chain", ("Local suppliers",), ()),),
                steps=(NextStep("Second partnership meeting", date(2013, 2, 26), fixed=True),
                       NextStep("Champion call: Talent pipeline", date(2013, 1, 21), "Karen")),
                present=24, employers=18, community=6,
                signatures=("Ginger Lee\nCEO, Acme", "Tom Ray\nOwner, Ray Tools"), sent_by=None)
    base.update(kw)
    return Facts(**base)


def test_the_draft_lists_each_priority_area_with_its_champions_lead_first_and_its_notes():
    text = summary.draft(_facts()).text
    assert "1. Talent pipeline\n   Champions: Karen (Prescott), lead; Robin (Acme)" in text
    assert "   Opportunities:\n   - Apprenticeships" in text and "   Requirements:\n   - A college partner" in text


def test_an_area_without_champions_is_not_a_priority_now_and_not_numbered():
    text = summary.draft(_facts()).text
    assert "NOT A PRIORITY NOW" in text and "\n- Supply chain\n" in text
    assert "2. Supply chain" not in text and "Local suppliers" not in text


def test_without_any_champion_the_draft_asks_who_would_lead():
    text = summary.draft(_facts(areas=(Area("Only one"),))).text
    assert "PRIORITY AREAS" not in text and "No priority area has a champion yet" in text


def test_next_steps_are_in_date_order_with_who_leads_and_by_or_on():
    text = summary.draft(_facts()).text
    call = text.index("- Champion call: Talent pipeline, led by Karen: by Monday, January 21")
    second = text.index("- Second partnership meeting: on Tuesday, February 26")
    assert call < second


def test_the_draft_names_the_day_the_room_asks_employers_to_share_and_is_signed_by_the_chairs():
    draft = summary.draft(_facts())
    assert draft.subject == "Summary: the Light Manufacturing sector partnership launch, Tuesday, December 18"
    assert "24 people took part: 18 employers and 6 community partners." in draft.text
    assert "Employers: please share this summary with other employers" in draft.text
    assert draft.text.rstrip().endswith("Ginger Lee\nCEO, Acme\n\nTom Ray\nOwner, Ray Tools")
    assert "on the chairs' behalf" not in draft.text


def test_someone_not_a_chair_sends_it_on_the_chairs_behalf():
    assert summary.draft(_facts(sent_by="Casey Convener")).text.rstrip().endswith(
        "Sent on the chairs' behalf by Casey Convener")


def test_an_empty_room_says_nothing_of_who_took_part():
    assert "took part" not in summary.draft(_facts(present=0, employers=0, community=0)).text


def test_room_line_counts_in_words():
    assert summary.room_line(1, 1, 0) == "1 person took part: 1 employer."
    assert summary.room_line(3, 0, 0) == "3 people took part."


# --- recipients -------------------------------------------------------------------------------

def test_recipients_are_attendees_and_invited_no_shows_whatever_they_answered():
    got = summary.recipients([Candidate(1, "a@x.org", present=True), Candidate(2, "b@x.org"),
                              Candidate(3, "c@x.org", present=True, walk_in=True)])
    assert [r.person_id for r in got] == [1, 2, 3]


def test_recipients_leave_out_people_without_a_usable_email():
    got = summary.recipients([Candidate(1, None, present=True), Candidate(2, "  "), Candidate(3, "not-an-address"),
                              Candidate(4, " d@x.org ")])
    assert got == [Recipient(4, "d@x.org")]


def test_recipients_leave_out_archived_merged_and_erased_people():
    got = summary.recipients([Candidate(1, "a@x.org", archived=True), Candidate(2, "b@x.org", merged=True),
                              Candidate(3, "c@x.org", erased=True, present=True), Candidate(4, "e@x.org")])
    assert [r.person_id for r in got] == [4]


def test_recipients_are_each_person_once_and_each_address_once_the_first_by_id():
    got = summary.recipients([Candidate(5, "Same@X.org"), Candidate(2, "same@x.org", present=True),
                              Candidate(2, "same@x.org", present=True), Candidate(7, "other@x.org")])
    assert got == [Recipient(2, "same@x.org"), Recipient(7, "other@x.org")]


def test_a_walk_in_unmarked_at_the_door_receives_nothing():
    assert summary.recipients([Candidate(1, "a@x.org", present=False, walk_in=True)]) == []


def test_an_excluded_record_does_not_block_its_address_for_a_live_one():
    got = summary.recipients([Candidate(1, "a@x.org", merged=True), Candidate(2, "a@x.org")])
    assert got == [Recipient(2, "a@x.org")]


def test_a_repeated_send_reaches_only_those_not_yet_sent_by_person_or_address():
    wanted = [Recipient(1, "a@x.org"), Recipient(2, "b@x.org"), Recipient(3, "c@x.org")]
    sending = summary.not_yet_sent(wanted, sent_people={1}, sent_addresses={"B@X.ORG"})
    assert sending.to_send == (Recipient(3, "c@x.org"),)
    assert [r.person_id for r in sending.already] == [1, 2]
    assert summary.not_yet_sent(wanted, (), ()).to_send == tuple(wanted)


# --- input and HTML ---------------------------------------------------------------------------

def test_problems_name_the_field_at_fault():
    assert summary.problems("Subject", "Text") == {}
    assert set(summary.problems(" \n ", "")) == {"subject", "text"}
    assert "subject" in summary.problems("x" * 301, "t")
    assert "text" in summary.problems("s", "x" * (summary.MAX_TEXT + 1))


def test_clean_keeps_what_was_typed_but_line_ends_and_control_characters():
    assert summary.clean_subject(" A\r\nsubject\t here ") == "A subject here"
    assert summary.clean_text("Dear all,\r\n\r\nLine \x07one  \rtwo\t\n") == "Dear all,\n\nLine one\ntwo\n"


def test_html_escapes_every_character_of_the_text_and_keeps_paragraphs():
    out = summary.html_of("Hi <b>&amp;</b>\nline 2\n\n<script>alert(1)</script>\n")
    assert out == ("<p>Hi &lt;b&gt;&amp;amp;&lt;/b&gt;<br>\nline 2</p>\n"
                   "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n")
    assert summary.html_of("") == ""
    assert summary.html_of("1. Area\n   - <note>") == "<p>1. Area<br>\n&nbsp;&nbsp;&nbsp;- &lt;note&gt;</p>\n"
