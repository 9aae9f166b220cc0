"""``flask portal sweep-files`` removes what a crash left behind, and nothing in use or in flight."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.cases.models import Attachment
from portal.extensions import db
from tests.samples import PDF_BYTES, upload

TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture
def media_store(app):
    """Only the folder store can hold files a crash left behind: database chunks go with their transaction."""
    saved, app.config["ATTACHMENT_STORE"] = app.config["ATTACHMENT_STORE"], "folder"
    yield "folder"
    app.config["ATTACHMENT_STORE"] = saved


def stored_files(app) -> list[Path]:
    root = Path(app.config["ATTACHMENT_PATH"])
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _blob_path(root: Path, suffix: str = "") -> Path:
    key = secrets.token_hex(32)
    path = root / key[:2] / key[2:4] / (key + suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ciphertext")
    return path


def _age(path: Path) -> Path:
    os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return path


def test_sweep_removes_old_orphans_and_keeps_referenced_and_in_flight_files(app, file_grievance):
    file_grievance(files=[upload(PDF_BYTES, "contract.pdf")])
    root = Path(app.config["ATTACHMENT_PATH"])
    [referenced] = stored_files(app)
    _age(referenced)  # old, but an attachment refers to it
    old_orphan = _age(_blob_path(root))
    old_tmp = _age(_blob_path(root, ".tmp"))
    old_rotating = _age(_blob_path(root, ".rotating"))
    in_flight_tmp = _blob_path(root, ".tmp")
    young_orphan = _blob_path(root)  # written by a request whose transaction has not committed yet

    result = app.test_cli_runner().invoke(args=["portal", "sweep-files"])
    assert result.exit_code == 0, result.output
    assert "temporary files removed: 2, orphaned files removed: 1" in result.output
    assert stored_files(app) == sorted([referenced, in_flight_tmp, young_orphan])
    assert not old_orphan.exists() and not old_tmp.exists() and not old_rotating.exists()
    with app.app_context():
        assert db.session.scalar(select(Attachment.storage_key)) == referenced.name

    again = app.test_cli_runner().invoke(args=["portal", "sweep-files"])
    assert "temporary files removed: 0, orphaned files removed: 0" in again.output
