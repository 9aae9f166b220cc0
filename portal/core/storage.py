"""Encrypted blob storage whose files live and die with the database transaction.

Two stores, chosen by ``ATTACHMENT_STORE`` (docs/architecture.md §10): ``folder``, the embedded default, keeps each
file as one Fernet token under ``ATTACHMENT_PATH``; ``database``, the default on PostgreSQL, keeps it as encrypted
chunks in the database (``core/blob_chunks.py``), so every app server sees it and one backup holds everything.

In the folder, a file written during a transaction is remembered on the session. If the transaction rolls back, the
file is deleted; if it commits, it stays. So a submission that fails half-way leaves no orphan file (intake issue
§2). Files that an operation asks to delete are removed only after the commit that forgets them. In the database,
chunks are rows of the transaction itself.

A database store still reads (and rotates) a file it does not hold from the folder: files written before the
switch stay readable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path

from flask import current_app
from sqlalchemy import event, make_url, select
from sqlalchemy.orm import Session

from portal.core import blob_chunks
from portal.core.crypto import decrypt, encrypt, keyring
from portal.extensions import db

_WRITTEN = "portal_blobs_written"
_DOOMED = "portal_blobs_doomed"


STORES = ("folder", "database")


def choose_store(config: Mapping) -> str:
    """``ATTACHMENT_STORE`` as given, else ``database`` on PostgreSQL and ``folder`` on SQLite."""
    store = (config.get("ATTACHMENT_STORE") or "").strip().lower()
    if not store:
        backend = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
        return "database" if backend == "postgresql" else "folder"
    if store not in STORES:
        raise ValueError(f"ATTACHMENT_STORE: {store!r} is not one of {', '.join(STORES)}")
    return store


def in_database() -> bool:
    return current_app.config["ATTACHMENT_STORE"] == "database"


def blob_root() -> Path:
    return Path(current_app.config["ATTACHMENT_PATH"])


def _path(root: Path, key: str) -> Path:
    # Two levels of fan-out keep directories small at millions of files.
    return root / key[:2] / key[2:4] / key


PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
TEMPORARY_SUFFIXES = (".tmp", ".rotating")


def _private_dirs(root: Path, directory: Path) -> None:
    """Create ``directory`` under ``root``; every level is the service user's only, whatever the umask."""
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    for level in (root, *[p for p in directory.parents if root in p.parents], directory):
        if level.stat().st_mode & 0o777 != PRIVATE_DIR:
            level.chmod(PRIVATE_DIR)


def write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by the service user only (mode 0600 whatever the umask), synced to disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def store_blob(session: Session, data: bytes) -> str:
    """Encrypt and write ``data``; return its storage key. Undone if ``session``'s transaction rolls back."""
    key = secrets.token_hex(32)
    if in_database():
        blob_chunks.write_chunks(session, keyring(), key, data)
        return key
    root = blob_root()
    path = _path(root, key)
    _private_dirs(root, path.parent)
    session.info.setdefault(_WRITTEN, []).append(path)
    tmp = path.with_suffix(".tmp")
    write_private(tmp, encrypt(data))
    tmp.replace(path)
    return key


def read_blob(key: str) -> bytes:
    """The whole decrypted file (tests and small files; downloads use ``open_blob``)."""
    return b"".join(_chunks(key, blob_chunks.session_fetch(db.session, key)))


def open_blob(key: str) -> Iterator[bytes]:
    """The decrypted file, piece by piece, readable after the request's context is gone (a streamed response).

    The first piece is read at once, so a missing or tampered file fails before any byte is sent. The database
    store reads each further chunk on a connection of its own, one at a time: a download never holds more than one
    chunk in memory. A file in the folder is one token, decrypted whole (at most an upload's 20 MB)."""
    engine = db.engine

    def fetch(position: int) -> bytes | None:
        with engine.connect() as connection:
            return connection.scalar(
                select(blob_chunks.BlobChunk.ciphertext).where(
                    blob_chunks.BlobChunk.storage_key == key, blob_chunks.BlobChunk.position == position
                )
            )

    pieces = _chunks(key, fetch)
    first = next(pieces)
    return _prepend(first, pieces)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _chunks(key: str, fetch: blob_chunks.FetchChunk) -> Iterator[bytes]:
    if in_database():
        first = fetch(0)
        if first is not None:
            ring = keyring()
            return blob_chunks.decrypted_chunks(ring, key, lambda position: first if position == 0 else fetch(position))
    return iter([decrypt(_path(blob_root(), key).read_bytes())])


def rewrite_blob(key: str, transform) -> None:
    """Replace a blob's ciphertext in place (key rotation), atomically."""
    if in_database() and blob_chunks.rewrite_chunks(db.session, key, transform):
        db.session.commit()  # one file at a time, each in its own transaction, like the folder's rename
        return
    path = _path(blob_root(), key)
    tmp = path.with_suffix(".rotating")
    write_private(tmp, transform(path.read_bytes()))
    tmp.replace(path)


def stale_files(older_than: float) -> Iterator[tuple[str | None, Path]]:
    """Files in the store last written before ``older_than`` (a timestamp): ``(key, path)`` for a blob,
    ``(None, path)`` for a temporary file that a crash left behind. Used by ``flask portal sweep-files``."""
    root = blob_root()
    if not root.exists():
        return
    for path in root.glob("*/*/*"):
        if not path.is_file() or path.stat().st_mtime >= older_than:
            continue
        if path.suffix in TEMPORARY_SUFFIXES:
            yield None, path
        elif path.parent == _path(root, path.name).parent:
            yield path.name, path


def delete_blob_after_commit(session: Session, key: str) -> None:
    if in_database():
        blob_chunks.delete_chunks(session, key)  # gone with the commit, back with a rollback
    session.info.setdefault(_DOOMED, []).append(_path(blob_root(), key))


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        for candidate in (path, path.with_suffix(".tmp")):
            candidate.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_written_blobs(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _unlink_all(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_soft_rollback")
def _remove_written_blobs(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # only the outermost rollback ends the transaction
        _unlink_all(session.info.pop(_WRITTEN, []))
        session.info.pop(_DOOMED, None)
