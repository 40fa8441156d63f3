"""Default settings: a single machine with the embedded SQLite database under instance/.

Every key may be overridden by environment variables (see crm/config.py) or by pointing
CRM_CONFIG at another file such as config/production.example.py.
"""

ENV_NAME = "development"
# SQLALCHEMY_DATABASE_URI is derived from the instance folder when not set: instance/convene.db
SECRET_KEY = None  # development: generated once and kept in instance/secret_key
SESSION_COOKIE_SECURE = False
PARTNERSHIP_DEFAULT_TIMEZONE = "America/Denver"
MAIL_FROM = "convene@localhost"
SMTP_HOST = None
SMTP_PORT = 587
SMTP_USERNAME = None
SMTP_PASSWORD = None
SMTP_STARTTLS = True
RATELIMIT_STORAGE_URI = "memory://"
