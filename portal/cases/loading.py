"""One way for a view to get its case: load by reference, apply the named permission, answer 404 for a case the
user may not see (so its existence is not confirmed) and 403 for one they see but may not act on."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal.cases import access
from portal.cases.models import Case
from portal.extensions import db
from portal.users.models import User

Permission = Callable[[Case, User], bool]
# MC-<year>-<number>; anything else cannot name a case and never reaches the database.
REFERENCE = re.compile(r"MC-\d{4}-\d{5,9}")


def visible_case(reference: str) -> Case:
    """The case, if the signed-in user may see it; otherwise 404."""
    if not REFERENCE.fullmatch(reference or ""):
        abort(404)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None or not access.can_view(case, current_user):
        abort(404)
    return case


def with_case(permission: Permission = access.can_view):
    """Decorate a view taking ``reference`` from the URL: it is called with the loaded ``case`` instead."""

    def decorate(view):
        @wraps(view)
        def wrapped(reference: str, **kwargs):
            case = visible_case(reference)
            if not permission(case, current_user):
                abort(403)
            return view(case, **kwargs)

        return wrapped

    return decorate
