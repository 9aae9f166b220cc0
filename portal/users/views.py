"""Staff login with a mandatory second factor, the idle timeout, the account page and account administration."""

from __future__ import annotations

import time

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, raiseload

from portal.core.auth import staff_required
from portal.core.i18n import country_name
from portal.core.roles import ADMINS, CASEWORK, COMPANY_LIAISONS
from portal.core.security import PENDING_LOGIN_KEY, keyed_hash
from portal.core.transaction import keep_changes
from portal.extensions import db, limiter
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.users import operations, sessions
from portal.users.forms import (
    AffiliationForm,
    CodeForm,
    EditUserForm,
    EmptyForm,
    EnrolForm,
    LocaleForm,
    LoginForm,
    NewUserForm,
    PasswordForm,
)
from portal.users.labels import CHANGE_REFUSALS, ROLES
from portal.users.models import Affiliation, User

users = Blueprint("users", __name__, url_prefix="/staff")

# Between the password and the second factor: how long the half-finished login waits.
PENDING_SECONDS = 10 * 60


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN_CLIENT"]


def _client() -> str:
    """This client, for the lock-out: a keyed hash of its address, never the address itself."""
    return keyed_hash(request.remote_addr or "unknown", "login-client")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host (``//evil``, ``/\\evil``) or a scheme."""
    if not target:
        return None
    target = target.rstrip("?")
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def _home(user: User) -> str:
    if user.is_in(CASEWORK):
        return url_for("staff.dashboard")
    if user.is_in(COMPANY_LIAISONS):
        return url_for("company.case_list")
    if user.is_in(ADMINS):
        return url_for("users.admin_users")
    if user.is_organisation_member:
        return url_for("org.home")
    return url_for("users.profile")


def _pending_user() -> User | None:
    """The user who gave the right password in this session and has not yet passed the second step."""
    user_id, since = session.get(PENDING_LOGIN_KEY), session.get("pending_since", 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def _restart_login():
    session.pop(PENDING_LOGIN_KEY, None)
    session.pop("pending_since", None)
    flash(_("Please log in again."))
    return redirect(url_for("users.login"))


def _finish_login(user: User):
    """Both factors passed: a fresh session (nothing from before the login survives) that dies with the browser.
    An account with a one-time password chooses its own first."""
    target = session.get("login_next")
    session.clear()
    session.permanent = False
    login_user(user)
    sessions.stamp(session, user)
    operations.record_login(user, _client())
    if user.must_change_password:
        return url_for("users.new_password")
    return target or _home(user)


def _challenge(status: int) -> dict[str, str]:
    # A 401 names how to authenticate: with this page's form.
    return {"WWW-Authenticate": 'Form realm="staff"'} if status == 401 else {}


def _refusal_message(reason: str) -> str:
    if reason == "code":
        return _("This code is not right, or it was already used.")
    # One answer for an unknown address, a wrong password and a locked-out client, so none can be told apart.
    return " ".join(
        [
            _("The email address or password is not right."),
            _("After too many attempts the account is locked for a while: please try again later."),
        ]
    )


@users.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home(current_user))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data, form.password.data, _client())
        except operations.LoginRefused as refused:
            # A refusal answers 401 but keeps the failure it recorded, so that it counts toward the lock-out.
            keep_changes()
            status = 401
            error = _refusal_message(refused.reason)
        else:
            next_path = _safe_next(request.args.get("next"))
            session.clear()
            session.permanent = False
            session[PENDING_LOGIN_KEY] = user.id
            session["pending_since"] = int(time.time())
            if next_path:
                session["login_next"] = next_path
            return redirect(url_for("users.login_code" if user.totp_confirmed_at else "users.enrol"))
    elif request.method == "POST":
        status = 400
    return render_template("users/login.html", form=form, error=error), status, _challenge(status)


