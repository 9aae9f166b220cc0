"""The receipt holder's short-lived session: which case it opened, and when it was last active."""

from __future__ import annotations

import time

from flask import current_app, session

from portal.cases.models import Case
from portal.extensions import db

_KEY = "receipt_holder"


def open_case_session(case: Case) -> None:
    session.clear()  # a new identity in this browser: drop anything that came before
    session[_KEY] = {"case": case.id, "seen": int(time.time())}


def close_case_session() -> None:
    session.pop(_KEY, None)


def current_case() -> Case | None:
    """The case this browser opened with a receipt, unless the session has been idle too long."""
    holder = session.get(_KEY)
    if not holder:
        return None
    idle_seconds = current_app.config["FOLLOW_UP_IDLE_MINUTES"] * 60
    now = int(time.time())
    if now - holder.get("seen", 0) > idle_seconds:
        close_case_session()
        return None
    session[_KEY] = {"case": holder["case"], "seen": now}
    return db.session.get(Case, holder["case"])
