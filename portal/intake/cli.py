"""``flask portal sweep-drafts``: delete complaints begun more than a day ago and never sent (intake/drafts.py)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.intake.drafts import sweep_expired


@click.command("sweep-drafts")
@with_appcontext
def sweep_drafts() -> None:
    """Delete unfinished complaints older than a day, with their files. Filing a complaint sweeps them too; this
    is for quiet times, from cron: `23 * * * * cd /srv/portal && .venv/bin/flask portal sweep-drafts`."""
    removed = sweep_expired()
    db.session.commit()
    click.echo(f"unfinished complaints removed: {removed}")
