"""What the cases package does when something outside it changes (signals from ``portal/core/signals.py``)."""

from __future__ import annotations

from flask import g, has_request_context

from portal.cases import alerts, duplicates
from portal.cases.casework import sync_recusals_for_tie
from portal.cases.models import Case
from portal.core import signals


def _recuse_for_new_tie(user, actor=None, organisation_id=None, entity_id=None, **_):
    sync_recusals_for_tie(actor, organisation_id, entity_id)


def desk_after_commit(case: Case, **_) -> None:
    """In a request, the desk's work waits until the request's transaction has committed (``run_desk`` in its own
    transaction; its reads then hold no write lock, which SQLite gives to one writer at a time); from a command or
    a test outside any request it runs at once, in the sender's transaction."""
    if has_request_context():
        g.setdefault("portal_desk_cases", set()).add(case.id)
        return
    run_desk(case)


def run_desk(case: Case) -> None:
    duplicates.suggest(case)
    alerts.detect(case)


def connect() -> None:
    """Called once by the composition root; connecting twice is harmless (blinker keeps one)."""
    signals.affiliation_changed.connect(_recuse_for_new_tie)
    # The desk: duplicate suggestions and pattern alerts, computed when a case is filed or its links change (in a
    # request, right after its commit: cases/desk_views.py).
    for signal in (signals.case_submitted, signals.case_linked):
        signal.connect(desk_after_commit)
