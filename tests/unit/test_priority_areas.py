"""Priority areas' rules (crm/launch/areas.py): an area with no champion is not a priority now,
several champions with one lead, the wall's notes cleaned and bounded."""

from __future__ import annotations

from crm.launch.areas import (
    MAX_NOTE_CHARS,
    MAX_NOTES,
    Champion,
    clean_notes,
    is_priority,
    lead_of,
    note_problems,
    with_champion,
)


def test_an_area_with_no_champion_is_not_a_priority_now():
    assert not is_priority([])
    assert is_priority([Champion(1)])


def test_the_lead_is_the_one_marked_lead_or_nobody():
    assert lead_of([Champion(1), Champion(2, lead=True)]) == 2
    assert lead_of([Champion(1)]) is None


def test_a_new_lead_takes_the_role_and_the_old_lead_stays_a_champion():
    champions = with_champion([Champion(1, lead=True), Champion(2)], 3, lead=True)
    assert champions == [Champion(1), Champion(2), Champion(3, lead=True)]
    assert sum(c.lead for c in champions) == 1


def test_adding_someone_already_there_keeps_one_row_and_a_plain_add_keeps_the_lead():
    assert with_champion([Champion(1, lead=True), Champion(2)], 2, lead=False) == [Champion(1, True), Champion(2)]
    assert with_champion([Champion(1, lead=True), Champion(2)], 2, lead=True) == [Champion(1), Champion(2, True)]
    assert with_champion([Champion(1, lead=True)], 1, lead=False) == [Champion(1, True)]


def test_notes_are_stripped_blank_ones_dropped_and_each_kept_once():
    assert clean_notes(["  Talent  pipeline ", "", "talent pipeline", "Supply chain\t"]) == [
        "Talent pipeline", "Supply chain"]


def test_too_many_or_too_long_notes_are_refused_with_the_reason():
    assert note_problems(["a"] * MAX_NOTES) == []
    assert "At most" in note_problems(["a"] * (MAX_NOTES + 1))[0]
    assert "characters" in note_problems(["x" * (MAX_NOTE_CHARS + 1)])[0]


def test_control_characters_in_a_note_are_dropped_not_made_spaces():
    from crm.launch.areas import clean_notes

    assert clean_notes(["C\x8e\xad\x0bI\x1fs", "two\tparts"]) == ["C\xadIs", "two parts"]
