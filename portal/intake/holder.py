"""The receipt holder's short-lived session: which case it opened, and when it began and was last active.

A signed cookie cannot be taken back, so each session carries a random id; leaving records that id server-side
(``EndedHolderSession``) and a copy of the cookie no longer opens the case. Besides FOLLOW_UP_IDLE_MINUTES without
a request, a session ends FOLLOW_UP_SESSION_HOURS after the receipt was entered, however active.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from functools import cache

from flask import current_app, session
from sqlalchemy import bindparam, delete, exists, select

from portal.cases.models import Case
from portal.core.db import utcnow
from portal.core.security import HOLDER_SESSION_KEY, SEEN_STEP, keyed_hash
from portal.extensions import db
from portal.intake.models import EndedHolderSession

_KEY = HOLDER_SESSION_KEY


def _lifetime_seconds() -> int:
    return current_app.config["FOLLOW_UP_SESSION_HOURS"] * 3600


def _session_hash(session_id: str) -> str:
    return keyed_hash(session_id, "holder-session")


def open_case_session(case: Case) -> None:
    session.clear()  # a new identity in this browser: drop anything that came before
    now = int(time.time())
    session[_KEY] = {"case": case.id, "sid": secrets.token_urlsafe(16), "since": now, "seen": now}


def close_case_session() -> None:
    """Leave: end this session for good, also for any copy of the cookie."""
    holder = session.pop(_KEY, None)
    if not holder or "sid" not in holder:
        return
    now = utcnow()
    db.session.execute(delete(EndedHolderSession).where(EndedHolderSession.expires_at < now))
    expires = datetime.fromtimestamp(holder.get("since", 0) + _lifetime_seconds(), UTC)
    if expires > now and db.session.get(EndedHolderSession, _session_hash(holder["sid"])) is None:
        db.session.add(EndedHolderSession(session_hash=_session_hash(holder["sid"]), expires_at=expires))
        db.session.flush()


def _in_time(holder: dict, now: int) -> bool:
    if "sid" not in holder or now - holder.get("since", 0) > _lifetime_seconds():
        return False
    return now - holder.get("seen", 0) <= current_app.config["FOLLOW_UP_IDLE_MINUTES"] * 60


@cache
def _case_unless_left():
    """The case of a receipt session unless that session was left: built once per process, run with parameters (the
    statement is asked for first thing on every follow-up page; building it cost more than running it)."""
    left = exists().where(EndedHolderSession.session_hash == bindparam("session_hash"))
    return select(Case).where(Case.id == bindparam("case_id"), ~left)


def current_case() -> Case | None:
    """The case this browser opened with a receipt, unless the session was left, idle too long or too old."""
    holder = session.get(_KEY)
    if not holder:
        return None
    now = int(time.time())
    case = None
    if _in_time(holder, now):
        # The case and "this session was not left" in one round trip.
        parameters = {"case_id": holder.get("case"), "session_hash": _session_hash(holder["sid"])}
        case = db.session.scalar(_case_unless_left(), parameters)
    if case is None:
        session.pop(_KEY, None)
        return None
    if now - holder.get("seen", 0) >= SEEN_STEP:  # as for staff: a cookie re-signed at most every SEEN_STEP
        session[_KEY] = {**holder, "seen": now}
    return case
