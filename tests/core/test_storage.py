"""Files that hold cases are the service user's only (0600 files, 0700 folders), whatever the umask."""

from __future__ import annotations

import os
import stat
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from portal.core.storage import read_blob, rewrite_blob
from portal.notifications.mail import _write_outbox
from tests.samples import PDF_BYTES, upload
from tests.stores import folder_store  # noqa: F401


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("folder_store")
def test_attachment_files_and_folders_are_private(app, file_grievance, permissive_umask):
    root = Path(app.config["ATTACHMENT_PATH"])
    file_grievance(files=[upload(PDF_BYTES, "contract.pdf")])
    [blob] = [path for path in root.rglob("*") if path.is_file()]
    assert _mode(blob) == 0o600
    assert [_mode(folder) for folder in (root, blob.parent.parent, blob.parent)] == [0o700] * 3
    with app.app_context():
        rewrite_blob(blob.name, lambda data: data)  # key rotation rewrites the file
        assert read_blob(blob.name) == PDF_BYTES
    assert _mode(blob) == 0o600


def test_mail_outbox_is_private(tmp_path, permissive_umask):
    outbox = tmp_path / "mail_outbox"
    message = EmailMessage()
    message["To"] = "amani@example.org"
    message.set_content("There is an update.")
    _write_outbox(outbox, [message])
    [mail] = list(outbox.iterdir())
    assert _mode(outbox) == 0o700 and _mode(mail) == 0o600


def test_sqlite_database_and_its_log_files_are_private(tmp_path, permissive_umask):
    database = tmp_path / "portal.sqlite3"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        modes = {path.name: _mode(path) for path in tmp_path.iterdir()}
    engine.dispose()
    assert modes == {"portal.sqlite3": 0o600, "portal.sqlite3-wal": 0o600, "portal.sqlite3-shm": 0o600}
