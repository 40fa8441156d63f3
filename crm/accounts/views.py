"""Sign-in, sign-out, first-run setup, the user's own settings and user administration."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from crm import demo
from crm.accounts import administration, services, throttle
from crm.accounts.access import require_admin
from crm.accounts.forms import (
    FirstAccountForm,
    LoginForm,
    NewPasswordForm,
    PasswordForm,
    ResetLinkForm,
    UserEditForm,
    UserForm,
)
from crm.accounts.models import ApiToken, User
from crm.audit.models import AuditEntry, actor
from crm.contacts.models import Person
from crm.extensions import db, limiter
from crm.partnerships.models import Partnership
from crm.security import safe_next

bp = Blueprint("accounts", __name__)


def _login_account_key() -> str:
    """Throttle key per account and address: a flood on one account from one address is
    slowed without locking the real user out from theirs."""
    email = services.normalise_email(request.form.get("email", ""))
    return f"{email}|{request.remote_addr}"


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key, deduct_when=_failed)
# one account from all addresses together, except browsers it knows (crm/accounts/throttle.py)
@limiter.limit(throttle.limit_across_addresses, methods=["POST"], key_func=throttle.account_key,
               deduct_when=_failed, exempt_when=throttle.is_known_device)
@limiter.limit(throttle.limit_per_device_cookie, methods=["POST"], key_func=throttle.device_key,
               deduct_when=_failed, exempt_when=throttle.is_not_known_device)
def login():
    """Sign in with email and password."""
    # Nothing here may use the database session before the password is verified: on a POST
    # its first query takes SQLite's write lock (see services.verify_sign_in).
    if not services.any_user_without_lock():
        return redirect(url_for("accounts.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        verified = services.verify_sign_in(form.email.data, form.password.data)
        user = services.record_sign_in(verified, form.password.data) if verified else None
        if user is not None:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            response = redirect(safe_next(request.args.get("next")) or url_for("main.dashboard"))
            throttle.remember_device(response, user.email)
            return response
        db.session.rollback()
        form.password.errors.append("Email or password is not right.")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out everywhere this session was used (the session token rotates)."""
    current_user.rotate_session()
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """First run: create the first (admin) account, or load the demo partnership."""
    if services.user_count() > 0:
        return redirect(url_for("accounts.login"))
    form = FirstAccountForm()
    if form.validate_on_submit():
        user = services.create_user(form.email.data, form.password.data, "admin", name=form.name.data)
        db.session.commit()
        login_user(user)
        flash("Welcome to Convene. Your administrator account is ready.", "success")
        return redirect(url_for("main.dashboard"))
    return render_template("accounts/setup.html", form=form)


@bp.route("/setup/demo", methods=["POST"])
def setup_demo():
    """First run: load the workbook's demo partnership (section D's sample) and show its accounts."""
    if services.user_count() > 0:
        return redirect(url_for("accounts.login"))
    accounts = demo.load()
    db.session.commit()
    return render_template("accounts/demo_loaded.html", accounts=accounts)


@bp.route("/account", methods=["GET", "POST"])
def account():
    """The signed-in user's settings: password and API tokens."""
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as error:
            form.current.errors.append(str(error))
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session, new token
            flash("Password changed. Your other sessions were signed out and your API tokens revoked.",
                  "success")
            return redirect(url_for("accounts.account"))
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("accounts/account.html", form=form, tokens=tokens,
                           new_token=None)


@bp.route("/account/tokens", methods=["POST"])
def create_token():
    """Create a personal API token; it is shown once."""
    name = (request.form.get("name") or "").strip()[:120] or "API token"
    token = services.create_api_token(current_user, name)
    db.session.commit()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("accounts/account.html", form=PasswordForm(prefix="pw"),
                           tokens=tokens, new_token=token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int):
    """Revoke one of the user's API tokens."""
    if not services.revoke_api_token(current_user, token_id):
        abort(404)
    db.session.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("accounts.account"))


def _user_form(form):
    form.partnerships.choices = [
        (p.id, p.name) for p in db.session.scalars(select(Partnership).order_by(Partnership.name))
    ]
    people = db.session.execute(
        select(Person.id, Person.name).where(Person.archived_at.is_(None)).order_by(Person.name)
    ).all()
    form.person_id.choices = [(0, "(none)")] + [(pid, name) for pid, name in people]
    return form


