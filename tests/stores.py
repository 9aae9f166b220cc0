"""The two attachment stores (core/storage.py), for tests that look at what is kept at rest.

``blob_store`` runs a test once per store on the same app (the store is read per call, so switching it for one
test is enough); ``held_at_rest`` gives what the store holds, whichever it is, to check it is ciphertext.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.core.blob_chunks import BlobChunk
from portal.core.storage import STORES
from portal.extensions import db


@pytest.fixture(params=STORES)
def blob_store(request, app):
    saved = app.config["ATTACHMENT_STORE"]
    app.config["ATTACHMENT_STORE"] = request.param
    yield request.param
    app.config["ATTACHMENT_STORE"] = saved


@pytest.fixture
def folder_store(app):
    """For tests of what only the folder has (file modes, the sweep of files a crash left behind)."""
    saved = app.config["ATTACHMENT_STORE"]
    app.config["ATTACHMENT_STORE"] = "folder"
    yield
    app.config["ATTACHMENT_STORE"] = saved


def _folder_files(app) -> list[Path]:
    root = Path(app.config["ATTACHMENT_PATH"])
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def stored_keys(app) -> list[str]:
    """The storage keys the store holds: file names in the folder, or keys of chunks in the database."""
    with app.app_context():
        chunks = db.session.scalars(select(BlobChunk.storage_key).distinct()).all()
    return sorted([path.name for path in _folder_files(app)] + list(chunks))


def held_at_rest(app) -> list[bytes]:
    """Every stored file's bytes (folder) or chunk token (database), as an attacker reading the disk sees them."""
    with app.app_context():
        tokens = db.session.scalars(select(BlobChunk.ciphertext).order_by(BlobChunk.storage_key)).all()
    return [path.read_bytes() for path in _folder_files(app)] + list(tokens)
