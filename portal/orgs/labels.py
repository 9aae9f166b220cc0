"""The words of the organisation mails, in the recipient's language (called under ``force_locale``)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

REFUSALS = {
    "email_taken": _l("An account with this email address already exists."),
    "last_admin": _l("The organisation needs at least one admin: make someone else admin first."),
    "not_verified": _l("The secretariat has not verified your organisation yet."),
    "self": _l("You cannot remove yourself."),
}


def invitation(organisation: str, inviter: str) -> tuple[str, str]:
    return (
        _("Your invitation to the covenant grievance portal"),
        _(
            "%(inviter)s invited you to join %(organisation)s on the covenant grievance portal. Open the link "
            "below within 7 days to choose your password, then set up your authenticator app.",
            inviter=inviter,
            organisation=organisation,
        ),
    )


def organisation_message(reference: str) -> tuple[str, str]:
    return (
        _("New message from the committee on %(reference)s", reference=reference),
        _(
            "The committee's office wrote to your organisation about case %(reference)s. Sign in to read it.",
            reference=reference,
        ),
    )


def represented_kinds() -> dict[str, str]:
    return {
        "person": _("One person"),
        "several": _("Several people"),
        "households": _("Households or families"),
        "community": _("A community"),
    }


def consent_methods() -> dict[str, str]:
    return {"spoken": _("Spoken"), "thumbprint": _("Thumbprint"), "signed": _("Signed")}