@users.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    user = _pending_user()
    if user is None:
        return _restart_login()
    if user.totp_confirmed_at is None:
        return redirect(url_for("users.enrol"))
    form = CodeForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            operations.check_second_factor(
                user, _client(), (form.code.data or "").strip(), (form.recovery_code.data or "").strip()
            )
        except operations.LoginRefused as refused:
            if refused.reason == "locked":
                session.clear()
                flash(_refusal_message("locked"))
                return redirect(url_for("users.login"))
            keep_changes()
            status = 401
            error = _refusal_message(refused.reason)
        else:
            return redirect(_finish_login(user))
    elif request.method == "POST":
        status = 400
    return render_template("users/code.html", form=form, error=error), status, _challenge(status)


@users.route("/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol():
    user = _pending_user()
    if user is None:
        return _restart_login()
    if user.totp_confirmed_at is not None:
        return redirect(url_for("users.login_code"))
    form = EnrolForm()
    error = None
    status = 200
    if form.validate_on_submit():
        codes = operations.confirm_enrolment(user, form.code.data)
        if codes is not None:
            target = _finish_login(user)
            return render_template("users/recovery_codes.html", codes=codes, target=target)
        error = _("This code is not right. Check the time on your phone and try the newest code.")
    elif request.method == "POST":
        status = 400
    secret = operations.enrolment_secret(user)
    qr = segno.make(operations.provisioning_uri(user), error="m").svg_inline(
        scale=4, omitsize=True, light="#fff", title=_("QR code to scan with your authenticator app")
    )
    grouped_secret = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "users/enrol.html", form=form, error=error, qr=Markup(qr), secret=grouped_secret, email=user.email
    ), status


@users.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Ends this account's every session, so that a copy of the cookie taken earlier is worthless too.
        operations.log_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("users.login"))


# --- My account ----------------------------------------------------------------------------------------------------


def _affiliation_form(formdata=None) -> AffiliationForm:
    organisations = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    entities = db.session.execute(
        select(SupplyChainEntity.id, SupplyChainEntity.name, SupplyChainEntity.country).order_by(SupplyChainEntity.name)
    ).all()
    return AffiliationForm(
        [(str(org.id), org.name) for org in organisations],
        [(str(entity.id), f"{entity.name} ({country_name(entity.country)})") for entity in entities],
        formdata=formdata,
    )


@users.route("/account", methods=["GET", "POST"])
@staff_required()
def profile():
    user: User = current_user._get_current_object()
    action = request.form.get("action") if request.method == "POST" else None
    locale_form = LocaleForm(formdata=request.form if action == "locale" else None, data={"locale": user.locale})
    password_form = PasswordForm(formdata=request.form if action == "password" else None)
    affiliation_form = _affiliation_form(request.form if action == "affiliation" else None)
    status = 400 if action else 200

    if action == "locale" and locale_form.validate():
        operations.set_locale(user, locale_form.locale.data)
        refresh_locale()  # the message below already speaks the new language
        flash(_("Your language is saved."))
        return redirect(url_for("users.profile"))
    if action == "password" and password_form.validate():
        if user.check_password(password_form.current_password.data):
            operations.change_password(user, user, password_form.new_password.data)
            sessions.renew(user)  # every other session of the account has ended
            flash(_("Your password is changed."))
            return redirect(url_for("users.profile"))
        password_form.current_password.errors.append(_("This is not your current password."))
    if action == "affiliation" and affiliation_form.validate():
        organisation_id = int(affiliation_form.organisation_id.data) if affiliation_form.organisation_id.data else None
        entity_id = int(affiliation_form.entity_id.data) if affiliation_form.entity_id.data else None
        if any(a.organisation_id == organisation_id and a.entity_id == entity_id for a in user.affiliations):
            affiliation_form.organisation_id.errors.append(_("You have already declared this."))
        else:
            operations.declare_affiliation(
                user, user, organisation_id, entity_id, (affiliation_form.note.data or "").strip()
            )
            flash(_("Your affiliation is declared. Cases that name it will no longer be shown to you."))
            return redirect(url_for("users.profile"))

    affiliations = db.session.scalars(
        select(Affiliation)
        .where(Affiliation.user_id == user.id)
        .options(joinedload(Affiliation.organisation), joinedload(Affiliation.entity))
        .order_by(Affiliation.id)
    ).all()
    return render_template(
        "users/profile.html",
        user=user,
        role_label=ROLES.get(user.role, user.role),
        locale_form=locale_form,
        password_form=password_form,
        affiliation_form=affiliation_form,
        affiliations=affiliations,
    ), status


