"""``flask portal import-entities FILE.csv``: organisations and sites from a CSV file, all or nothing."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from portal.extensions import db
from portal.registry.importing import COLUMNS, import_csv

_HELP = "\n\n".join(
    [
        "Import organisations and supply-chain sites from one CSV file (UTF-8, comma-separated, a header row).",
        "Each row is an organisation or a site (column 'record'). Re-importing updates the registered record with "
        "the same LEI or register identifier (organisations) or RMI id or OS ID (sites), else the same name (and "
        "country, for sites). One bad row and nothing is written; every error is listed with its line number.",
        "Columns:",
        "\n\n".join(f"\b\n  {name}: {meaning}" for name, meaning in COLUMNS.items()),
    ]
)


@click.command("import-entities", help=_HELP)
@with_appcontext
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_entities(csv_file) -> None:
    with force_locale("en"):  # the reasons are the staff pages' words, in English here
        result = import_csv(csv_file)
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} error(s); nothing was imported.")
    db.session.commit()  # the command owns its transaction
    for record, plural in (("organisation", "organisations"), ("entity", "entities")):
        outcomes = ("created", "updated", "unchanged")
        counts = ", ".join(f"{result.counts[(record, outcome)]} {outcome}" for outcome in outcomes)
        click.echo(f"{plural}: {counts}")
