"""Server-rendered SVG charts, as pure functions: plain data in, a `Chart` out (its SVG markup
and the same numbers as a table for screen readers and for print). No Flask, no SQLAlchemy.

Every chart is readable in black and white: series differ by pattern (solid, hatched, dotted)
as well as colour, every bar and point carries its number, and a legend names each series.
All text that reaches the SVG (area names, meeting titles, people's words) is escaped here, and
characters XML cannot hold are dropped, so a hostile label is shown as text and never parsed.

A `Chart` renders itself in Jinja (`{{ chart }}`) through `__html__`: its markup is built here
and escaped here, so templates need no `|safe`.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: the drawing's width in SVG units (it scales to its box: width 100%, viewBox)
WIDTH = 480
#: room for the category labels on the left of a bar chart, and for the numbers on the right
LABEL_WIDTH = 150
VALUE_ROOM = 48
#: one bar's thickness and the gap between categories
BAR = 14
GAP = 10
#: the longest line of a label drawn, and its lines (the full text is in the label's tooltip
#: and in the table)
LABEL_CHARS = 22
LABEL_LINES = 2
LINE_HEIGHT = 13
#: a line chart labels each point's number up to this many points (then first, highest, last)
POINT_LABELS = 12
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

#: how each series is drawn: (fill, stroke, legend word); the second and third are patterns,
#: so they stay apart when printed in grey
_STYLES = (
    ("#1f4e9c", "#0b2a5b", "solid"),
    ("url(#{key}-hatch)", "#5b2a86", "hatched"),
    ("url(#{key}-dots)", "#7a4b00", "dotted"),
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_KEY = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Series:
    """One series of a bar chart: its name and one number per category."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the SVG markup, and its numbers as rows of text under named columns."""

    key: str
    title: str
    desc: str
    svg: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.rows

    def __html__(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg


def esc(text) -> str:
    """Text as SVG may hold it: characters XML forbids dropped, markup characters and both
    quotes escaped (safe in element text and in attribute values)."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def clip(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` on one line, shortened to `limit` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, limit: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """`text` in at most `lines` lines of at most `limit` characters, broken between words
    (a word longer than a line is cut), the last line shortened with an ellipsis if need be."""
    words, out = str(text).split(), []
    if not words:
        return [""]
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        out.append(line)
    if words or any(len(line) > limit for line in out):
        out[-1] = clip(" ".join([out[-1], *words]), limit)
        out[:-1] = [clip(line, limit) for line in out[:-1]]
    return out


def number(value: float) -> str:
    """A count as people read it: 1,234; a fraction with one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def short(value: float) -> str:
    """A number in a few characters, for axes and bar ends: 950, 12.5k, 3.4M, 2.1B."""
    value = float(value)
    for least, size, suffix in ((1e12, 1e12, "T"), (1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= least:
            scaled = value / size
            return f"{scaled:,.0f}{suffix}" if scaled >= 100 else f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix
    return number(value)


def nice_max(value: float) -> float:
    """The top of an axis holding `value`: 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop's 10 always holds


def ticks(top: float) -> list[float]:
    """The axis marks from 0 to `top` (a `nice_max`): five or fewer, whole numbers."""
    for parts in (5, 4, 2):
        if float(top / parts).is_integer():
            return [top / parts * i for i in range(parts + 1)]
    return [0, top]


def _check(values) -> None:
    for v in values:
        if not isinstance(v, int | float) or isinstance(v, bool) or not math.isfinite(v) or v < 0:
            raise ValueError(f"A chart counts things: {v!r} is not a number of zero or more.")


def _key(key: str) -> str:
    cleaned = _KEY.sub("-", key.lower()).strip("-")
    return cleaned or "chart"


def _defs(key: str) -> str:
    return (f'<defs><pattern id="{key}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#5b2a86" stroke-width="2.5"/></pattern>'
            f'<pattern id="{key}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
            f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.3" fill="#7a4b00"/>'
            f'</pattern></defs>')


def _open(key: str, title: str, desc: str, height: float) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet" '
            f'aria-labelledby="{key}-title {key}-desc" font-family="{esc(FONT)}" font-size="12.5">'
            f'<title id="{key}-title">{esc(title)}</title><desc id="{key}-desc">{esc(desc)}</desc>')


def _style(i: int, key: str) -> tuple[str, str, str]:
    fill, stroke, word = _STYLES[i % len(_STYLES)]
    return fill.format(key=key), stroke, word


def _legend(names: Sequence[str], key: str, y: float) -> str:
    parts, x = [], 4
    for i, name in enumerate(names):
        fill, stroke, _word = _style(i, key)
        label = clip(name, 30)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="14" height="12" fill="{fill}" stroke="{stroke}"/>'
                     f'<text x="{x + 19}" y="{y}">{esc(label)}</text>')
        x += 19 + 7 * len(label) + 22
    return "".join(parts)


def _message(y: float, text: str) -> str:
    return f'<text x="{WIDTH / 2:.0f}" y="{y:.0f}" text-anchor="middle" fill="#5c667a">{esc(text)}</text>'


def bars(key: str, title: str, desc: str, categories: Sequence[str], series: Sequence[Series],
         category_heading: str, empty_message: str = "Nothing to show yet.") -> Chart:
    """Horizontal bars: one row per category, one bar per series in it (the numbers at the bars'
    ends), a shared scale from zero, a legend when there is more than one series."""
    key = _key(key)
    series = [Series(s.name, tuple(s.values)) for s in series]
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"Series {s.name!r} has {len(s.values)} values for {len(categories)} categories.")
        _check(s.values)
    rows = tuple((str(c), *(number(s.values[i]) for s in series)) for i, c in enumerate(categories))
    columns = (category_heading, *(s.name for s in series))
    top_margin = 28 if len(series) > 1 else 8
    row_h = max(1, len(series)) * BAR + GAP
    plot_h = max(len(categories), 1) * row_h
    height = top_margin + plot_h + 30
    out = [_open(key, title, desc, height), _defs(key)]
    if len(series) > 1:
        out.append(_legend([s.name for s in series], key, 16))
    x0, x1 = LABEL_WIDTH + 10, WIDTH - VALUE_ROOM
    biggest = max((v for s in series for v in s.values), default=0)
    if not categories or not series or biggest == 0:
        out.append(_message(top_margin + plot_h / 2 + 4, empty_message if not categories else "All zero so far."))
    top = nice_max(biggest)
    scale = (x1 - x0) / top
    axis_y = top_margin + plot_h + 4
    for t in ticks(top):  # grid lines and the scale under the bars
        x = x0 + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{top_margin - 2}" x2="{x:.1f}" y2="{axis_y}" stroke="#d9dee8"/>'
                   f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle" fill="#5c667a">{esc(short(t))}</text>')
    for i, category in enumerate(categories):
        y = top_margin + i * row_h
        label = str(category)
        lines = wrap(label)
        first = y + (row_h - GAP) / 2 + 4 - (len(lines) - 1) * LINE_HEIGHT / 2
        spans = "".join(f'<tspan x="{LABEL_WIDTH}" y="{first + k * LINE_HEIGHT:.1f}">{esc(line)}</tspan>'
                        for k, line in enumerate(lines))
        out.append(f'<text text-anchor="end"><title>{esc(label)}</title>{spans}</text>')
        for j, s in enumerate(series):
            value = s.values[i]
            fill, stroke, _word = _style(j, key)
            w = value * scale
            by = y + j * BAR
            if w > 0:
                out.append(f'<rect x="{x0}" y="{by + 1}" width="{w:.1f}" height="{BAR - 2}" fill="{fill}" '
                           f'stroke="{stroke}"><title>{esc(label)}, {esc(s.name)}: {esc(number(value))}</title></rect>')
            out.append(f'<text x="{x0 + w + 4:.1f}" y="{by + BAR - 4}">{esc(short(value))}</text>')
    out.append(f'<line x1="{x0}" y1="{top_margin - 2}" x2="{x0}" y2="{axis_y}" stroke="#1d2433"/></svg>')
    return Chart(key, title, desc, "".join(out), columns, rows)


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def timeline(key: str, title: str, desc: str, points: Sequence[tuple[date, float]], value_heading: str,
             until: date | None = None, empty_message: str = "Nothing to show yet.") -> Chart:
    """A count over time as a step line: it holds its value until the next change (`points`,
    any order, one per date: the last for a date wins), drawn on to `until` (today) if later.
    Each change carries its number (up to `POINT_LABELS` of them; beyond, the first, the
    highest and the last)."""
    key = _key(key)
    by_day: dict[date, float] = {}
    for d, v in sorted(points, key=lambda p: p[0]):
        by_day[d] = v
    _check(by_day.values())
    days = sorted(by_day)
    rows = tuple((_day(d), number(by_day[d])) for d in days)
    left, right, top_y, bottom_y = 40, WIDTH - 20, 24, 154
    height = bottom_y + 34
    out = [_open(key, title, desc, height)]
    if not days:
        out.append(_message((top_y + bottom_y) / 2, empty_message))
    start = days[0] if days else (until or date(2000, 1, 1))
    end = max([*days[-1:], *([until] if until else [])], default=start)
    span = (end - start).days
    top = nice_max(max(by_day.values(), default=0))

    def xy(d: date, v: float) -> tuple[float, float]:
        x = (left + right) / 2 if span == 0 else left + (right - left) * (d - start).days / span
        return x, bottom_y - (bottom_y - top_y) * v / top

    for t in ticks(top):
        _x, y = xy(start, t)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#d9dee8"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5c667a">{esc(short(t))}</text>')
    out.append(f'<line x1="{left}" y1="{bottom_y}" x2="{right}" y2="{bottom_y}" stroke="#1d2433"/>')
    if days:
        path, (px, py) = [], xy(days[0], by_day[days[0]])
        path.append(f"M{px:.1f},{py:.1f}")
        for d in days[1:]:
            x, y = xy(d, by_day[d])
            path.append(f"H{x:.1f}V{y:.1f}")
        if end > days[-1]:
            x, _y = xy(end, 0)
            path.append(f"H{x:.1f}")
        out.append(f'<path d="{"".join(path)}" fill="none" stroke="#1f4e9c" stroke-width="2.5"/>')
        labelled = set(days) if len(days) <= POINT_LABELS else {
            days[0], days[-1], max(days, key=lambda d: (by_day[d], d))}
        for d in days:
            x, y = xy(d, by_day[d])
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#fff" stroke="#0b2a5b" stroke-width="2">'
                       f'<title>{esc(_day(d))}: {esc(number(by_day[d]))}</title></circle>')
            if d in labelled:
                out.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-weight="600">'
                           f'{esc(short(by_day[d]))}</text>')
        marks = [start, end] if span else [start]
        for i, d in enumerate(marks):
            x, _y = xy(d, 0)
            anchor = "middle" if span == 0 else ("start" if i == 0 else "end")
            out.append(f'<text x="{x:.1f}" y="{bottom_y + 18}" text-anchor="{anchor}" fill="#5c667a">'
                       f'{esc(_day(d))}</text>')
    out.append("</svg>")
    return Chart(key, title, desc, "".join(out), ("Date", value_heading), rows)
