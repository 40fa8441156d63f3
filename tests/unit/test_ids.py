"""crm/ids.py: one definition of an id, for URLs, query strings, form fields and API bodies."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule
from wtforms import Form
from wtforms.validators import DataRequired, Optional

from crm.ids import MAX_ID, Id, IdConverter, IdField, coerce_id, parse_count, parse_id, parse_ids

NOT_IDS = [None, "", " ", "0", "-1", "+1", "1e3", "1.5", "1.0", "0x1F", "007", "²", "١٢", "1_000",
           "NaN", "99999999999999999999", str(MAX_ID + 1), "1 2", True, False, 0, -5,
           MAX_ID + 1, 1.0, [1]]


@pytest.mark.parametrize("value", NOT_IDS)
def test_parse_id_refuses_anything_but_a_canonical_id_up_to_max_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), (" 42 ", 42), (str(MAX_ID), MAX_ID),
                                                 (7, 7), (MAX_ID, MAX_ID)])
def test_parse_id_accepts_ids_as_url_for_writes_them(value, expected):
    assert parse_id(value) == expected


def test_max_id_is_the_largest_32_bit_signed_integer():
    assert MAX_ID == 2**31 - 1


def test_parse_ids_keeps_valid_ids_once_in_order_up_to_the_limit():
    assert parse_ids(["3", "x", "1", "3", "99999999999999999999", "2"]) == [3, 1, 2]
    assert parse_ids(["3", "1", "2"], limit=2) == [3, 1]
    assert parse_ids([]) == []


@pytest.mark.parametrize(("value", "expected"), [(None, 1), ("", 1), ("abc", 1), ("1e3", 1), ("²", 1),
                                                 ("5", 5), ("0", 1), ("-3", 1),
                                                 ("99999999999999999999", 100), (" 7 ", 7)])
def test_parse_count_defaults_when_malformed_and_clamps_to_its_bounds(value, expected):
    assert parse_count(value, default=1, maximum=100) == expected


def test_coerce_id_raises_value_error_for_a_select_of_ids():
    assert coerce_id("12") == 12
    with pytest.raises(ValueError):
        coerce_id("99999999999999999999")


class _Data(dict):
    """Form data as WTForms reads it (getlist)."""

    def getlist(self, key):
        value = self[key]
        return value if isinstance(value, list) else [value]


class _PersonForm(Form):
    person_id = IdField("Person", validators=[DataRequired(message="Choose a person.")], message="Choose a person.")
    owner_id = IdField("Owner", validators=[Optional()])


@pytest.mark.parametrize("raw", ["99999999999999999999", "-1", "1e3", "²", "0"])
def test_id_field_turns_a_malformed_id_into_the_fields_message(raw):
    form = _PersonForm(_Data(person_id=raw, owner_id=""))
    assert not form.validate()
    assert form.person_id.data is None
    assert form.errors == {"person_id": ["Choose a person."]}


def test_id_field_accepts_an_id_and_leaves_an_empty_optional_one_none():
    form = _PersonForm(_Data(person_id="12", owner_id=""))
    assert form.validate(), form.errors
    assert (form.person_id.data, form.owner_id.data) == (12, None)


def test_id_field_empty_and_required_gives_the_required_message():
    form = _PersonForm(_Data(person_id="", owner_id=""))
    assert not form.validate()
    assert form.errors == {"person_id": ["Choose a person."]}


class _Body(BaseModel):
    person_id: Id
    chair_ids: list[Id] = []


@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1, 10**20, True, 1.0, "5"])
def test_pydantic_id_refuses_numbers_no_column_holds(value):
    with pytest.raises(ValidationError):
        _Body(person_id=value)
    with pytest.raises(ValidationError):
        _Body(person_id=1, chair_ids=[value])


def test_pydantic_id_schema_says_its_bounds():
    schema = _Body.model_json_schema()["properties"]["person_id"]
    assert (schema["minimum"], schema["maximum"]) == (1, MAX_ID)


def _adapter():
    url_map = Map([Rule("/people/<int:person_id>", endpoint="person")], converters={"int": IdConverter})
    return url_map.bind("example.org")


@pytest.mark.parametrize("segment", ["99999999999999999999", str(MAX_ID + 1), "0", "-1", "007", "1e3", "%C2%B2"])
def test_id_converter_matches_no_url_whose_id_names_nothing(segment):
    with pytest.raises(NotFound):
        _adapter().match(f"/people/{segment}")


def test_id_converter_matches_and_builds_canonical_ids():
    adapter = _adapter()
    assert adapter.match(f"/people/{MAX_ID}") == ("person", {"person_id": MAX_ID})
    assert adapter.build("person", {"person_id": 12}) == "/people/12"
