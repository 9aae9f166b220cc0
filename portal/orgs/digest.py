"""The weekly digest of an organisation's theme trackers: ``flask portal send-digests`` (weekly from cron).

Each active member of an organisation that follows a theme gets, in their own language, the changes of the last
seven days in each of its themes: new cases in the theme, decisions, missed deadlines (``trackers.changes_since``,
which reads only public cases through ``portal/transparency/queries.py``). Nothing is sent for a week without
changes. ``DigestSent`` (unique per member and ISO week) makes a second run in the same week send nothing, also when
two servers run it at once; mails leave after the command's commit, through ``portal/notifications/mail.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from portal.core.db import utcnow
from portal.core.i18n import DEFAULT_LOCALE, LOCALES
from portal.core.roles import Role
from portal.extensions import db
from portal.notifications.labels import automatic_footer, sender_name
from portal.notifications.mail import queue_mail
from portal.orgs.trackers import (
    DIGEST_PERIOD,
    Change,
    ChangeKind,
    DigestSent,
    Tracker,
    changes_since,
    iso_week,
)
from portal.users.models import User


@dataclass
class DigestRun:
    week: str
    sent: int = 0
    quiet: int = 0  # members with nothing to report this week (recorded, no mail)
    skipped: int = 0  # members who already had this week's digest


def _claim(user: User, week: str, now: datetime, changes: int) -> bool:
    """Record this week's digest for ``user``; False if it was already recorded (by an earlier or a parallel run)."""
    try:
        with db.session.begin_nested():
            db.session.add(DigestSent(user_id=user.id, week=week, sent_at=now, changes=changes))
    except IntegrityError:
        return False
    return True


def _line(change: Change) -> str:
    if change.kind == ChangeKind.NEW:
        return _("New case in the theme: %(reference)s", reference=change.reference)
    if change.kind == ChangeKind.DECISION:
        return _("Decision: %(reference)s", reference=change.reference)
    return _("Deadline missed: %(reference)s", reference=change.reference)


def _render(user: User, themes: list[tuple[Tracker, list[Change]]]) -> tuple[str, str, str]:
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    locale = user.locale if user.locale in LOCALES else DEFAULT_LOCALE
    with force_locale(locale):
        count = sum(len(changes) for _, changes in themes)
        subject = _("This week in the themes you follow")
        body = render_template(
            "mail/org_digest.txt",
            intro=_("Changes in the themes your organisation follows, in the last seven days: %(count)d", count=count),
            themes=[
                (tracker.name, [_line(change) for change in changes], f"{base}/org/trackers/{tracker.id}")
                for tracker, changes in themes
            ],
            only_public=_("Only what the public register shows is listed here."),
            footer=automatic_footer(),
        )
        return subject, body, sender_name()


def send_digests(now: datetime | None = None) -> DigestRun:
    """Queue this week's digest for every member who has not had it yet; the caller commits."""
    now = now or utcnow()
    run = DigestRun(iso_week(now))
    members = list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.ORGANISATION,
                User.active.is_(True),
                exists().where(Tracker.organisation_id == User.organisation_id),
            )
            .order_by(User.id)
        )
    )
    already = set(db.session.scalars(select(DigestSent.user_id).where(DigestSent.week == run.week)))
    trackers: dict[int, list[Tracker]] = {}
    for tracker in db.session.scalars(
        select(Tracker).where(Tracker.organisation_id.in_({m.organisation_id for m in members})).order_by(Tracker.name)
    ):
        trackers.setdefault(tracker.organisation_id, []).append(tracker)
    changes: dict[int, list[Change]] = {}  # per tracker, computed once for all its organisation's members
    for member in members:
        if member.id in already:
            run.skipped += 1
            continue
        themes = []
        for tracker in trackers.get(member.organisation_id or 0, []):
            if tracker.id not in changes:
                changes[tracker.id] = changes_since(tracker, now - DIGEST_PERIOD, now)
            if changes[tracker.id]:
                themes.append((tracker, changes[tracker.id]))
        told = sum(len(found) for _, found in themes)
        if not _claim(member, run.week, now, told):
            run.skipped += 1
            continue
        if not themes:
            run.quiet += 1
            continue
        subject, body, sender = _render(member, themes)
        queue_mail(db.session, member.email, subject, body, sender_name=sender)
        run.sent += 1
    return run


@click.command("send-digests")
@with_appcontext
def send_digests_command() -> None:
    """Send this week's digest of the theme trackers to every organisation member who has not had it yet.

    Run weekly: `flask portal send-digests` (cron: `0 6 * * 1 cd /srv/portal && .venv/bin/flask portal
    send-digests`). Safe to repeat: a second run in the same ISO week sends nothing.
    """
    run = send_digests()
    db.session.commit()  # the command owns its transaction; the mails leave after this commit
    click.echo(f"week {run.week}: sent {run.sent}, nothing to report {run.quiet}, already sent {run.skipped}")
