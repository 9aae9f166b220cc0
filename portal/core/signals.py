"""Signals sent by operations after they change something; audit and notifications listen to them.

Every signal is sent with the case as sender, after the change has been flushed but before the commit.
"""

from blinker import Namespace

_signals = Namespace()

case_submitted = _signals.signal(
    "case-submitted",
    doc="A grievance was filed. kwargs: ``entry`` (the first timeline entry).",
)
complainant_replied = _signals.signal(
    "complainant-replied",
    doc="The receipt holder wrote a message. kwargs: ``entry``.",
)
case_state_changed = _signals.signal(
    "case-state-changed",
    doc="A case moved from one state to another. kwargs: ``action``, ``old_state``, ``entry``, ``actor``.",
)
