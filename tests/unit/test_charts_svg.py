"""Server-rendered SVG charts (crm.charts.svg): well-formed XML whatever the data, every label
escaped (hostile area names, meeting titles), role="img" with a title and a description, the
numbers as table rows, and scales that hold at the edges: no data, one point, all zeros, huge
numbers; series told apart by pattern as well as colour (printable in black and white)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from crm.charts import svg

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script>\" onload=\"alert(1)\" & \x00\x1b"


def parse(chart: svg.Chart) -> ET.Element:
    return ET.fromstring(chart.svg)  # noqa: S314 - our own output, parsed to prove it well-formed


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def two_series(categories, employers, community):
    return svg.bars("att", "Attendance", "By side", categories,
                    [svg.Series("Employers", tuple(employers)), svg.Series("Community", tuple(community))], "Meeting")


def test_a_bar_chart_is_an_image_with_its_title_description_and_numbers_as_rows():
    chart = two_series(["Launch", "Second"], [12, 8], [4, 5])
    root = parse(chart)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "att-title att-desc"
    assert root.find(f"{NS}title").text == "Attendance" and root.find(f"{NS}desc").text == "By side"
    assert chart.columns == ("Meeting", "Employers", "Community")
    assert chart.rows == (("Launch", "12", "4"), ("Second", "8", "5"))
    assert {"12", "8", "4", "5"} <= set(texts(root))  # every bar carries its number
    assert chart.__html__() == chart.svg and not chart.empty


def test_series_differ_by_pattern_so_a_grey_print_still_tells_them_apart():
    root = parse(two_series(["Launch"], [3], [2]))
    fills = {r.get("fill") for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None}
    assert fills == {"#1f4e9c", "url(#att-hatch)"}
    assert root.find(f".//{NS}pattern[@id='att-hatch']") is not None
    assert {"Employers", "Community"} <= set(texts(root))  # the legend names each


def test_hostile_labels_are_escaped_text_and_characters_xml_forbids_are_dropped():
    chart = svg.bars("x", HOSTILE, HOSTILE, [HOSTILE], [svg.Series(HOSTILE, (3,))], "Area")
    assert "<script>" not in chart.svg and 'onload="' not in chart.svg and "\x00" not in chart.svg
    root = parse(chart)  # well-formed despite everything
    assert not any(el.tag.endswith("script") for el in root.iter())
    assert all(not name.startswith("on") for el in root.iter() for name in el.attrib)
    assert "<script>alert('x')</script>" in root.find(f"{NS}title").text
    assert chart.rows[0][0] == HOSTILE  # the table gets the text whole (Jinja escapes it there)
    line = svg.timeline(HOSTILE, HOSTILE, HOSTILE, [(date(2026, 1, 1), 1)], HOSTILE)
    parse(line)
    assert "<script>" not in line.svg and line.key == "script-alert-x-script-onload-alert-1"


def test_long_labels_wrap_on_two_lines_shortened_on_the_chart_and_whole_in_its_tooltip_and_table():
    name = "Expand the local pool of qualified manufacturing workers"
    chart = svg.bars("a", "Areas", "", [name], [svg.Series("Promised", (2,))], "Area")
    root = parse(chart)
    label = next(t for t in root.iter(f"{NS}text") if t.find(f"{NS}title") is not None)
    assert label.find(f"{NS}title").text == name
    lines = [span.text for span in label.iter(f"{NS}tspan")]
    assert lines == ["Expand the local pool", "of qualified manufact…"]
    assert chart.rows[0][0] == name


@pytest.mark.parametrize("text, lines", [
    ("", [""]), ("Launch", ["Launch"]),
    ("Chairs' planning meeting, 22 Nov 2026", ["Chairs' planning", "meeting, 22 Nov 2026"]),
    ("a " * 30, ["a a a a a a a a a a a", "a a a a a a a a a a a…"]),
    ("x" * 50, ["x" * 21 + "…"]),
])
def test_a_label_wraps_between_words_and_cuts_a_word_longer_than_a_line(text, lines):
    assert svg.wrap(text) == lines
    assert all(len(line) <= svg.LABEL_CHARS for line in lines)


@pytest.mark.parametrize("categories, values, message", [
    ([], [], "Nothing to show yet."),
    (["Launch"], [0], "All zero so far."),
])
def test_a_chart_without_data_says_so_and_still_draws_a_scale(categories, values, message):
    chart = svg.bars("e", "Empty", "", categories, [svg.Series("Employers", tuple(values))], "Meeting")
    root = parse(chart)
    assert message in texts(root)
    assert ["0", "1"] == [t for t in texts(root) if t in ("0", "1")][:2]
    assert chart.empty == (not categories)


def test_huge_numbers_fit_the_scale_and_read_short_on_the_chart_and_whole_in_the_table():
    chart = two_series(["Statewide"], [2_500_000_000_000], [7])
    root = parse(chart)
    assert chart.rows[0][1] == "2,500,000,000,000"
    assert "2.5T" in texts(root) and "5T" in texts(root)  # the bar's number and the axis' top
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert max(widths) <= svg.WIDTH - svg.VALUE_ROOM - svg.LABEL_WIDTH - 10 + 0.1


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "3", True, None])
def test_a_chart_refuses_what_is_not_a_count(bad):
    with pytest.raises(ValueError):
        svg.bars("b", "Bad", "", ["One"], [svg.Series("S", (bad,))], "Meeting")


def test_a_series_must_have_one_value_per_category():
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        svg.bars("b", "Bad", "", ["One"], [svg.Series("S", (1, 2))], "Meeting")


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (55, 100),
                                        (100, 100), (10**12 + 1, 2 * 10**12)])
def test_the_scale_tops_at_one_two_or_five_times_a_power_of_ten(value, top):
    assert svg.nice_max(value) == top
    marks = svg.ticks(top)
    assert marks[0] == 0 and marks[-1] == top and len(marks) <= 6
    assert all(float(m).is_integer() for m in marks)


def test_a_timeline_steps_between_changes_and_runs_on_to_today():
    chart = svg.timeline("c", "Champions over time", "", [(date(2026, 3, 1), 5), (date(2026, 1, 1), 2),
                                                          (date(2026, 1, 1), 3)], "Champions",
                         until=date(2026, 4, 1))
    root = parse(chart)
    assert chart.rows == (("1 Jan 2026", "3"), ("1 Mar 2026", "5"))  # the last value of a date wins
    path = root.find(f"{NS}path").get("d")
    assert path.startswith("M40.0,") and path.count("H") == 2 and path.endswith("H460.0")  # on to today
    assert {"1 Jan 2026", "1 Apr 2026", "3", "5"} <= set(texts(root))


def test_a_timeline_of_one_point_puts_it_in_the_middle_and_of_none_says_so():
    one = parse(svg.timeline("c", "T", "", [(date(2026, 1, 1), 1)], "Champions"))
    circle = one.find(f"{NS}circle")
    assert float(circle.get("cx")) == (40 + svg.WIDTH - 20) / 2
    empty = svg.timeline("c", "T", "", [], "Champions", until=date(2026, 1, 1), empty_message="No champions yet.")
    assert "No champions yet." in texts(parse(empty)) and empty.empty


def test_a_long_timeline_labels_the_first_the_highest_and_the_last_point_only():
    points = [(date(2026, 1, d), d % 7) for d in range(1, 31)]
    root = parse(svg.timeline("c", "T", "", points, "Champions"))
    labels = [t for t in root.iter(f"{NS}text") if t.get("font-weight") == "600"]
    assert len(labels) == 3 and len(list(root.iter(f"{NS}circle"))) == 30


def test_numbers_read_as_people_write_them():
    assert [svg.number(v) for v in (0, 1234, 2.5)] == ["0", "1,234", "2.5"]
    assert [svg.short(v) for v in (950, 12_500, 3_400_000, 2_100_000_000, 150_000_000)] == \
        ["950", "12.5k", "3.4M", "2.1B", "150M"]
    assert svg.clip("a  b\nc", 10) == "a b c" and svg.clip("x" * 40, 10) == "x" * 9 + "…"