@bp.route("/admin/users", methods=["GET", "POST"])
def users():
    """Administrators: list users and create new ones."""
    require_admin()
    form = _user_form(UserForm())
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data, form.role.data,
                                 name=form.name.data, partnership_ids=form.partnerships.data,
                                 person_id=form.person_id.data or None)
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Account {form.email.data} created.", "success")
            return redirect(url_for("accounts.users"))
    rows = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("accounts/users.html", form=form, users=rows)


def _user_or_404(user_id: int) -> User:
    require_admin()
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_page(user: User, form: UserEditForm | None = None, reset_link=None, status: int = 200):
    if form is None:
        form = _user_form(UserEditForm(obj=user))
        form.partnerships.data = sorted(user.partnership_ids)
        form.person_id.data = user.person_id or 0
    history = [e for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == user.id)
        .order_by(AuditEntry.id.desc()).limit(100))
        if set(e.after or {}) != {"last_login_at"}][:20]  # sign-ins: "last sign-in" says it
    actors = {u.id: u.email for u in db.session.scalars(
        select(User).where(User.id.in_({e.user_id for e in history if e.user_id} or {-1})))}
    return render_template("accounts/user.html", user=user, form=form, reset_form=ResetLinkForm(),
                           reset_link=reset_link, history=history, actors=actors), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Administrators: one account: role, partnerships, linked person, status, reset link."""
    user = _user_or_404(user_id)
    if request.method == "GET":
        return _user_page(user)
    form = _user_form(UserEditForm())
    if form.validate_on_submit():
        try:
            administration.update_user(user, role=form.role.data, partnership_ids=form.partnerships.data,
                                       name=form.name.data, person_id=form.person_id.data or None)
        except services.AccountError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Saved {user.email}.", "success")
            if not current_user.is_admin:  # they demoted themselves: this page is not theirs now
                return redirect(url_for("main.dashboard"))
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return _user_page(db.session.get(User, user_id), form)


def _admin_action(user_id: int, action, done: str):
    user = _user_or_404(user_id)
    try:
        action(user)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done.format(email=user.email), "success")
    return redirect(url_for("accounts.edit_user", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
def disable_user(user_id: int):
    """Administrators: disable an account; its sessions and API tokens end at once."""
    return _admin_action(user_id, administration.disable_user,
                         "{email} is disabled: signed out everywhere, API tokens revoked.")


@bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
def enable_user(user_id: int):
    """Administrators: re-enable a disabled account."""
    return _admin_action(user_id, administration.enable_user,
                         "{email} is enabled again: they sign in with their password (old API "
                         "tokens stay revoked).")


def _reset_url(token: str) -> str:
    return url_for("accounts.reset_password", reset_token=token, _external=True)


@bp.route("/admin/users/<int:user_id>/reset-link", methods=["POST"])
def start_reset(user_id: int):
    """Administrators: start a one-time password reset link, shown once (and emailed if asked)."""
    user = _user_or_404(user_id)
    form = ResetLinkForm()
    if not form.validate_on_submit():
        flash("The form expired: try again.", "error")
        return redirect(url_for("accounts.edit_user", user_id=user_id))
    try:
        link = administration.start_password_reset(user, started_by=current_user, link_for=_reset_url,
                                                   send=form.send.data)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("accounts.edit_user", user_id=user_id))
    db.session.commit()
    # shown on this answer only, never put in the (signed, not encrypted) session cookie
    return _user_page(db.session.get(User, user_id),
                      reset_link={"url": _reset_url(link.token), "expires_at": link.expires_at,
                                  "emailed": link.emailed})


@bp.route("/reset/<reset_token>", methods=["GET", "POST"])
def reset_password(reset_token: str):
    """Anyone holding a reset link: choose a new password (the link works once)."""
    token = reset_token
    reset = administration.reset_for_token(token)
    if reset is None:
        return render_template("accounts/reset.html", form=None), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        email = reset.user.email
        # the audit log names the user who set it; the request's teardown restores the actor
        token_before = actor.set((reset.user_id, "reset link"))
        g.setdefault("actor_token", token_before)
        try:
            administration.complete_password_reset(token, form.password.data)
        except services.AccountError:  # used or replaced since this request read it
            db.session.rollback()
            return render_template("accounts/reset.html", form=None), 410
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(f"Your password is set. Sign in as {email} with it.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, email=reset.user.email)
