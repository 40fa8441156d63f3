"""One place per setting: proxy trust from one value applied once (the old CRM_PROXY_HOPS name
still read), the default time zone read from config everywhere, gunicorn building the app from
`crm:create_app()`."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path

import pytest
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.test import EnvironBuilder

from crm import create_app
from crm.api.partnerships import PartnershipIn
from crm.extensions import db
from crm.partnerships import services as partnerships
from crm.partnerships.forms import PartnershipForm
from crm.partnerships.models import Partnership
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_app(database_url, _schema, monkeypatch):
    """create_app with a clean CRM_* environment; the apps it made are disposed after."""
    for var in ("CRM_TRUSTED_PROXIES", "CRM_PROXY_HOPS", "CRM_DEFAULT_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    made = []

    def make(**environment):
        for var, value in environment.items():
            monkeypatch.setenv(var, value)
        app = create_app(base_config(database_url))
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _client_address(app, forwarded_for: str, peer: str = "127.0.0.1", **headers) -> dict:
    """What the app sees of a request from `peer` carrying X-Forwarded-For: REMOTE_ADDR, host."""
    seen = {}

    @app.before_request
    def _spy():
        seen.update(addr=request.remote_addr, host=request.host, scheme=request.scheme)

    environ = EnvironBuilder(path="/healthz", headers={"X-Forwarded-For": forwarded_for, **headers},
                             environ_base={"REMOTE_ADDR": peer}).get_environ()
    statuses = []
    b"".join(app.wsgi_app(environ, lambda status, _headers: statuses.append(status)))
    assert statuses[0].startswith("200")
    return seen


def _proxy_layers(app) -> int:
    layers, inner = 0, app.wsgi_app
    while isinstance(inner, ProxyFix):
        layers, inner = layers + 1, inner.app
    return layers


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app):
    app = make_app()
    assert _proxy_layers(app) == 0
    assert _client_address(app, "203.0.113.9")["addr"] == "127.0.0.1"


def test_trusted_proxies_is_applied_once_and_gives_the_clients_address_and_scheme(make_app):
    app = make_app(CRM_TRUSTED_PROXIES="1")
    assert _proxy_layers(app) == 1
    seen = _client_address(app, "198.51.100.7, 203.0.113.9", **{"X-Forwarded-Proto": "https",
                                                                 "X-Forwarded-Host": "evil.example"})
    assert seen["addr"] == "203.0.113.9" and seen["scheme"] == "https"
    assert seen["host"] != "evil.example"  # the proxy sets Host; a client's X-Forwarded-Host is never believed


def test_two_trusted_proxies_take_the_address_two_hops_back(make_app):
    app = make_app(CRM_TRUSTED_PROXIES="2")
    assert _client_address(app, "198.51.100.7, 203.0.113.9")["addr"] == "198.51.100.7"


def test_the_old_proxy_hops_name_still_works_once_with_a_warning(make_app, caplog):
    with caplog.at_level(logging.WARNING):
        app = make_app(CRM_PROXY_HOPS="1")
    assert app.config["TRUSTED_PROXIES"] == 1 and _proxy_layers(app) == 1
    assert _client_address(app, "203.0.113.9")["addr"] == "203.0.113.9"
    assert "CRM_PROXY_HOPS is deprecated: set CRM_TRUSTED_PROXIES=1 instead" in caplog.text


def test_both_proxy_names_agreeing_apply_once(make_app):
    app = make_app(CRM_PROXY_HOPS="1", CRM_TRUSTED_PROXIES="1")
    assert _proxy_layers(app) == 1


def test_both_proxy_names_disagreeing_refuse_to_start(make_app):
    with pytest.raises(RuntimeError, match="CRM_PROXY_HOPS=2 and CRM_TRUSTED_PROXIES=1 disagree"):
        make_app(CRM_PROXY_HOPS="2", CRM_TRUSTED_PROXIES="1")


@pytest.mark.parametrize("value", ["many", "-1"])
def test_a_proxy_count_that_is_not_a_count_refuses_to_start(make_app, value):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        make_app(CRM_TRUSTED_PROXIES=value)


def test_the_default_time_zone_comes_from_config_for_services_forms_models_and_the_api(make_app):
    app = make_app(CRM_DEFAULT_TIMEZONE="Europe/London")
    assert app.config["PARTNERSHIP_DEFAULT_TIMEZONE"] == "Europe/London"
    with app.app_context():
        made = partnerships.create_partnership("Zoned", "Tech")
        assert made.timezone == "Europe/London"
        with app.test_request_context():
            assert PartnershipForm(formdata=None).timezone.data == "Europe/London"
        assert PartnershipIn(name="P", sector="Tech").timezone == "Europe/London"
        bare = Partnership(name="Bare", sector="Tech")
        db.session.add(bare)
        db.session.flush()
        assert bare.timezone == "Europe/London"
        db.session.rollback()


def test_gunicorn_builds_the_app_from_the_factory_and_trusts_no_proxy_itself():
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert settings["wsgi_app"] == "crm:create_app()"
    assert settings["forwarded_allow_ips"] == "" and "proxy_allow_ips" not in settings
    assert not (ROOT / "crm" / "wsgi.py").exists()
