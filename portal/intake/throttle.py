"""How much one receipt holder may send: replies per case and per client, stored evidence per case.

The reply limits use the same storage as every other rate limit (Flask-Limiter's, Redis in production), so they
hold across workers. They are checked inside the view, not by a decorator, so a refused reply comes back with the
text the person typed instead of a bare error page.
"""

from __future__ import annotations

from flask import current_app
from limits import parse_many
from sqlalchemy import func, select

from portal.cases.models import Attachment, Case, CaseEntry
from portal.core.security import keyed_hash, limiter_client_key
from portal.extensions import db, limiter
from portal.media.uploads import PreparedFile


def reply_allowed(case: Case) -> bool:
    """Count one reply against the case's and the client's limits; False if either is used up."""
    if not limiter.enabled:
        return True
    buckets = [
        (limit, "reply-case", keyed_hash(str(case.id), "reply-case")[:32])
        for limit in parse_many(current_app.config["RATELIMIT_REPLY_CASE"])
    ] + [
        (limit, "reply-client", limiter_client_key())
        for limit in parse_many(current_app.config["RATELIMIT_REPLY_CLIENT"])
    ]
    strategy = limiter.limiter
    if not all(strategy.test(limit, scope, key) for limit, scope, key in buckets):
        return False
    return all([strategy.hit(limit, scope, key) for limit, scope, key in buckets])


def stored_bytes(case: Case) -> int:
    stmt = select(func.coalesce(func.sum(Attachment.size), 0)).join(CaseEntry).where(CaseEntry.case_id == case.id)
    return db.session.scalar(stmt)


def storage_left_for(case: Case, files: list[PreparedFile]) -> bool:
    cap = current_app.config["CASE_STORAGE_CAP_MB"] * 1024 * 1024
    return stored_bytes(case) + sum(len(prepared.data) for prepared in files) <= cap
