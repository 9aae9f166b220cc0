"""Access to signed-in pages: logged in with both factors, active, in one of the allowed roles."""

from __future__ import annotations

from collections.abc import Collection
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.core.roles import Role


def staff_required(roles: Collection[Role] | None = None):
    """Decorate a view: anonymous visitors go to the login page; accounts outside ``roles`` (a group of
    ``portal.core.roles``; None: any account) get 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("users.login", next=request.full_path))
            if roles is not None and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
