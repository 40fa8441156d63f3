"""The `crm` command line (also `flask --app crm ...`): demo data, users, tokens, backups.

Each command opens the app context, calls services, and commits once.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump, with an argument list, never a shell
import time
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.engine import make_url

from crm import create_app, demo
from crm.accounts import administration, services
from crm.accounts.forms import MIN_PASSWORD
from crm.audit.models import actor
from crm.extensions import db
from crm.ids import ID
from crm.outreach import scheduler
from crm.partnerships.models import Partnership
from crm.privacy.cli import person_group
from crm.synth import synth_command


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(user_group)
    app.cli.add_command(token_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(synth_command)
    app.cli.add_command(person_group)
    app.cli.add_command(scheduler_command)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once and exit (no waiting for the lease).")
@click.option("--now", "now_text", default=None, hidden=True, help="ISO time to run as (tests).")
@with_appcontext
def scheduler_command(once, now_text):
    """Run the outreach scheduler: digests, escalations, meeting reminders, the outbox."""
    _as_cli()
    now = datetime.fromisoformat(now_text) if now_text else None
    raise SystemExit(scheduler.serve(current_app._get_current_object(), once=once, now=now, echo=click.echo))


def _as_cli():
    actor.set((None, "cli"))


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the workbook's Region X Light Manufacturing (section D's sample summary) and demo accounts."""
    _as_cli()
    try:
        accounts = demo.load()
    except demo.DemoError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo("Loaded the demo partnership 'Region X Light Manufacturing'.")
    click.echo("Demo accounts (email / password):")
    for account in accounts:
        click.echo(f"  {account['role']:<9} {account['email']:<32} {account['password']}  ({account['who']})")


@click.group("user")
def user_group():
    """Manage user accounts."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "convener", "chair", "viewer"]))
@click.option("--partnership", "partnerships", type=ID, multiple=True,
              help="Partnership id this user may see (repeatable).")
@click.option("--person", "person_id", type=ID, default=None, help="Linked person id (chairs).")
@click.option("--name", default=None)
@with_appcontext
def user_create(email, password, role, partnerships, person_id, name):
    """Create a user account."""
    _as_cli()
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"The password must have at least {MIN_PASSWORD} characters.")
    for pid in partnerships:
        if db.session.get(Partnership, pid) is None:
            raise click.ClickException(f"No partnership with id {pid}.")
    try:
        user = services.create_user(email, password, role, name=name, partnership_ids=partnerships,
                                    person_id=person_id)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


def _user(email: str):
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    return user


def _administer(email: str, operation):
    """Run an administration operation on the account `email` and commit; its result and the user."""
    _as_cli()
    user = _user(email)
    try:
        result = operation(user)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result, user


@user_group.command("disable")
@click.option("--email", required=True)
@with_appcontext
def user_disable(email):
    """Disable an account: its sessions, API tokens and reset links end at once."""
    revoked, user = _administer(email, administration.disable_user)
    click.echo(f"Disabled {user.email}: signed out everywhere, {revoked} API token(s) revoked.")


@user_group.command("enable")
@click.option("--email", required=True)
@with_appcontext
def user_enable(email):
    """Enable a disabled account again (its old API tokens stay revoked)."""
    _, user = _administer(email, administration.enable_user)
    click.echo(f"Enabled {user.email}.")


@user_group.command("reset-link")
@click.option("--email", required=True)
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="The address users open Convene at (the link starts with it).")
@click.option("--send", is_flag=True, help="Also email the link to the user through the outbox.")
@with_appcontext
def user_reset_link(email, base_url, send):
    """Start a one-time password-reset link; printed alone on the last line."""

    def link_for(token: str) -> str:
        # the page's URL as the app routes it, under the address users know
        with current_app.test_request_context(base_url=base_url):
            return url_for("accounts.reset_password", reset_token=token, _external=True)

    link, user = _administer(email, lambda user: administration.start_password_reset(
        user, started_by=None, link_for=link_for, send=send))
    click.echo(f"Password-reset link for {user.email}, valid once until "
               f"{link.expires_at.isoformat(timespec='minutes')}"
               + (" (also queued in the outbox):" if send else ":"))
    click.echo(link_for(link.token))


@click.group("token")
def token_group():
    """Manage personal API tokens."""


@token_group.command("create")
@click.option("--email", required=True)
@click.option("--name", default="cli")
@with_appcontext
def token_create(email, name):
    """Create an API token for a user; the token is printed alone on the last line."""
    _as_cli()
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    token = services.create_api_token(user, name)
    db.session.commit()
    click.echo(f"API token for {user.email} (shown once):")
    click.echo(token)


def _sqlite_path() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return None
    return Path(url.database)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the live database to PATH (safe during writes)."""
    started = time.monotonic()
    source = _sqlite_path()
    if source is not None:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(path)
        with dst:
            src.backup(dst)  # the online backup API: a consistent snapshot
        dst.close()
        src.close()
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise click.ClickException("pg_dump is not installed.")
        url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
        subprocess.run([pg_dump, "--format=custom", "--file", path,  # noqa: S603
                        url.render_as_string(hide_password=False)], check=True)
    click.echo(f"Backup written to {path} in {time.monotonic() - started:.2f}s.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database with a backup made by `crm backup` (stop the app first)."""
    if not yes:
        click.confirm("This replaces every row of the current database. Continue?", abort=True)
    target = _sqlite_path()
    db.engine.dispose()
    if target is not None:
        src = sqlite3.connect(path)
        check = src.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise click.ClickException(f"The backup fails its integrity check: {check}")
        dst = sqlite3.connect(target, timeout=30)
        with dst:
            src.backup(dst)
        dst.close()
        src.close()
    else:
        pg_restore = shutil.which("pg_restore")
        if pg_restore is None:
            raise click.ClickException("pg_restore is not installed.")
        url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
        subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", "--dbname",  # noqa: S603
                        url.render_as_string(hide_password=False), path], check=True)
    click.echo(f"Restored {path}.")


def main() -> None:
    """Entry point of the `crm` console script."""
    cli = FlaskGroup(create_app=create_app, help="Convene: sector partnership CRM.")
    cli.main(prog_name="crm")
