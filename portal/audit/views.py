"""The audit trail for the chair and administrators: newest first, filtered by target and action.

Who reads what (docs/architecture.md §4; SECURITY.md):

- **The chair** reads every account entry and the entries of every case they may see — the same rule as the case
  pages, ``access.visible_cases`` as SQL inside the trail's one query. Entries of a case they are recused from are
  left out, with or without a filter; asking for such a case's target answers as for a case that does not exist.
- **An administrator** manages accounts and reads no case content. They read every account entry in full and, of
  case entries, who did what kind of thing and when (to spot a misused account: a burst of downloads, identity
  views at night) — never which case: no reference, no case id, no facts (states, respondent, urgency). Asking
  for a case target answers as for a case that does not exist.

Both rules are WHERE clauses and a per-row redaction of what the page already loaded: no query per entry.
"""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import String, cast, false, literal, not_, or_, select, true

from portal.audit.labels import action_label
from portal.audit.models import AuditEntry
from portal.audit.receivers import all_signals
from portal.cases.access import visible_cases
from portal.cases.models import Case
from portal.core.auth import staff_required
from portal.core.roles import AUDIT_READERS, CASEWORK
from portal.core.routing import page_number
from portal.extensions import db
from portal.users.models import User

audit = Blueprint("audit", __name__, url_prefix="/staff/audit")

PER_PAGE = 50
CASE_PREFIX = "case:"


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


def reads_cases(user: User) -> bool:
    """Does ``user`` read case entries in full (for the cases they may see)? The chair yes, an admin no."""
    return user.is_in(CASEWORK)


def readable_entries(user: User):
    """A WHERE clause: the entries ``user`` may find in the trail (account entries, and case entries of visible
    cases for the chair; every entry for an admin, whose page hides which case)."""
    if not reads_cases(user):
        return true()
    visible_targets = select(literal(CASE_PREFIX) + cast(Case.id, String)).where(visible_cases(user))
    return or_(not_(AuditEntry.target.startswith(CASE_PREFIX)), AuditEntry.target.in_(visible_targets))


def _target_filter(user: User, target: str):
    if target.startswith(CASE_PREFIX) and not reads_cases(user):
        return false()  # an admin cannot pick out one case: as for a case that does not exist
    return AuditEntry.target == target


def _row(entry: AuditEntry, names: dict[int, str], full: bool) -> dict:
    hidden = not full and entry.target.startswith(CASE_PREFIX)
    return {
        "entry": entry,
        "actor": names.get(entry.actor_id),
        "label": action_label(entry.action),
        "target": None if hidden else entry.target,
        "facts": [] if hidden else _facts(entry.data),
    }


@audit.route("/")
@staff_required(AUDIT_READERS)
def trail():
    actions = [(signal.name, action_label(signal.name)) for signal in all_signals()]
    page = page_number()
    target = request.args.get("target", "").strip()[:64]
    action = request.args.get("action", "")
    if action not in dict(actions):
        action = ""

    query = select(AuditEntry).where(readable_entries(current_user)).order_by(AuditEntry.id.desc())
    if target:
        query = query.where(_target_filter(current_user, target))
    if action:
        query = query.where(AuditEntry.action == action)
    # One row more than a page tells whether an older page exists, without counting millions of rows.
    entries = list(db.session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    has_older, entries = len(entries) > PER_PAGE, entries[:PER_PAGE]

    actor_ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    )
    full = reads_cases(current_user)
    return render_template(
        "audit/trail.html",
        rows=[_row(entry, names, full) for entry in entries],
        actions=actions,
        target=target,
        action=action,
        page=page,
        has_older=has_older,
    )
