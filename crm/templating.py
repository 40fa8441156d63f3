"""Template filters and globals: vocabulary labels, times in the partnership's zone."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from crm import prose, vocab
from crm.timeutil import local

VOCABS = {
    "side": vocab.SIDES,
    "org_kind": vocab.ORG_KINDS,
    "role": vocab.ROLES,
    "stage": vocab.STAGES,
    "partnership_stage": vocab.PARTNERSHIP_STAGES,
    "trait": vocab.TRAITS,
    "rating": vocab.RATINGS,
    "score_label": vocab.SCORE_LABELS,
    "strength": vocab.STRENGTHS,
    "task_kind": vocab.TASK_KINDS,
    "task_status": vocab.TASK_STATUSES,
    "outcome": vocab.TASK_OUTCOMES,
    "user_role": vocab.USER_ROLES,
    "meeting_kind": vocab.MEETING_KINDS,
    "response": vocab.INVITATION_RESPONSES,
    "commitment_status": vocab.COMMITMENT_STATUSES,
    "early_win_kind": vocab.EARLY_WIN_KINDS,
    "note_kind": vocab.NOTE_KINDS,
}


def init_app(app: Flask) -> None:
    @app.template_filter("label")
    def _label(value, kind: str) -> str:
        return vocab.label(VOCABS[kind], value)

    @app.template_filter("plural")
    def _plural(count: int, word: str, many: str | None = None) -> str:
        return prose.plural(count, word, many)

    @app.template_filter("day")
    def _day(value) -> str:
        return prose.day(value)

    @app.template_filter("counties")
    def _counties(partnership) -> str:
        return prose.counties(partnership.counties)

    @app.template_filter("localtime")
    def _localtime(value, tz_name: str | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        tz = tz_name or app.config["PARTNERSHIP_DEFAULT_TIMEZONE"]
        shown = local(value, tz)
        return shown.strftime(fmt) + f" {shown.tzname()}" if shown else ""

    @app.context_processor
    def _globals():
        return {"vocab": vocab, "current_user": current_user, "is_htmx": bool(
            request.headers.get("HX-Request"))}
