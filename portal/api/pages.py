"""The account page's tokens (HTML, cookie session, CSRF): the list, creating one (shown once) and revoking one.

Not part of the OpenAPI document: a plain Flask blueprint next to ``/staff/account`` (portal/users/views.py). The
account page is in ``users``, which may not import ``api`` (``api`` imports ``users``: tests/test_architecture.py),
so this blueprint gives every template ``account_tokens(user)`` and the account page includes ``api/_tokens.html``.

The token is shown on the answer to the POST that created it, never behind a redirect: a GET that could show it
again (history, a reload, a shared screen later) would defeat "shown once". The page is ``no-store``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.api.forms import TokenForm
from portal.api.tokens import SCOPE_LABELS, ApiToken, Scope, TokenRefused, issue, revoke, scopes_for, tokens_of
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.forms import error_links
from portal.extensions import db
from portal.users.forms import EmptyForm
from portal.users.models import User

api_pages = Blueprint("api_pages", __name__, url_prefix="/staff/account/tokens")

STATES = {"active": _l("Active"), "expired": _l("Expired"), "revoked": _l("Revoked")}


def _scope_labels(token: ApiToken) -> list[str]:
    return [str(SCOPE_LABELS[Scope(value)]) for value in sorted(token.scope_set) if value in Scope._value2member_map_]


def account_tokens(user: User) -> list[dict[str, Any]]:
    """The user's tokens as the account page lists them: never the secret (only its first characters)."""
    now = utcnow()
    return [
        {
            "token": token,
            "scopes": _scope_labels(token),
            "state": token.state(now),
            "state_label": STATES[token.state(now)],
        }
        for token in tokens_of(user)
    ]


@api_pages.app_context_processor
def _account_tokens() -> dict[str, Any]:
    # A function, not a list: only the account page calls it, the other pages query nothing.
    return {"account_tokens": account_tokens}


@api_pages.route("/new", methods=["GET", "POST"])
@staff_required()
def new_token():
    user: User = current_user._get_current_object()
    form = TokenForm(scopes_for(user))
    if form.validate_on_submit():
        try:
            token, secret = issue(user, form.name.data, form.scopes.data, int(form.lifetime.data))
        except TokenRefused as refused:
            form.scopes.errors = [*form.scopes.errors, str(refused)]
        else:
            response = make_response(
                render_template("api/token_created.html", token=token, secret=secret, scopes=_scope_labels(token))
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    status = 400 if form.is_submitted() else 200
    return render_template("api/token_new.html", form=form, problems=error_links(form)), status


@api_pages.post("/<int:token_id>/revoke")
@staff_required()
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    # Another user's token is "not found", as if it did not exist.
    if token is None or token.user_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        revoke(token, current_user._get_current_object())
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name))
    return redirect(url_for("users.profile") + "#tokens-heading")
