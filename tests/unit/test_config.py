"""The config files hold only what differs from the built-in defaults (crm/config.py), so a
default is changed in one place and no file silently pins the old value."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Config, Flask

from crm.config import DEFAULTS, DEPRECATED_ENVIRONMENT, ENVIRONMENT

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
#: the settings a file may name: Convene's defaults, then Flask's own
BUILT_IN = {**Flask.default_config, **DEFAULTS}


@pytest.mark.parametrize("name", ["default.py", "production.example.py"])
def test_a_config_file_repeats_no_built_in_default(name):
    config = Config(str(CONFIG_DIR))
    config.from_pyfile(name)
    repeated = {k: v for k, v in config.items() if k in BUILT_IN and BUILT_IN[k] == v}
    assert not repeated, f"config/{name} repeats built-in defaults (crm/config.py): {sorted(repeated)}"


def test_every_environment_variable_names_a_known_setting_and_old_names_point_at_current_ones():
    assert all(key in DEFAULTS or key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")
               for key, _ in ENVIRONMENT.values())
    assert set(DEPRECATED_ENVIRONMENT.values()) <= set(ENVIRONMENT)
