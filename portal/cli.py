"""``flask portal rotate-keys`` and ``flask portal demo``; each package keeps its own commands in its ``cli.py``,
and ``portal/app.py`` gathers them all under ``flask portal``."""

from __future__ import annotations

from pathlib import Path

import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.cases.models import Attachment
from portal.core.crypto import KeyRing
from portal.core.secrets import keyring_file
from portal.extensions import db
from portal.media.thumbnails import thumbnail_keys


@click.command("rotate-keys")
@with_appcontext
@click.option("--retire-old", is_flag=True, help="After re-encrypting, drop every key but the newest.")
@click.option("--no-new-key", is_flag=True, help="Re-encrypt under the current newest key; add none.")
def rotate_keys(retire_old: bool, no_new_key: bool) -> None:
    """Add a new encryption key and re-encrypt every value and file under it, while the portal keeps running.

    Running workers still know the old keys, so nothing becomes unreadable. After restarting them, run again
    with --no-new-key --retire-old to catch what they wrote meanwhile and forget the old keys.
    """
    from portal.core.rotation import reencrypt_blobs, reencrypt_database

    ring_path: Path = keyring_file(current_app.config)
    from_file = ring_path.exists() and current_app.config["ENCRYPTION_KEYS"] == ",".join(ring_path.read_text().split())
    ring = current_app.extensions["portal_keyring"]
    if not no_new_key:
        if not from_file:
            raise click.ClickException(
                "ENCRYPTION_KEYS comes from the environment: put a new key first in it, restart, "
                "then run this command with --no-new-key."
            )
        ring = KeyRing([Fernet.generate_key().decode(), *ring.keys])
        _write_ring(ring_path, ring)
    values = reencrypt_database(ring)
    keys = [*db.session.scalars(select(Attachment.storage_key)), *thumbnail_keys()]
    files = reencrypt_blobs(ring, keys)
    click.echo(f"Re-encrypted {values} values and {files} files under the newest key.")
    if retire_old:
        if not from_file:
            raise click.ClickException("ENCRYPTION_KEYS comes from the environment: remove the old keys there.")
        _write_ring(ring_path, KeyRing(ring.keys[:1]))
        click.echo("Old keys retired.")


def _write_ring(path: Path, ring: KeyRing) -> None:
    tmp = path.with_suffix(".new")
    tmp.write_text("\n".join(ring.keys) + "\n")
    tmp.chmod(0o600)
    tmp.replace(path)
    current_app.config["ENCRYPTION_KEYS"] = ",".join(ring.keys)
    current_app.extensions["portal_keyring"] = ring


@click.command("demo")
@with_appcontext
def load_demo() -> None:
    """Load demonstration data into an empty database (used by ``make run``)."""
    from portal.demo import load_demo_data

    load_demo_data(echo=click.echo)


@click.command("task-worker")
@with_appcontext
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
def task_worker(workers: int) -> None:
    """Run the background worker (TASK_QUEUE_URL): webhook deliveries, and their sweep once a minute."""
    from portal.core import tasks

    queue = tasks.queue_of()
    queue.register_all()  # every package's tasks are declared: create_app imported them (portal/app.py)
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
