"""The one-pager's figures (crm.onepager.summary): champions over time from the stage history,
the pipeline funnel from current stages, attendance by side per meeting."""

from __future__ import annotations

from datetime import date

from crm import vocab
from crm.onepager import summary
from crm.onepager.summary import Move

D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 9), date(2026, 2, 1)


def test_champions_count_up_when_people_become_champions_and_down_when_they_move_on():
    moves = [Move(1, D1, None, "champion"), Move(2, D1, "attended", "champion"),
             Move(3, D2, "accepted", "champion"), Move(2, D3, "champion", "attended")]
    assert summary.champions_over_time(moves) == [(D1, 2), (D2, 3), (D3, 2)]


def test_a_note_on_the_champion_stage_and_a_day_that_cancels_out_change_nothing():
    moves = [Move(1, D1, None, "champion"), Move(1, D2, "champion", "champion"),
             Move(2, D3, "attended", "champion"), Move(1, D3, "champion", "not_now")]
    assert summary.champions_over_time(moves) == [(D1, 1)]
    assert summary.champions_over_time([]) == []


def test_same_day_moves_are_taken_in_history_order():
    moves = [Move(1, D1, None, "champion"), Move(1, D2, "champion", "attended"), Move(1, D2, "attended", "champion")]
    assert summary.champions_over_time(moves) == [(D1, 1)]
    moves = [Move(1, D1, None, "champion"), Move(1, D2, "attended", "champion"), Move(1, D2, "champion", "attended")]
    assert summary.champions_over_time(moves) == [(D1, 1), (D2, 0)]


def test_conveners_and_community_partners_at_the_champion_stage_are_not_counted_champions():
    assert vocab.counts_as_champion("chair", "champion")
    assert vocab.counts_as_champion("member", "champion")
    assert not vocab.counts_as_champion("convener", "champion")
    assert not vocab.counts_as_champion("community_partner", "champion")
    assert not vocab.counts_as_champion("champion", "attended")


def test_the_funnel_counts_who_reached_each_stage_and_who_is_there_now():
    steps, left = summary.funnel(["candidate", "candidate", "asked", "declined", "champion", "not_now",
                                  "attended", "unknown-stage"])
    by_stage = {s.stage: (s.reached, s.now) for s in steps}
    assert [s.stage for s in steps] == ["candidate", "suggested", "approved", "ask_assigned", "asked",
                                        "accepted", "attended", "champion"]
    assert by_stage["candidate"] == (7, 2)  # "not now" was set aside as a candidate
    assert by_stage["suggested"] == (4, 0)
    assert by_stage["asked"] == (4, 1)      # the decline answered an ask
    assert by_stage["accepted"] == (2, 0)
    assert by_stage["champion"] == (1, 1)
    assert left == {"not_now": 1, "declined": 1}
    assert steps[1].label == "Suggested"


def test_an_empty_pipeline_is_a_funnel_of_zeros():
    steps, left = summary.funnel([])
    assert all(s.reached == s.now == 0 for s in steps) and set(left.values()) == {0}


def test_a_meeting_room_counts_each_side_and_leaves_out_people_on_neither():
    room = summary.room_by_side("Launch, 5 Jan 2026", D1, ["employer", "employer", "community", None])
    assert (room.employers, room.community) == (2, 1)


def test_a_meeting_is_named_by_its_title_or_its_kind_and_its_date():
    assert summary.meeting_label("  ", "Launch meeting", D1) == "Launch meeting, 5 Jan 2026"
    assert summary.meeting_label("Kick-off", "Launch meeting", D3) == "Kick-off, 1 Feb 2026"
