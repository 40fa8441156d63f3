"""Lists, counties, first names and plurals as a letter writes them (crm/prose.py)."""

from __future__ import annotations

from datetime import date

import pytest

from crm import prose
from crm.scoring.signals import PersonFacts
from crm.scoring.traits import score_person


@pytest.mark.parametrize("items, expected", [
    ([], ""), (["Robin"], "Robin"), (["Robin", "Karen"], "Robin and Karen"),
    (["Robin", " ", "Karen", "Lane"], "Robin, Karen and Lane")])
def test_and_list_joins_as_prose(items, expected):
    assert prose.and_list(items) == expected


@pytest.mark.parametrize("names, expected", [
    ([], ""), (["Larimer"], "Larimer County"), (["Larimer", "Weld"], "Larimer and Weld counties"),
    (["Larimer", "Weld", "Boulder"], "Larimer, Weld and Boulder counties"),
    (["Larimer County", "weld county", "Larimer"], "Larimer and weld counties"),
    (["  Yavapai  "], "Yavapai County")])
def test_counties_read_as_prose_without_doubling_county(names, expected):
    assert prose.counties(names) == expected


@pytest.mark.parametrize("name, expected", [
    ("Karen Alvarez", "Karen"), ("Dr. Jane Roe", "Jane"), ("Prof Ada Lovelace", "Ada"),
    ("Cher", "Cher"), ("Dr.", "Dr."), ("", ""), (None, "")])
def test_first_name_skips_honorifics(name, expected):
    assert prose.first_name(name) == expected


@pytest.mark.parametrize("count, word, expected", [
    (1, "priority", "1 priority"), (2, "sector priority", "2 sector priorities"), (0, "day", "0 days"),
    (3, "message", "3 messages"), (2, "box", "2 boxes"), (2, "match", "2 matches"),
    (2, "person", "2 persons"), (1, "person", "1 person")])
def test_plural_spells_the_plural_the_count_needs(count, word, expected):
    assert prose.plural(count, word) == expected


def test_plural_takes_an_irregular_form():
    assert prose.plural(2, "person", "people") == "2 people"
    assert prose.plural(1, "person", "people") == "1 person"


def test_trait_reasons_say_sector_priorities():
    reasons = [str(r) for r in score_person(PersonFacts(1, champion_areas=2)).traits["industry"].reasons]
    assert any("2 sector priorities" in r for r in reasons), reasons


def test_day_reads_as_the_task_lists_write_it():
    assert prose.day(date(2026, 12, 13)) == "Sun 13 Dec 2026"
    assert prose.day(date(2027, 1, 5)) == "Tue 05 Jan 2027"
    assert prose.day(None) == ""
