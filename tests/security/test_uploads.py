"""Uploads: a body over the size limit gets 413 with a message (pages and API), and malformed
files get a message, never a 500. Upload forms are found on the pages (any file input)."""

from __future__ import annotations

import gc
import io
import re
import warnings

import pytest

from tests.conftest import app_context_then_empty
from tests.security.figures import add
from tests.security.forms import forms_of
from tests.security.helpers import SQLITE_ONLY, fetch, route_urls
from tests.web.access_rules import ACCESS
from tests.web.world import build_world, sign_in, url_values

FIFTY_MB = 50 * 1024 * 1024

MALFORMED = {
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 64,
    "nul.csv": b"name,email\nAda\x00,ada@example.org\n",
    "latin1.csv": "name,notes\nJos\xe9,caf\xe9\n".encode("latin-1"),
    "bad-utf8.csv": b"name\n\xff\xfe\xfa\n",
    "utf16.csv": "name,email\nAda,ada@example.org\n".encode("utf-16"),
    "quotes.csv": b'name,email\n"Ada,ada@example.org\n"unterminated\n',
    "header-only.csv": b"name,email\n",
    "one-column.csv": b"x\n" * 5,
    "wide.csv": (",".join(f"c{i}" for i in range(5000)) + "\n" + "," * 4999 + "\n").encode(),
    "long-line.csv": b"name\n" + b"A" * 2_000_000 + b"\n",
    "many-rows.csv": b"name,email\n" + b"".join(b"P%d,p%d@example.org\n" % (i, i) for i in range(20000)),
    "formula.csv": b"name,email\n=cmd|' /C calc'!A0,x@example.org\n",
    "zip.csv": b"PK\x03\x04" + b"\x00" * 100,
    "html.csv": b"<html><script>alert(1)</script></html>",
    "broken.vcf": b"BEGIN:VCARD\nVERSION:4.0\nFN:Ada\n",  # no END
    "garbage.vcf": b"\x00\x01\x02 not a card",
    "empty.vcf": b"",
    "nested.vcf": b"BEGIN:VCARD\nBEGIN:VCARD\nEND:VCARD\n",
    "no-extension": b"name\nAda\n",
}

pytestmark = [pytest.mark.slow, SQLITE_ONLY]  # 50 MB bodies and 23 malformed files through the importer


def _collect_spooled_files():
    """A body refused half-way leaves Werkzeug's spooled temporary file to the garbage
    collector (harmless, but a ResourceWarning, and warnings are errors here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_FOLDER": str(tmp_path / "imports")}


@pytest.fixture(autouse=True)
def _no_leftover_spooled_files():
    yield
    _collect_spooled_files()


def _upload_forms(app, client, values):
    found = []
    for endpoint, _method, url in route_urls(app, values):
        if ACCESS.get(endpoint) == "api":
            continue
        page = fetch(client, url)
        if page.status_code != 200 or b'type="file"' not in page.data:
            continue
        for form in forms_of(page.get_data(as_text=True), url):
            if form.file_fields:
                found.append(form)
    return found


def _body(form, filename, content):
    body = {f.name: (f.options[0] if f.kind == "select" and f.options else f.value) for f in form.fields
            if f.kind not in ("file", "checkbox")}
    body[form.file_fields[0].name] = (io.BytesIO(content), filename)
    return body


def test_fifty_megabytes_get_413_with_a_message_on_every_upload_form(app, client):
    world = build_world()
    sign_in(client, world.users["admin"])
    forms = _upload_forms(app, client, url_values(world))
    assert forms, "no upload form found: the import page should have one"
    for form in forms:
        response = fetch(client, form.action, method="POST", data=_body(form, "big.csv", b"a" * FIFTY_MB),
                         content_type="multipart/form-data")
        _collect_spooled_files()
        assert response.status_code == 413, form.action
        assert re.search(r"too large.*20 MB", response.get_data(as_text=True), re.S), response.data[:500]
        add("uploads", "oversized uploads refused")


def test_fifty_megabytes_get_413_with_csrf_on(database_url, _schema):
    with app_context_then_empty(database_url, WTF_CSRF_ENABLED=True) as app:
        world = build_world()
        client = app.test_client()
        sign_in(client, world.users["admin"])
        response = fetch(client, "/imports", method="POST", data={"file": (io.BytesIO(b"a" * FIFTY_MB), "x.csv")},
                         content_type="multipart/form-data")
        _collect_spooled_files()
        assert response.status_code == 413 and b"too large" in response.data


def test_fifty_megabytes_of_json_get_413_as_json_on_every_api_write(app, client, db):
    from crm.accounts import services

    world = build_world()
    token = services.create_api_token(world.users["admin"], "big")
    db.session.commit()
    routes = route_urls(app, url_values(world), methods=("POST", "PATCH", "PUT"))
    big = b'{"name": "' + b"a" * FIFTY_MB + b'"}'
    for _endpoint, method, url in (r for r in routes if r[2].startswith("/api/")):
        response = fetch(client, url, method=method, data=big, content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})
        _collect_spooled_files()
        assert response.status_code == 413, (method, url, response.status_code)
        assert response.json["error"]["code"] == "request_entity_too_large"
        assert "20 MB" in response.json["error"]["message"]
        add("uploads", "oversized uploads refused")


@pytest.mark.parametrize("filename", sorted(MALFORMED))
def test_a_malformed_file_gets_a_message_not_a_500(app, client, filename):
    world = build_world()
    sign_in(client, world.users["admin"])
    for form in _upload_forms(app, client, url_values(world)):
        kinds = next((f.options for f in form.fields if f.kind == "select"), [None])
        for kind in kinds:
            body = _body(form, filename, MALFORMED[filename])
            if kind is not None:
                body[next(f.name for f in form.fields if f.kind == "select")] = kind
            response = fetch(client, form.action, method="POST", data=body, content_type="multipart/form-data")
            _collect_spooled_files()  # now, not whenever the next collection falls (a teardown's, once)
            add("uploads", "malformed uploads tried")
            assert response.status_code < 500, (filename, kind)
            if response.status_code in (302, 303):
                # accepted: every following step of the import must answer too
                location = response.headers["Location"]
                for _ in range(3):
                    step = fetch(client, location)
                    assert step.status_code < 500, (filename, kind, location)
                    if step.status_code not in (302, 303):
                        break
                    location = step.headers["Location"]
            else:
                assert 'role="alert"' in response.get_data(as_text=True), (filename, kind, response.status_code)
