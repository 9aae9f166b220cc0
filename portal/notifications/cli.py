"""``flask portal deadlines``: the hourly deadline reminders (see ``portal/notifications/deadlines.py``)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db


@click.command("deadlines")
@with_appcontext
def deadlines() -> None:
    """Remind staff of deadlines due soon and escalate missed ones to the chair.

    Run hourly: `flask portal deadlines` (cron: `0 * * * * cd /srv/portal && .venv/bin/flask portal deadlines`).
    Safe to repeat, and to run from cron on every app server: each reminder and escalation is sent once per
    deadline, and one run at a time sends.
    """
    from portal.notifications.deadlines import claim_the_run, send_deadline_notices

    if not claim_the_run():
        db.session.rollback()
        click.echo("another run is sending the deadline notices: nothing to do")
        return
    notices = send_deadline_notices()
    db.session.commit()  # the command owns its transaction; the mails leave after this commit
    click.echo(f"reminders: {notices.reminders}, escalations: {notices.escalations}")
