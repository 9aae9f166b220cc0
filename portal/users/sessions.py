"""Staff sessions end after a while without a request, and at once when the account is deactivated.

Registered for every blueprint by the composition root (``portal/app.py``), so no signed-in page can skip it.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

# Blueprints whose pages need a signed-in account: there a logged-out visitor is sent to the login page.
SIGNED_IN_BLUEPRINTS = {"users", "staff", "company", "audit"}


def end_idle_session():
    """Log a staff member out after STAFF_IDLE_MINUTES without a request, or at once when deactivated."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = now - session.get("staff_seen", now)
    active = current_user.active
    if active and idle <= current_app.config["STAFF_IDLE_MINUTES"] * 60:
        session["staff_seen"] = now
        return None
    logout_user()
    session.clear()
    if request.blueprint in SIGNED_IN_BLUEPRINTS:
        if active:
            flash(_("You were logged out after a period of inactivity. Please log in again."))
        else:
            flash(_("Your account has been deactivated. Contact the portal administrator if this is a mistake."))
        resume = request.method == "GET" and request.endpoint not in ("users.login", "users.logout")
        return redirect(url_for("users.login", next=request.full_path if resume else None))
    return None


def init_app(app: Flask) -> None:
    app.before_request(end_idle_session)
