"""The filing organisation's members hear, by mail in their language, when the committee writes to it."""

from __future__ import annotations

from portal.cases.models import Case
from portal.core import signals
from portal.orgs import operations


def connect() -> None:
    signals.message_to_organisation.connect(on_message, weak=False)
    signals.message_to_complainant.connect(on_message, weak=False)


def on_message(case: Case, **kwargs) -> None:
    operations.notify_members(case)
