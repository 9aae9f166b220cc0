"""Both attachment stores (core/storage.py, core/blob_chunks.py): what is written is read back whole, streamed, kept
only on commit, rotated with the key ring, and a file tampered with in the database fails like a changed byte."""

from __future__ import annotations

import os
import tracemalloc

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from portal.config import Config
from portal.core.blob_chunks import CHUNK_BYTES, BlobChunk
from portal.core.crypto import InvalidToken, KeyRing
from portal.core.rotation import reencrypt_blobs
from portal.core.storage import choose_store, open_blob, read_blob, store_blob
from portal.extensions import db
from portal.media.download import send_decrypted
from tests import stores
from tests.stores import held_at_rest, stored_keys

# Three and a half chunks: several rows, and a short last one.
BIG = os.urandom(3 * CHUNK_BYTES + CHUNK_BYTES // 2)

blob_store = stores.blob_store  # each test asking for it runs once per store


@pytest.fixture
def store_setting(app):
    """For a test that sets ATTACHMENT_STORE itself: put it back afterwards."""
    saved = app.config["ATTACHMENT_STORE"]
    yield
    app.config["ATTACHMENT_STORE"] = saved


def _store(app, data: bytes) -> str:
    with app.app_context():
        key = store_blob(db.session, data)
        db.session.commit()
    return key


def _chunks(app, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BlobChunk).where(BlobChunk.storage_key == key))


def test_a_file_of_several_chunks_is_read_back_whole(app, blob_store):
    key = _store(app, BIG)
    assert _chunks(app, key) == (4 if blob_store == "database" else 0)
    with app.app_context():
        assert read_blob(key) == BIG
        assert b"".join(open_blob(key)) == BIG
    assert all(BIG[:64] not in stored for stored in held_at_rest(app))  # ciphertext at rest


def test_an_empty_file_is_kept_as_one_empty_chunk(app, blob_store):
    key = _store(app, b"")
    with app.app_context():
        assert read_blob(key) == b""


def test_a_rolled_back_transaction_leaves_nothing_stored(app, blob_store):
    with app.app_context():
        db.session.execute(select(1))  # in a transaction, as every request that stores a file is
        store_blob(db.session, BIG)
        db.session.rollback()
    assert stored_keys(app) == []


def test_a_download_is_streamed_and_holds_about_one_chunk_in_memory(app, blob_store):
    large = os.urandom(24 * CHUNK_BYTES)  # 12 MB
    key = _store(app, large)
    with app.test_request_context():
        response = send_decrypted(key, "application/pdf", "evidence.pdf", size=len(large))
    assert response.headers["Cache-Control"] == "no-store" and response.content_length == len(large)
    assert "attachment" in response.headers["Content-Disposition"]
    tracemalloc.start()
    received = 0
    for piece in response.response:  # after the request's context is gone, as a WSGI server reads it
        received += len(piece)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    response.close()
    assert received == len(large)
    # A chunk is copied a few times while its token is checked and decrypted, so the peak is a few chunks, never
    # the file (measured: 3.9 MB for a 2 MB and for a 12 MB file). A folder file is one token, decrypted whole first.
    if blob_store == "database":
        assert peak < len(large) / 2, peak


def test_key_rotation_rewrites_every_chunk_under_the_new_key(app, blob_store):
    key = _store(app, BIG)
    with app.app_context():
        old = app.extensions["portal_keyring"]
        ring = KeyRing([Fernet.generate_key().decode(), *old.keys])
        app.extensions["portal_keyring"] = ring
        try:
            assert reencrypt_blobs(ring, [key]) == 1
            app.extensions["portal_keyring"] = KeyRing(ring.keys[:1])  # the old key forgotten
            assert read_blob(key) == BIG
        finally:
            app.extensions["portal_keyring"] = old


def test_a_database_store_still_reads_files_written_to_the_folder(app, store_setting):
    app.config["ATTACHMENT_STORE"] = "folder"
    key = _store(app, BIG)
    app.config["ATTACHMENT_STORE"] = "database"
    with app.app_context():
        assert read_blob(key) == BIG and b"".join(open_blob(key)) == BIG
        reencrypt_blobs(app.extensions["portal_keyring"], [key])  # rotation too finds it in the folder
        assert read_blob(key) == BIG


def _token(app, key: str, position: int) -> bytes:
    with app.app_context():
        return db.session.scalar(
            select(BlobChunk.ciphertext).where(BlobChunk.storage_key == key, BlobChunk.position == position)
        )


def _set_token(app, key: str, position: int, token: bytes) -> None:
    with app.app_context():
        chunk = db.session.get(BlobChunk, (key, position))
        chunk.ciphertext = token
        db.session.commit()


def _drop(app, key: str, position: int) -> None:
    with app.app_context():
        db.session.delete(db.session.get(BlobChunk, (key, position)))
        db.session.commit()


def _changed_byte(app, key, other):
    token = bytearray(_token(app, key, 1))
    token[100] ^= 1
    _set_token(app, key, 1, bytes(token))


def _swapped(app, key, other):
    first, second = _token(app, key, 1), _token(app, key, 2)
    _set_token(app, key, 1, second)
    _set_token(app, key, 2, first)


def _from_another_file(app, key, other):
    _set_token(app, key, 0, _token(app, other, 0))


TAMPERING = {
    "a changed byte": _changed_byte,
    "two chunks swapped": _swapped,
    "the last chunk dropped": lambda app, key, other: _drop(app, key, 3),
    "a middle chunk dropped": lambda app, key, other: _drop(app, key, 1),
    "a chunk from another file": _from_another_file,
}


def _unreadable(app, key: str) -> bool:
    with app.app_context():
        try:
            b"".join(open_blob(key))
        except InvalidToken:
            return True
    return False


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_a_file_tampered_with_in_the_database_is_refused(app, store_setting, tamper):
    app.config["ATTACHMENT_STORE"] = "database"
    key, other = _store(app, BIG), _store(app, BIG)
    assert not _unreadable(app, key)
    tamper(app, key, other)
    assert _unreadable(app, key) and not _unreadable(app, other)


@pytest.mark.parametrize(
    ("given", "database", "chosen"),
    [
        ("", "postgresql+psycopg://db/portal", "database"),
        ("", "sqlite:////srv/portal.sqlite3", "folder"),
        ("folder", "postgresql+psycopg://db/portal", "folder"),
        (" Database ", "sqlite:////srv/portal.sqlite3", "database"),
    ],
)
def test_the_store_defaults_to_the_database_on_postgresql(given, database, chosen):
    assert choose_store({"ATTACHMENT_STORE": given, "SQLALCHEMY_DATABASE_URI": database}) == chosen


def test_an_unknown_store_refuses_to_start():
    with pytest.raises(ValueError, match="ATTACHMENT_STORE"):
        choose_store({"ATTACHMENT_STORE": "s3", "SQLALCHEMY_DATABASE_URI": Config.SQLALCHEMY_DATABASE_URI})
