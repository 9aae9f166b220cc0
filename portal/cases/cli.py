"""``flask portal sweep-files``: remove what a crash left in the attachment store (docs/architecture.md §8)."""

from __future__ import annotations

import time
from itertools import islice

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.cases.message_templates import seed_defaults
from portal.cases.models import Attachment
from portal.core.storage import read_blob, stale_files
from portal.extensions import db
from portal.media.thumbnails import PHOTO_FORMATS, Thumbnail, known_thumbnail_keys, store_thumbnail

BATCH = 500


@click.command("sweep-files")
@with_appcontext
@click.option("--grace-hours", default=1.0, show_default=True, help="Leave files younger than this alone.")
def sweep_files(grace_hours: float) -> None:
    """Delete temporary files and stored files that no attachment refers to, once older than the grace period.

    A worker killed mid-upload leaves its ``.tmp`` file, or an encrypted file whose transaction never committed.
    The grace period keeps uploads in flight safe (a request lasts seconds), so this is safe to run from cron on
    every node sharing the store: `17 * * * * cd /srv/portal && .venv/bin/flask portal sweep-files`.
    """
    temporary = orphans = 0
    stale = stale_files(time.time() - grace_hours * 3600)
    while batch := list(islice(stale, BATCH)):
        keys = [key for key, _ in batch if key]
        known = set(db.session.scalars(select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))))
        known |= known_thumbnail_keys(keys)
        for key, path in batch:
            if key in known:
                continue
            path.unlink(missing_ok=True)
            temporary += key is None
            orphans += key is not None
    db.session.rollback()
    click.echo(f"temporary files removed: {temporary}, orphaned files removed: {orphans}")


@click.command("make-thumbnails")
@with_appcontext
def make_thumbnails() -> None:
    """Make the missing previews of cleaned photos (stored before thumbnails existed), one commit per batch."""
    made = 0
    while True:
        missing = db.session.scalars(
            select(Attachment)
            .where(
                Attachment.content_type.in_(list(PHOTO_FORMATS)),
                Attachment.cleaned,
                ~select(Thumbnail.id).where(Thumbnail.attachment_id == Attachment.id).exists(),
            )
            .order_by(Attachment.id)
            .limit(BATCH)
        ).all()
        stored = [store_thumbnail(attachment, read_blob(attachment.storage_key)) for attachment in missing]
        made += sum(thumbnail is not None for thumbnail in stored)
        db.session.commit()
        if len(missing) < BATCH or not any(stored):
            break
    click.echo(f"thumbnails made: {made}")


@click.command("seed-message-templates")
@with_appcontext
def seed_message_templates() -> None:
    """Store the default message templates for every step and language that has none yet (edited ones stay)."""
    added = seed_defaults()
    db.session.commit()
    click.echo(f"message templates added: {added}")
