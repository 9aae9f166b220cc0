"""The organisation pages at /org/ (members, invitations, filing on behalf of people) and the secretariat's two
controls: verifying an organisation and writing to the organisation that filed a case (docs/architecture.md §4).

Members see only their own organisation: another organisation's member answers 404, like an unknown one.
"""

from __future__ import annotations

import time

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user

from portal.cases import access
from portal.cases.loading import with_case
from portal.cases.models import Case
from portal.cases.views import render_case
from portal.core.auth import staff_required
from portal.core.roles import CASE_STAFF, Role
from portal.core.security import PENDING_LOGIN_KEY
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.orgs import filing, labels, operations
from portal.orgs.forms import EmptyForm, InvitationForm, InviteForm, OrganisationMessageForm, RegisterNameForm
from portal.orgs.members import member_of, members_of
from portal.users.models import User

org = Blueprint("org", __name__, url_prefix="/org")
org_staff = Blueprint("org_staff", __name__, url_prefix="/staff")

MEMBERS = frozenset({Role.ORGANISATION})
SECRETARIAT = frozenset({Role.SECRETARIAT})


def _member() -> User:
    """The signed-in member of a union, NGO or community organisation (else 403)."""
    user: User = current_user._get_current_object()
    if not user.is_organisation_member:
        abort(403)
    return user


def _admin() -> User:
    user = _member()
    if not user.can_manage_members:
        abort(403)
    return user


@org.get("/")
@staff_required(MEMBERS)
def home():
    user = _member()
    organisation = user.organisation
    verifier = db.session.get(User, organisation.verified_by_id) if organisation.verified_by_id else None
    return render_template(
        "organisations/home.html",
        organisation=organisation,
        verifier=verifier,
        members=members_of(organisation.id),
        user=user,
        form=EmptyForm(),
        register_form=RegisterNameForm(data={"named": "yes" if organisation.named_in_register else "no"}),
    )


@org.post("/register-name")
@staff_required(MEMBERS)
def register_name():
    """The admin's choice: may the public register name the organisation on the cases it filed?"""
    user = _admin()
    form = RegisterNameForm()
    if not form.validate_on_submit():
        flash(_("Please choose yes or no."))
        return redirect(url_for("org.home") + "#register-name")
    operations.set_named_in_register(user.organisation, user, form.named.data == "yes")
    db.session.commit()
    flash(_("Your choice is saved."))
    return redirect(url_for("org.home") + "#register-name")


@org.route("/members/invite", methods=["GET", "POST"])
@staff_required(MEMBERS)
def invite():
    user = _admin()
    form = InviteForm(data={"locale": user.locale} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            invited = operations.invite_member(
                user.organisation,
                user,
                email=form.email.data,
                name=form.name.data,
                locale=form.locale.data,
                admin=form.admin.data,
            )
        except operations.OrganisationRefused as refused:
            form.email.errors.append(str(labels.REFUSALS[refused.reason]))
        else:
            flash(_("%(name)s is invited. The invitation was sent by email.", name=invited.name))
            return redirect(url_for("org.home"))
    if request.method == "POST":
        status = 400
    return render_template("organisations/invite.html", form=form), status


@org.post("/members/<int:user_id>/remove")
@staff_required(MEMBERS)
def remove(user_id: int):
    user = _admin()
    member = member_of(user.organisation_id, user_id)
    if member is None or not member.active:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            operations.remove_member(user.organisation, user, member)
        except operations.OrganisationRefused as refused:
            flash(str(labels.REFUSALS[refused.reason]))
        else:
            flash(_("%(name)s no longer belongs to the organisation.", name=member.name))
    return redirect(url_for("org.home"))


@org.post("/file")
@staff_required(MEMBERS)
def file_on_behalf():
    user = _member()
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("org.home"))
    if not user.can_file_on_behalf:
        flash(str(labels.REFUSALS["not_verified"]))
        return redirect(url_for("org.home"))
    filing.start_filing(user)
    return redirect(url_for("intake.report_behalf", locale=user.locale), 303)


@org.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The one-time link: choose a password, then enrol the authenticator on the staff login's own page."""
    invited = operations.invited_user(token)
    if invited is None:
        return render_template("organisations/invitation.html", form=None), 404
    g.locale = invited.locale  # the invitee's language, before any account is signed in
    refresh_locale()
    form = InvitationForm()
    status = 200
    if form.validate_on_submit():
        operations.accept_invitation(invited, form.new_password.data)
        session.clear()
        session.permanent = False
        session[PENDING_LOGIN_KEY] = invited.id
        session["pending_since"] = int(time.time())
        session["login_next"] = url_for("org.home")
        return redirect(url_for("users.enrol"), 303)
    if request.method == "POST":
        status = 400
    return render_template("organisations/invitation.html", form=form, invited=invited), status


# --- the secretariat's side ------------------------------------------------------------------------------------


@org_staff.post("/organisations/<int:organisation_id>/verification")
@staff_required(SECRETARIAT)
def verify(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    if organisation.kind not in filing.FILER_TYPE_OF_KIND:
        abort(404)
    if EmptyForm().validate_on_submit():
        verified = request.form.get("value") == "1"
        operations.set_verified(organisation, current_user._get_current_object(), verified)
        flash(_("The organisation is verified.") if verified else _("The organisation is no longer verified."))
    return redirect(url_for("registry.organisation", organisation_id=organisation.id))


@org_staff.app_template_global()
def organisation_message_panel(case: Case) -> dict | None:
    """The staff case page's section for writing to the filing organisation (``organisations/_staff_message.html``)."""
    if case.filed_by_organisation_id is None:
        return None
    return {
        "organisation": db.session.get(Organisation, case.filed_by_organisation_id),
        "can_write": access.can_manage(case, current_user),
        "form": g.get("organisation_message_form") or OrganisationMessageForm(prefix="organisation"),
        "represented_kinds": labels.represented_kinds(),
        "methods": labels.consent_methods(),
    }


@org_staff.post("/cases/<reference>/organisation-message")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def message(case: Case):
    if case.filed_by_organisation_id is None:
        abort(404)
    form = OrganisationMessageForm(prefix="organisation")
    if not form.validate_on_submit():
        g.organisation_message_form = form
        return render_case(case, 400)
    operations.message_organisation(
        case, current_user._get_current_object(), form.text.data.strip(), form.audience.data == "people"
    )
    flash(_("Your message was sent to the organisation."))
    return redirect(url_for("staff.case_page", reference=case.reference) + "#organisation-message", 303)
