"""Staff sessions are signed cookies; this makes them revocable and mortal (docs/architecture.md §4).

Each session carries the account's ``session_generation`` from the moment it began; logging out, a password
change or reset, a new second factor or recovery codes, deactivation and reactivation raise the generation
(``operations.end_sessions``), so every cookie issued before — including a stolen copy — stops working. A session
also ends STAFF_IDLE_MINUTES after its last request and STAFF_SESSION_HOURS after the login, however active.

Registered for every blueprint by the composition root (``portal/app.py``), so no signed-in page can skip it.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user
from sqlalchemy.orm import joinedload

from portal.core.security import SEEN_STEP, STAFF_SESSION_KEY
from portal.extensions import db, login_manager
from portal.users.models import User

# Blueprints whose pages need a signed-in account: there a logged-out visitor is sent to the login page.
SIGNED_IN_BLUEPRINTS = {"users", "staff", "company", "audit", "org", "org_staff"}
# Pages an account that must choose a new password may still open.
_WHILE_CHANGING_PASSWORD = {"users.new_password", "users.logout"}

GENERATION_KEY = "staff_generation"
LOGIN_AT_KEY = "staff_login_at"
SEEN_KEY = "staff_seen"


def stamp(store: MutableMapping, user: User, now: int | None = None) -> None:
    """Mark a session as opened now by ``user`` (after both factors; tests use it to sign a client in)."""
    now = int(time.time()) if now is None else now
    store[STAFF_SESSION_KEY] = str(user.id)
    store[GENERATION_KEY] = user.session_generation
    store[LOGIN_AT_KEY] = now
    store[SEEN_KEY] = now


def renew(user: User) -> None:
    """This session changed the account (e.g. its password) and ended every other one; it carries on itself."""
    session[GENERATION_KEY] = user.session_generation


def end_reason(user: User | None, store: MutableMapping, now: int) -> str | None:
    """Why this session may no longer act for ``user``: "deactivated", "ended", "idle", or None."""
    config = current_app.config
    if user is not None and not user.active:
        return "deactivated"
    if user is None or store.get(GENERATION_KEY) != user.session_generation:
        return "ended"
    if now - store.get(LOGIN_AT_KEY, 0) > config["STAFF_SESSION_HOURS"] * 3600:
        return "ended"
    if now - store.get(SEEN_KEY, 0) > config["STAFF_IDLE_MINUTES"] * 60:
        return "idle"
    return None


def _session_user() -> User | None:
    # Kept on g: the check and the user loader look at the same object, with one query (the identity map alone
    # holds objects only weakly).
    if "portal_session_user" not in g:
        try:
            # One statement with the affiliations (every staff list reads them for recusal), not two.
            g.portal_session_user = db.session.get(
                User, int(session[STAFF_SESSION_KEY]), options=[joinedload(User.affiliations)]
            )
        except (KeyError, TypeError, ValueError):
            g.portal_session_user = None
    return g.portal_session_user


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: a session that has ended loads nobody, whatever else reads ``current_user``."""
    user = _session_user()
    if user is None or str(user.id) != user_id or end_reason(user, session, int(time.time())):
        return None
    return user


def _message(reason: str) -> str:
    if reason == "idle":
        return _("You were logged out after a period of inactivity. Please log in again.")
    if reason == "deactivated":
        return _("Your account has been deactivated. Contact the portal administrator if this is a mistake.")
    return _("Your session has ended. Please log in again.")


def check_session():
    """Before every request: end a session that has ended; send an account with a one-time password to choose
    its own before anything else."""
    if request.endpoint == "static" or STAFF_SESSION_KEY not in session:
        return None
    now = int(time.time())
    user = _session_user()
    reason = end_reason(user, session, now)
    if reason is None:
        if now - session.get(SEEN_KEY, 0) >= SEEN_STEP:
            session[SEEN_KEY] = now
        must_change = user.must_change_password and request.blueprint in SIGNED_IN_BLUEPRINTS
        if must_change and request.endpoint not in _WHILE_CHANGING_PASSWORD:
            return redirect(url_for("users.new_password"))
        return None
    logout_user()
    session.clear()
    if request.blueprint in SIGNED_IN_BLUEPRINTS:
        flash(_message(reason))
        resume = request.method == "GET" and request.endpoint not in ("users.login", "users.logout")
        return redirect(url_for("users.login", next=request.full_path if resume else None))
    return None


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    app.before_request(check_session)
