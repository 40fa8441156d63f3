"""gunicorn settings for Convene: `gunicorn -c config/gunicorn.conf.py` (see docs/deploy.md).

Each worker process builds its own app by calling `crm:create_app()` (no preload: database
connections are never shared across fork; importing `crm` builds nothing). Threads let a worker
overlap requests waiting on the database. Request lines are logged by the app itself as JSON
(crm/logging.py), so gunicorn's access log is off.
Every setting can be overridden from the environment (CRM_BIND, CRM_WORKERS, CRM_THREADS,
CRM_TIMEOUT, CRM_LOG_LEVEL) or on the command line.

Reverse proxies are trusted in one place only, the app's CRM_TRUSTED_PROXIES (crm/config.py,
applied by crm/security.py): gunicorn itself believes no X-Forwarded-* header.
"""

import multiprocessing
import os

wsgi_app = "crm:create_app()"
bind = os.environ.get("CRM_BIND", "127.0.0.1:8000")
# One worker per core, not gunicorn's usual 2 x cores + 1: each worker holds its own copy of the
# region graph and the trait scores (built once, then caught up on every change), so extra
# workers on the same cores only repeat that work; threads cover requests waiting on the
# database. Measured with bench/load.py (50 users, SQLite, 2 cores, 180 s): 5 workers p95 770 ms,
# 3 workers 580 ms, 2 workers 510 ms, same throughput (~29 requests/s).
workers = int(os.environ.get("CRM_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("CRM_THREADS", 4))
timeout = int(os.environ.get("CRM_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
preload_app = False
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CRM_LOG_LEVEL", "info")
# No proxy trust here: the app's TRUSTED_PROXIES is the one setting (see the docstring).
forwarded_allow_ips = ""
# gunicorn 24+ opens a control socket in ~/.gunicorn by default; several instances on one
# machine (app servers, load tests) would fight over it, and Convene has no use for it.
control_socket_disable = True
