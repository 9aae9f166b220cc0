"""Encrypted blob storage whose files live and die with the database transaction.

A file written during a transaction is remembered on the session. If the transaction rolls back, the file is
deleted; if it commits, it stays. So a submission that fails half-way leaves no orphan file (intake issue §2).
Files that an operation asks to delete are removed only after the commit that forgets them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.core.crypto import decrypt, encrypt

_WRITTEN = "portal_blobs_written"
_DOOMED = "portal_blobs_doomed"


def blob_root() -> Path:
    return Path(current_app.config["ATTACHMENT_PATH"])


def _path(root: Path, key: str) -> Path:
    # Two levels of fan-out keep directories small at millions of files.
    return root / key[:2] / key[2:4] / key


def store_blob(session: Session, data: bytes) -> str:
    """Encrypt and write ``data``; return its storage key. Undone if ``session``'s transaction rolls back."""
    key = secrets.token_hex(32)
    root = blob_root()
    path = _path(root, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    session.info.setdefault(_WRITTEN, []).append(path)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        handle.write(encrypt(data))
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return key


def read_blob(key: str) -> bytes:
    return decrypt(_path(blob_root(), key).read_bytes())


def rewrite_blob(key: str, transform) -> None:
    """Replace a blob's ciphertext in place (key rotation), atomically."""
    path = _path(blob_root(), key)
    tmp = path.with_suffix(".rotating")
    tmp.write_bytes(transform(path.read_bytes()))
    tmp.replace(path)


def delete_blob_after_commit(session: Session, key: str) -> None:
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
