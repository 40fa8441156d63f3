"""The WSGI entry point for production servers: `gunicorn -c config/gunicorn.conf.py` loads
`crm.wsgi:app`.

Behind a reverse proxy, set CRM_PROXY_HOPS to the number of proxies in front of the app (1 for
one nginx): werkzeug's ProxyFix then takes the client address and scheme from that many
X-Forwarded-For/-Proto entries, so the sign-in rate limits and the request log see the real
client rather than the proxy (with every user behind one address, the per-address limit would
lock everyone out together). Leave it unset when clients connect directly: the headers are
then ignored, since anyone could forge them.
"""

from __future__ import annotations

import os

from crm import create_app


def build():
    application = create_app()
    hops = int(os.environ.get("CRM_PROXY_HOPS") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        application.wsgi_app = ProxyFix(application.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return application


app = build()