@users.route("/password", methods=["GET", "POST"])
@staff_required()
def new_password():
    """After a one-time password: choose one's own before any other page opens (users/sessions.py)."""
    user: User = current_user._get_current_object()
    if not user.must_change_password:
        return redirect(_home(user))
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif user.check_password(form.new_password.data):
            form.new_password.errors.append(_("Choose a new password, not the one you were given."))
        else:
            operations.change_password(user, user, form.new_password.data)
            sessions.renew(user)
            flash(_("Your password is changed."))
            return redirect(_home(user))
    if request.method == "POST":
        status = 400
    return render_template("users/new_password.html", form=form), status


# --- Administration ------------------------------------------------------------------------------------------------


def _organisation_choices() -> list[tuple[int, str, str]]:
    """Every registered organisation with its kind: the form checks that a liaison's is a company."""
    query = select(Organisation.id, Organisation.name, Organisation.kind).order_by(Organisation.name)
    return [(row.id, row.name, row.kind) for row in db.session.execute(query)]


def _optional_id(value: str | None) -> int | None:
    return int(value) if value else None


@users.route("/admin/users")
@staff_required(ADMINS)
def admin_users():
    # One query: organisations joined, affiliations not loaded at all.
    accounts = (
        db.session.scalars(
            select(User)
            .options(joinedload(User.organisation), raiseload(User.affiliations))
            .order_by(User.active.desc(), User.name, User.id)
        )
        .unique()
        .all()
    )
    return render_template("users/admin_users.html", accounts=accounts, roles=ROLES)


@users.route("/admin/users/new", methods=["GET", "POST"])
@staff_required(ADMINS)
def admin_user_new():
    form = NewUserForm(_organisation_choices(), data={"locale": "en"})
    status = 200
    if form.validate_on_submit():
        try:
            user, password = operations.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                actor=current_user._get_current_object(),
                organisation_id=_optional_id(form.organisation_id.data),
                nomination=form.nomination.data,
                vice_chair=form.vice_chair.data,
                locale=form.locale.data,
            )
        except operations.UserChangeRefused as refused:
            field = form.organisation_id if refused.reason.startswith("organisation_kind") else form.email
            field.errors.append(CHANGE_REFUSALS[refused.reason])
        else:
            # Shown once, in this response only; nothing stores it but its hash.
            return render_template("users/one_time_password.html", account=user, password=password)
    if request.method == "POST":
        status = 400
    return render_template("users/admin_user_form.html", form=form, account=None), status


@users.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@staff_required(ADMINS)
def admin_user_edit(user_id: int):
    account = db.get_or_404(User, user_id)
    form = EditUserForm(
        _organisation_choices(),
        data={
            "role": account.role,
            "organisation_id": str(account.organisation_id or ""),
            "nomination": account.nomination or "",
            "vice_chair": account.vice_chair,
            "active": account.active,
        },
    )
    status = 200
    if form.validate_on_submit():
        try:
            changes = operations.update_user(
                account,
                current_user._get_current_object(),
                role=form.role.data,
                organisation_id=_optional_id(form.organisation_id.data),
                nomination=form.nomination.data,
                vice_chair=form.vice_chair.data,
                active=form.active.data,
            )
        except operations.UserChangeRefused as refused:
            field = {"self_deactivate": form.active}.get(refused.reason, form.role)
            if refused.reason.startswith("organisation_kind"):
                field = form.organisation_id
            field.errors.append(CHANGE_REFUSALS[refused.reason])
        else:
            flash(_("The account is saved.") if changes else _("Nothing was changed."))
            return redirect(url_for("users.admin_users"))
    if request.method == "POST":
        status = 400
    return render_template("users/admin_user_form.html", form=form, account=account), status


@users.post("/admin/users/<int:user_id>/password")
@staff_required(ADMINS)
def admin_user_password(user_id: int):
    """A new one-time password for someone who lost theirs; shown once, like a new account's."""
    account = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("users.admin_user_edit", user_id=account.id))
    password = operations.reset_password(account, current_user._get_current_object())
    return render_template("users/one_time_password.html", account=account, password=password, reset=True)
