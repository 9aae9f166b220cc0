"""What a copy of the database or the file store reveals: nothing a person wrote."""

from pathlib import Path

import pytest
from sqlalchemy import select, text

from portal.cases.models import Attachment, Case, CaseEntry
from portal.core.crypto import KeyRing
from portal.core.storage import read_blob
from portal.extensions import db
from tests.samples import PDF_BYTES, upload

SECRET = "Zamani Mwamba was beaten by the depot guards on the night of 3 March"


def test_sqlite_file_holds_no_plaintext(app, file_grievance):
    if app.config["DATABASE_KIND"] != "sqlite":
        pytest.skip("reads the SQLite file's raw bytes")
    file_grievance(description=SECRET, anonymous="no", name="Zamani Mwamba", place="Kasulo depot")
    with app.app_context():
        db.session.execute(text("PRAGMA wal_checkpoint(FULL)"))
        path = Path(db.engine.url.database)
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"MC-" in raw  # the file really is the database
    for secret in [b"Zamani", b"beaten", b"Kasulo"]:
        assert secret not in raw


def test_postgresql_rows_hold_no_plaintext(app, file_grievance):
    file_grievance(description=SECRET, anonymous="no", name="Zamani Mwamba", place="Kasulo depot")
    with app.app_context():
        for table in ["cases", "case_entries"]:
            rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
            dump = repr(rows)
            assert "Zamani" not in dump and "beaten" not in dump and "Kasulo" not in dump


def test_key_rotation_keeps_every_case_readable(app, client, file_grievance, open_case):
    _, reference, receipt = file_grievance(description=SECRET, files=[upload(PDF_BYTES, "evidence.pdf")])
    open_case(receipt)
    client.post("/en/follow-up/case", data={"message": "A reply written before the rotation."})
    runner = app.test_cli_runner()
    with app.app_context():
        old_ring = app.extensions["portal_keyring"]
        old_token = db.session.scalar(select(Case.description_encrypted))
    result = runner.invoke(args=["portal", "rotate-keys"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        ring = app.extensions["portal_keyring"]
        assert len(ring.keys) == len(old_ring.keys) + 1 and ring.keys[1:] == old_ring.keys
        new_only = KeyRing(ring.keys[:1])
        case = db.session.scalar(select(Case))
        assert case.description_encrypted != old_token
        assert new_only.decrypt(case.description_encrypted).decode() == SECRET
        reply = db.session.scalar(select(CaseEntry).where(CaseEntry.kind == "from_complainant"))
        assert new_only.decrypt(reply.body_encrypted).decode() == "A reply written before the rotation."
    result = runner.invoke(args=["portal", "rotate-keys", "--no-new-key", "--retire-old"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert len(app.extensions["portal_keyring"].keys) == 1
        attachment = db.session.scalar(select(Attachment))
        assert read_blob(attachment.storage_key) == PDF_BYTES
        assert db.session.scalar(select(Case)).description == SECRET
    # The receipt holder still reads the case.
    assert client.get("/en/follow-up/case").status_code == 200
    assert reference in client.get("/en/follow-up/case").get_data(as_text=True)
