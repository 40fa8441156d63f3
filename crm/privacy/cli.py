"""`crm person export --id N` and `crm person erase --id N --yes`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from crm.audit.models import actor
from crm.extensions import db
from crm.ids import ID
from crm.privacy import services


@click.group("person")
def person_group():
    """Export or erase everything held about a person."""


@person_group.command("export")
@click.option("--id", "person_id", type=ID, required=True)
@with_appcontext
def export_command(person_id):
    """Print everything held about a person as JSON."""
    try:
        click.echo(services.export_json(person_id))
    except services.PrivacyError as error:
        raise click.ClickException(str(error)) from error


@person_group.command("erase")
@click.option("--id", "person_id", type=ID, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(person_id, yes):
    """Erase a person everywhere (ties, notes, tasks, outbox, memberships, assessments)."""
    actor.set((None, "cli"))
    if not yes:
        click.confirm(f"Erase person #{person_id} everywhere? This cannot be undone.", abort=True)
    try:
        counts = services.erase_person(person_id)
    except services.PrivacyError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    services.purge_free_pages()
    click.echo(f"Erased person #{person_id}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
