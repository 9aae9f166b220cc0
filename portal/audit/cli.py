"""``flask portal audit-verify``: check that no audit entry was changed, removed or slipped in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.audit.verify import check_chain
from portal.extensions import db


@click.command("audit-verify")
@with_appcontext
@click.option("--batch-size", default=2000, show_default=True, help="Entries read per query.")
def audit_verify(batch_size: int) -> None:
    """Recompute the audit trail's hash chain; exit 1 and list the problems if it is broken."""
    report = check_chain(db.session, batch_size=batch_size)
    db.session.rollback()
    if report.intact:
        click.echo(f"audit trail intact: {report.entries} entries")
        return
    for problem in report.problems:
        click.echo(problem)
    click.echo(f"audit trail BROKEN: {len(report.problems)} problems in {report.entries} entries", err=True)
    raise click.exceptions.Exit(1)
