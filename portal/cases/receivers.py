"""What the cases package does when something outside it changes (signals from ``portal/core/signals.py``)."""

from __future__ import annotations

from portal.cases import alerts, duplicates
from portal.cases.casework import sync_recusals_for_tie
from portal.core import signals


def _recuse_for_new_tie(user, actor=None, organisation_id=None, entity_id=None, **_):
    sync_recusals_for_tie(actor, organisation_id, entity_id)


def connect() -> None:
    """Called once by the composition root; connecting twice is harmless (blinker keeps one)."""
    signals.affiliation_changed.connect(_recuse_for_new_tie)
    # The desk: duplicate suggestions and pattern alerts, computed when a case is filed or its links change.
    for signal in (signals.case_submitted, signals.case_linked):
        signal.connect(duplicates.on_case_changed)
        signal.connect(alerts.on_case_changed)
