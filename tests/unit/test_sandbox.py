"""User templates render within bounds (crm/sandbox.py): a loop that would run for hours is
stopped at the time limit, a template writing gigabytes at the size limit, one allocating
without writing at the memory limit; each as a message, never a hang or a crash."""

from __future__ import annotations

import pytest

from crm.sandbox import RenderFailure, render_each

SECONDS, MAX_CHARS = 0.5, 100_000


def _one(source: str, context: dict | None = None, html: bool = False):
    return render_each([(source, html, context or {})], SECONDS, MAX_CHARS)[0]


def test_a_template_renders_with_its_fields_and_escapes_them_in_html():
    assert _one("Dear {{ name }},", {"name": "Jim"}) == "Dear Jim,"
    assert _one("{{ name }}", {"name": "<b>"}, html=True) == "&lt;b&gt;"
    assert render_each([], SECONDS, MAX_CHARS) == []


@pytest.mark.parametrize("source", [
    "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
    "{{ 7 ** 99999999 }}",  # a huge power: CPU in one operation, no loop to count
])
def test_a_template_running_past_the_time_limit_is_stopped_with_a_message(source):
    result = _one(source)
    assert isinstance(result, RenderFailure) and "longer than 0.5 seconds" in result.message


@pytest.mark.parametrize("source", [
    "{% for i in range(100000) %}{{ 'x' * 2000 }}{% endfor %}",  # 200 MB in small pieces
    "{{ 'y' * 300000 }}",
])
def test_a_template_writing_past_the_size_limit_is_stopped_with_a_message(source):
    result = _one(source)
    assert isinstance(result, RenderFailure) and "more than 100,000 characters" in result.message


def test_a_template_allocating_past_the_memory_limit_is_stopped_with_a_message():
    result = _one("{% set big = 'z' * 2000000000 %}done")
    assert isinstance(result, RenderFailure)
    assert "memory" in result.message or "longer than" in result.message


def test_one_bad_template_in_a_batch_fails_alone_unless_it_stops_the_process():
    results = render_each([("{{ 1 / 0 }}", False, {}), ("ok {{ n }}", False, {"n": 1})], SECONDS, MAX_CHARS)
    assert isinstance(results[0], RenderFailure) and results[1] == "ok 1"
    assert isinstance(_one("{{ ''.__class__.__mro__ }}"), RenderFailure)
