"""The secretariat's mail when a pattern alert is raised (``alert_raised``, portal/cases/alerts.py).

Each active secretariat member who may see at least one of the alert's cases gets one mail, in their language: the
group (a site, an organisation, or category · metal · country), how many of its grievances they may see, the
covenant members downstream, and a link to the alert page. No reference, no case content.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from portal.cases import access, alerts
from portal.cases.alert_models import Alert
from portal.cases.models import Case
from portal.core import signals
from portal.core.roles import Role
from portal.extensions import db
from portal.notifications import labels
from portal.notifications.mail import queue_mail
from portal.notifications.receivers import _active_users, _base_url, _known_locale


def alert_words(alert: Alert, visible: int) -> tuple[str, str]:
    group = alerts.group_name(alert)
    subject = ngettext(
        "Pattern alert: %(num)d grievance about %(group)s",
        "Pattern alert: %(num)d grievances about %(group)s",
        visible,
        group=group,
    )
    members = alerts.member_names(alert)
    text = (
        subject
        + "\n\n"
        + (
            _("Covenant members downstream: %(names)s", names=", ".join(members))
            if members
            else _("No covenant member is registered downstream.")
        )
    )
    return subject, text


def on_alert_raised(alert: Alert, **_) -> int:
    cases = [db.session.get(Case, case_id) for case_id in sorted(alert.case_ids)]
    link = f"{_base_url()}/staff/alerts/{alert.id}"
    queued = 0
    for user in _active_users(Role.SECRETARIAT):
        visible = sum(1 for case in cases if case is not None and access.can_view(case, user))
        if not visible:  # tied to what the alert is about: recused from all its cases, told nothing
            continue
        with force_locale(_known_locale(user.locale)):
            subject, text = alert_words(alert, visible)
            body = render_template("mail/staff_notice.txt", text=text, link=link, footer=labels.automatic_footer())
            sender = labels.sender_name()
        queued += queue_mail(db.session, user.email, subject, body, sender_name=sender)
    return queued


def connect() -> None:
    signals.alert_raised.connect(on_alert_raised, weak=False)
