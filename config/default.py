"""Settings for this install that differ from the built-in defaults in crm/config.py (every
setting, its default and its environment variable are listed there and in the README's
"Configuration"). Empty: a development machine runs on the defaults, with the embedded SQLite
database in instance/convene.db and a secret key generated once into instance/secret_key.

Put a setting here only when it differs, e.g. `PARTNERSHIP_DEFAULT_TIMEZONE = "America/Chicago"`;
tests/unit/test_config.py refuses a line that repeats a default. A deployment points CRM_CONFIG
at its own file instead (start from config/production.example.py).
"""
