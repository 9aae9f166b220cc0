"""Signal receivers that queue emails; they leave after the commit (``portal/notifications/mail.py``).

Who hears what:

- the complainant, only if they gave an email address: "there is an update, use your receipt", never any case
  content, in their own language, at most once per transaction (a decision and its state change are one update);
- the secretariat, when an urgent grievance arrives;
- the assigned officer (else the secretariat) when the complainant or the company writes, at most once per case
  and ``STAFF_NOTICE_INTERVAL_MINUTES`` (``StaffNoticeSent``): a flood of replies sends one mail, not one each;
- the respondent company's liaisons when their case is admitted.

Nobody is ever sent a case link they may not open (recusal included): every staff recipient passes ``can_view``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.cases import access
from portal.cases.models import Case
from portal.cases.workflow import Action, Transition
from portal.core import signals
from portal.core.db import utcnow
from portal.core.i18n import DEFAULT_LOCALE, LOCALES
from portal.core.roles import Role
from portal.extensions import db
from portal.notifications import labels
from portal.notifications.mail import queue_mail
from portal.notifications.models import StaffNoticeSent
from portal.users.models import User


def connect() -> None:
    """Subscribe the notification emails to the signals. Connecting twice changes nothing (same functions)."""
    signals.case_submitted.connect(on_case_submitted, weak=False)
    signals.complainant_replied.connect(on_complainant_replied, weak=False)
    signals.company_responded.connect(on_company_responded, weak=False)
    signals.case_state_changed.connect(on_case_state_changed, weak=False)
    signals.message_to_complainant.connect(on_message_to_complainant, weak=False)
    signals.message_to_company.connect(on_message_to_company, weak=False)
    from portal.notifications import alert_mail  # the desk's pattern alerts (imports this module)

    alert_mail.connect()
    from portal.notifications import webhook_mail

    webhook_mail.connect()
    # decision_recorded is not subscribed: every decision comes with a state change, which tells the complainant.


# --- receivers -------------------------------------------------------------------------------------------------


def on_case_submitted(case: Case, **kwargs) -> None:
    if case.urgent:
        notify_staff(case, secretariat(case), lambda: labels.urgent_case_submitted(case.reference))


def on_complainant_replied(case: Case, **kwargs) -> None:
    notify_staff(
        case, officer_or_secretariat(case), lambda: labels.complainant_replied(case.reference), once_per_interval=True
    )


def on_company_responded(case: Case, **kwargs) -> None:
    notify_staff(
        case, officer_or_secretariat(case), lambda: labels.company_responded(case.reference), once_per_interval=True
    )


def on_case_state_changed(case: Case, action: Action, transition: Transition, actor=None, **kwargs) -> None:
    # Without an actor the receipt holder acted themselves (withdrew, answered): no need to tell them; nor when the
    # organisation that filed the case acted for them (portal/orgs/cases.py).
    if transition.tells_complainant and actor is not None and actor.role != Role.ORGANISATION:
        notify_complainant(case)
    if action == Action.ADMIT:
        notify_staff(case, company_liaisons(case), labels.case_admitted_for_company, link=company_link())


def on_message_to_complainant(case: Case, **kwargs) -> None:
    notify_complainant(case)


def on_message_to_company(case: Case, **kwargs) -> None:
    notify_staff(case, company_liaisons(case), lambda: labels.message_for_company(case.reference), link=company_link())


# --- recipients ------------------------------------------------------------------------------------------------


def _active_users(role: Role, *criteria) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role, User.active, *criteria).order_by(User.id)))


def secretariat(case: Case) -> list[User]:
    return [user for user in _active_users(Role.SECRETARIAT) if access.can_view(case, user)]


def officer_or_secretariat(case: Case) -> list[User]:
    """The case officer if one is assigned and may see the case; otherwise the whole secretariat."""
    officer = db.session.get(User, case.assigned_officer_id) if case.assigned_officer_id else None
    if officer is not None and access.can_view(case, officer):
        return [officer]
    return secretariat(case)


def company_liaisons(case: Case) -> list[User]:
    if case.respondent_organisation_id is None:
        return []
    liaisons = _active_users(Role.COMPANY, User.organisation_id == case.respondent_organisation_id)
    return [user for user in liaisons if access.can_view(case, user)]


def chairs(case: Case) -> list[User]:
    return [user for user in _active_users(Role.CHAIR) if access.can_view(case, user)]


# --- rendering and queuing -------------------------------------------------------------------------------------


def _base_url() -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/")


def case_link(case: Case) -> str:
    return f"{_base_url()}/staff/cases/{case.reference}"


def company_link() -> str:
    return f"{_base_url()}/company/"


def follow_up_link(locale: str) -> str:
    return f"{_base_url()}/{locale}/follow-up"


def _known_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def complainant_locale(case: Case) -> str:
    return _known_locale((case.identity or {}).get("language") or case.submission_locale)


def notify_complainant(case: Case) -> None:
    """Tell the complainant, if they gave an email address, that there is news to read with their receipt."""
    if case.anonymous:
        return
    address = ((case.identity or {}).get("email") or "").strip()
    if not address:
        return
    locale = complainant_locale(case)
    with force_locale(locale):
        subject, text = labels.complainant_update()
        body = render_template(
            "mail/complainant_update.txt", text=text, link=follow_up_link(locale), footer=labels.automatic_footer()
        )
        sender = labels.sender_name()
    queue_mail(db.session, address, subject, body, once_key=("complainant", address.lower()), sender_name=sender)


def claim_notice(case: Case, user: User) -> bool:
    """True if ``user`` has not been told about ``case`` within the interval, and record that they are now.

    The conditional UPDATE (and the unique key for the first notice) make concurrent replies claim it once."""
    now = utcnow()
    since = now - timedelta(minutes=current_app.config["STAFF_NOTICE_INTERVAL_MINUTES"])
    claimed = db.session.execute(
        update(StaffNoticeSent)
        .where(StaffNoticeSent.case_id == case.id, StaffNoticeSent.user_id == user.id, StaffNoticeSent.sent_at <= since)
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount:
        return True
    exists = select(StaffNoticeSent.id).where(StaffNoticeSent.case_id == case.id, StaffNoticeSent.user_id == user.id)
    if db.session.scalar(exists) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(StaffNoticeSent(case_id=case.id, user_id=user.id, sent_at=now))
    except IntegrityError:  # a concurrent reply told them a moment ago
        return False
    return True


def notify_staff(
    case: Case,
    recipients: Iterable[User],
    words: Callable[[], tuple[str, str]],
    link: str | None = None,
    once_per_interval: bool = False,
) -> int:
    """Queue one mail per recipient who may see ``case``, in each recipient's language. Returns how many."""
    queued = 0
    for user in recipients:
        if not access.can_view(case, user):  # a recused or deactivated person gets no link to the case
            continue
        if once_per_interval and not claim_notice(case, user):
            continue
        with force_locale(_known_locale(user.locale)):
            subject, text = words()
            body = render_template(
                "mail/staff_notice.txt", text=text, link=link or case_link(case), footer=labels.automatic_footer()
            )
            sender = labels.sender_name()
        queued += queue_mail(db.session, user.email, subject, body, sender_name=sender)
    return queued


# Registers ``flask portal deadlines`` on the portal command group (setup.py imports this module).
