"""Every module of the API, imported once so their endpoints are on `bp` when create_app
registers it. A new API module is added here."""

from crm.api import (  # noqa: F401  (each module adds its routes to bp when imported)
    action_plans,
    bp,
    contacts,
    docs,
    health,
    imports,
    launch,
    network,
    outreach,
    partnerships,
    privacy,
    scoring,
    summary,
    users,
    wall,
)

__all__ = ["bp"]
