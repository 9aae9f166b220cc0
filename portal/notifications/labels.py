"""The words of every email, marked for translation.

They live here rather than in ``portal/templates/mail/*.txt`` because the string extraction (babel.cfg) reads
Python and HTML templates only; the mail templates arrange these strings and the link.

Each function is called under ``force_locale`` with the recipient's language and returns (subject, text).
Complainant mails carry no case content at all: only that there is news and where to read it.
Staff mails carry the reference and one line of what happened, never the complainant's identity or words.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from portal.cases.labels import CLOCKS
from portal.cases.workflow import Clock
from portal.core.i18n import moment  # the month in words, as on the pages


def sender_name() -> str:
    """The name the mails come from, in the recipient's language (the address is the configured one)."""
    return _("Covenant grievance portal")


def complainant_update() -> tuple[str, str]:
    # The subject stays neutral: someone else may see the inbox of the person who filed.
    return (
        _("An update is waiting for you"),
        _("There is an update on your grievance. Open the portal and enter your receipt to read it."),
    )


def urgent_case_submitted(reference: str) -> tuple[str, str]:
    return (
        _("Urgent grievance %(reference)s", reference=reference),
        _("An urgent grievance, %(reference)s, was filed and needs triage.", reference=reference),
    )


def complainant_replied(reference: str) -> tuple[str, str]:
    return (
        _("New message in grievance %(reference)s", reference=reference),
        _("The complainant wrote in grievance %(reference)s.", reference=reference),
    )


def company_responded(reference: str) -> tuple[str, str]:
    return (
        _("Company response in grievance %(reference)s", reference=reference),
        _("The company responded in grievance %(reference)s.", reference=reference),
    )


def message_for_company(reference: str) -> tuple[str, str]:
    return (
        _("Message from the secretariat about grievance %(reference)s", reference=reference),
        _(
            "The secretariat wrote to your company about grievance %(reference)s; log in to read it.",
            reference=reference,
        ),
    )


def case_admitted_for_company() -> tuple[str, str]:
    return (
        _("A grievance concerning your company was admitted"),
        _("A grievance concerning your company has been admitted; log in to read the summary."),
    )


def deadline_reminder(reference: str, clock: Clock, due_at: datetime) -> tuple[str, str]:
    return (
        _("Deadline soon in grievance %(reference)s", reference=reference),
        _(
            "%(deadline)s in grievance %(reference)s is due on %(date)s (UTC).",
            deadline=str(CLOCKS[clock]),
            reference=reference,
            date=moment(due_at, "medium"),
        ),
    )


def deadline_escalation(reference: str, clock: Clock, due_at: datetime) -> tuple[str, str]:
    return (
        _("Deadline missed in grievance %(reference)s", reference=reference),
        _(
            "%(deadline)s in grievance %(reference)s was due on %(date)s (UTC) and is overdue.",
            deadline=str(CLOCKS[clock]),
            reference=reference,
            date=moment(due_at, "medium"),
        ),
    )


def automatic_footer() -> str:
    return _("This message was sent automatically by the covenant grievance portal. Please do not reply to it.")
