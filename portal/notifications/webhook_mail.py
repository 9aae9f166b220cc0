"""The organisation's admins hear, by mail in their language, that failures disabled one of its webhooks.

The sender of ``webhook_changed`` is the subscription (``portal/api/webhooks.py``, a package above this one): only
its ``organisation_id`` and ``id`` are read. The mail names no URL (an admin may have put a token in it).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.core import signals
from portal.core.i18n import DEFAULT_LOCALE, LOCALES
from portal.core.roles import Role
from portal.extensions import db
from portal.notifications import labels
from portal.notifications.mail import queue_mail
from portal.users.models import User


def connect() -> None:
    signals.webhook_changed.connect(on_webhook_changed, weak=False)


def words() -> tuple[str, str]:
    return (
        _("A webhook of your organisation was turned off"),
        _(
            "The portal could not deliver events to one of your organisation's webhooks five times in a row, so it "
            "turned the webhook off. Check your receiver, then turn the webhook on again on the webhooks page."
        ),
    )


def on_webhook_changed(subscription: Any, change: str = "", **kwargs) -> int:
    if change != "auto_disabled":
        return 0
    admins = db.session.scalars(
        select(User).where(
            User.organisation_id == subscription.organisation_id,
            User.role == Role.ORGANISATION,
            User.organisation_admin.is_(True),
            User.active.is_(True),
        )
    )
    link = current_app.config["PORTAL_BASE_URL"].rstrip("/") + "/org/webhooks"
    sent = 0
    for admin in admins:
        with force_locale(admin.locale if admin.locale in LOCALES else DEFAULT_LOCALE):
            subject, text = words()
            body = render_template("mail/staff_notice.txt", text=text, link=link, footer=labels.automatic_footer())
            sender = labels.sender_name()
        sent += queue_mail(db.session, admin.email, subject, body, sender_name=sender)
    return sent
