"""Conditional GET for files other programs poll (the calendar feed, ICS files, exports): a
strong ETag from the bytes, Last-Modified from the newest change when known, and 304 Not
Modified when the client already holds this version (RFC 9110, sections 8.8 and 13).

Built from the bytes, so an unchanged answer is byte-identical and keeps its ETag: a calendar
program polling the feed sees "no change" until something changed.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, request

from crm.timeutil import as_utc


def conditional(body: bytes | str, mimetype: str, *, last_modified: datetime | None = None,
                headers: dict | None = None) -> Response:
    """A 200 answer with ETag (and Last-Modified), or 304 when If-None-Match or
    If-Modified-Since says the client has it."""
    response = Response(body, mimetype=mimetype, headers=headers or {})
    response.add_etag()
    if last_modified is not None:
        response.last_modified = as_utc(last_modified).replace(microsecond=0)
    return response.make_conditional(request)
