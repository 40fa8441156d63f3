"""Production example: copy, then run with CRM_CONFIG=/path/to/this/file.

Secrets and addresses come from the environment, never from this file:
  CRM_DATABASE_URL   postgresql+psycopg://user:pass@host/convene
  CRM_SECRET_KEY     a long random string (python -c "import secrets; print(secrets.token_hex(32))")
  CRM_SMTP_HOST, CRM_SMTP_PORT, CRM_SMTP_USERNAME, CRM_SMTP_PASSWORD, CRM_MAIL_FROM
  CRM_RATELIMIT_STORAGE_URI  redis://127.0.0.1:6379/0 when several app servers share limits
  CRM_TRUSTED_PROXIES        1 behind one reverse proxy (nginx...), so throttling sees client addresses
Only what differs from the built-in defaults (crm/config.py) is written here.
The app refuses to start in production without CRM_SECRET_KEY.
"""

ENV_NAME = "production"
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
PREFERRED_URL_SCHEME = "https"
SESSION_COOKIE_NAME = "__Host-convene"
# Remember-me too: Secure, host-only, path / (Flask-Login sets no Domain unless told to).
REMEMBER_COOKIE_NAME = "__Host-remember"
