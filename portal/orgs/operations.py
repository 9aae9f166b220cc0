"""What organisations and the secretariat do to organisation accounts, and the committee's messages to a filing
organisation. Like every operation these flush and send a signal (the audit trail records each); the request
commits, and the mails queued here leave after it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from portal.cases import casework
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.core import signals
from portal.core.db import utcnow
from portal.core.i18n import DEFAULT_LOCALE, LOCALES
from portal.core.roles import Role
from portal.core.security import keyed_hash
from portal.extensions import db
from portal.notifications import labels as mail_labels
from portal.notifications.mail import queue_mail
from portal.organisations.models import Organisation
from portal.orgs import labels
from portal.orgs.members import members_of
from portal.users import operations as accounts
from portal.users.models import User

INVITATION_DAYS = 7


class OrganisationRefused(Exception):
    """A change the rules do not allow; ``reason`` is a key of ``labels.REFUSALS``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _base_url() -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/")


def _locale(user: User) -> str:
    return user.locale if user.locale in LOCALES else DEFAULT_LOCALE


def _mail(user: User, words, link: str) -> None:
    """One mail to ``user`` in their language: the words, the link and the automatic footer."""
    with force_locale(_locale(user)):
        subject, text = words()
        body = render_template("mail/staff_notice.txt", text=text, link=link, footer=mail_labels.automatic_footer())
        sender = mail_labels.sender_name()
    queue_mail(db.session, user.email, subject, body, sender_name=sender)


# --- verification ----------------------------------------------------------------------------------------------


def set_verified(organisation: Organisation, actor: User, verified: bool) -> None:
    """The secretariat verifies an organisation (it may then file on behalf of people), or takes it back."""
    organisation.verified = verified
    organisation.verified_at = utcnow() if verified else None
    organisation.verified_by_id = actor.id if verified else None
    db.session.flush()
    signals.registry_changed.send(
        organisation, actor=actor, change="verified" if verified else "unverified", fields=["verified"]
    )


def set_named_in_register(organisation: Organisation, actor: User, named: bool) -> None:
    """The organisation's admin says whether the public register may name it on the cases it filed. Sent as a
    registry change, so the register's version moves and every cached register page shows the choice at once."""
    if organisation.named_in_register == named:
        return
    organisation.named_in_register = named
    db.session.flush()
    signals.registry_changed.send(
        organisation, actor=actor, change="named_in_register" if named else "not_named_in_register",
        fields=["named_in_register"],
    )  # fmt: skip


# --- members ---------------------------------------------------------------------------------------------------


def invitation_hash(token: str) -> str:
    return keyed_hash(token, "invitation")


def invite_member(
    organisation: Organisation, actor: User, *, email: str, name: str, locale: str, admin: bool = False
) -> User:
    """A new account for the organisation, with a one-time link (mailed in the invitee's language, kept only as a
    keyed hash) to choose a password and then enrol an authenticator like staff do."""
    if accounts.find_user(email) is not None:
        raise OrganisationRefused("email_taken")
    token = secrets.token_urlsafe(32)
    user, _password = accounts.create_user(
        email=email,
        name=name,
        role=Role.ORGANISATION,
        actor=actor,
        organisation_id=organisation.id,
        locale=locale,
        password=secrets.token_urlsafe(32),  # nobody knows it: the invitation sets the real one
    )
    user.organisation_admin = admin
    user.invitation_hash = invitation_hash(token)
    user.invited_at = utcnow()
    db.session.flush()
    signals.user_changed.send(user, actor=actor, change="invited:admin" if admin else "invited:member")
    link = f"{_base_url()}/org/invitation/{token}"
    _mail(user, lambda: labels.invitation(organisation.name, actor.name), link)
    return user


def invited_user(token: str) -> User | None:
    """The account a still-valid invitation link opens, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(User).where(User.invitation_hash == invitation_hash(token)))
    if user is None or not user.active or user.invited_at is None:
        return None
    if user.invited_at < utcnow() - timedelta(days=INVITATION_DAYS):
        return None
    return user


def accept_invitation(user: User, password: str) -> None:
    """The invitee chose a password: the link is spent; the second factor is enrolled next (users.enrol)."""
    accounts.change_password(user, user, password)
    user.invitation_hash = None
    db.session.flush()
    signals.user_changed.send(user, actor=user, change="invitation_accepted")


def remove_member(organisation: Organisation, actor: User, member: User) -> None:
    """The admin removes a member: the account is deactivated (its sessions end) and leaves the organisation's
    list; the audit trail keeps what it did."""
    if member.id == actor.id:
        raise OrganisationRefused("self")
    if member.organisation_admin and not any(
        other.organisation_admin and other.id != member.id for other in members_of(organisation.id)
    ):
        raise OrganisationRefused("last_admin")
    member.active = False
    member.invitation_hash = None
    accounts.end_sessions(member)
    db.session.flush()
    signals.user_changed.send(member, actor=actor, change="removed_from_organisation")


# --- the committee writes to the filing organisation -------------------------------------------------------------


def message_organisation(case: Case, actor: User, text: str, to_people: bool) -> CaseEntry:
    """Case staff write to the organisation that filed ``case``: to it alone (visibility ``organisation``: never
    the company, never the receipt holders), or to it and the people it represents (the complainant's visibility,
    which the organisation reads too). Its members are told by mail, in their language."""
    if to_people:
        return casework.send_message(case, actor, text)  # message_to_complainant: the members hear of it too
    entry = CaseEntry(kind=EntryKind.TO_COMPLAINANT, visibility=Visibility.ORGANISATION, author_id=actor.id)
    entry.body = text
    case.entries.append(entry)
    db.session.flush()
    signals.message_to_organisation.send(case, entry=entry, actor=actor)
    return entry


def notify_members(case: Case) -> int:
    """A mail to each active member of the filing organisation, in their language; no case content."""
    if case.filed_by_organisation_id is None:
        return 0
    members = members_of(case.filed_by_organisation_id)
    for member in members:
        _mail(member, lambda: labels.organisation_message(case.reference), f"{_base_url()}/org/")
    return len(members)


def messages_for_organisation(case: Case) -> list[CaseEntry]:
    """What the filing organisation reads on its case: the complainant's view and the messages meant for it
    alone, oldest first (``orgcases``' case page shows them)."""
    stmt = (
        select(CaseEntry)
        .where(
            CaseEntry.case_id == case.id,
            CaseEntry.visibility.in_([Visibility.COMPLAINANT, Visibility.ORGANISATION]),
        )
        .order_by(CaseEntry.id)
    )
    return list(db.session.scalars(stmt))
