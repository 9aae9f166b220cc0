"""The audit trail for the chair and administrators: newest first, filtered by target and action."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request
from sqlalchemy import select

from portal.audit.labels import action_label
from portal.audit.models import AuditEntry
from portal.audit.receivers import all_signals
from portal.core.auth import staff_required
from portal.core.roles import AUDIT_READERS
from portal.extensions import db
from portal.users.models import User

audit = Blueprint("audit", __name__, url_prefix="/staff/audit")

PER_PAGE = 50
MAX_PAGE = 1_000_000  # beyond, an offset overflows; filter instead


def _facts(data: str) -> list[tuple[str, str]]:
    """An entry's data as (key, value) pairs for display."""
    try:
        parsed = json.loads(data or "{}")
    except ValueError:
        return [("data", data)]
    if not isinstance(parsed, dict):
        return [("data", data)]
    return [
        (key, ", ".join(map(str, value)) if isinstance(value, list) else str(value)) for key, value in parsed.items()
    ]


@audit.route("/")
@staff_required(AUDIT_READERS)
def trail():
    actions = [(signal.name, action_label(signal.name)) for signal in all_signals()]
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    target = request.args.get("target", "").strip()[:64]
    action = request.args.get("action", "")
    if action not in dict(actions):
        action = ""

    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if target:
        query = query.where(AuditEntry.target == target)
    if action:
        query = query.where(AuditEntry.action == action)
    # One row more than a page tells whether an older page exists, without counting millions of rows.
    entries = list(db.session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    has_older, entries = len(entries) > PER_PAGE, entries[:PER_PAGE]

    actor_ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    )
    rows = [
        {
            "entry": entry,
            "actor": names.get(entry.actor_id),
            "label": action_label(entry.action),
            "facts": _facts(entry.data),
        }
        for entry in entries
    ]
    return render_template(
        "audit/trail.html",
        rows=rows,
        actions=actions,
        target=target,
        action=action,
        page=page,
        has_older=has_older,
    )
