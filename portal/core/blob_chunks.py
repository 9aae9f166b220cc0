"""The database store for encrypted files: one row per chunk in ``blob_chunks`` (docs/architecture.md §10).

On PostgreSQL the files then live where every app server already looks, in the same backup and replicas as the
cases, and they are written in the transaction that records the attachment: a rollback leaves no chunk behind.

Each chunk is its own Fernet token, the same authenticated encryption under the same key ring as a file in the
folder store, so a download decrypts and sends one chunk at a time. A Fernet token vouches for its own bytes, not for
its place in a file, so each chunk's plaintext begins with a header naming the file's storage key, the chunk's
position and whether it is the last: a chunk moved to another file or position, a dropped chunk or a cut-off file
fails to read exactly like a changed byte does. The file is as well protected as one token over all of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import Integer, LargeBinary, String, delete, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from portal.core.crypto import InvalidToken, KeyRing
from portal.core.db import Base

# 512 KiB of plaintext: a 20 MB upload is 40 rows; a download holds one chunk (about 0.7 MB of token) at a time.
CHUNK_BYTES = 512 * 1024

FetchChunk = Callable[[int], bytes | None]
AnySession = Session | scoped_session  # Flask-SQLAlchemy's db.session is a scoped session


class BlobChunk(Base):
    __tablename__ = "blob_chunks"

    storage_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


def _header(key: str, position: int, last: bool) -> bytes:
    return f"{key}:{position}:{int(last)}\n".encode()


def write_chunks(session: Session, ring: KeyRing, key: str, data: bytes) -> None:
    """Encrypt ``data`` chunk by chunk into ``session``'s transaction (an empty file is one empty last chunk)."""
    count = max(1, -(-len(data) // CHUNK_BYTES))
    for position in range(count):
        piece = data[position * CHUNK_BYTES : (position + 1) * CHUNK_BYTES]
        token = ring.encrypt(_header(key, position, position == count - 1) + piece)
        session.execute(insert(BlobChunk).values(storage_key=key, position=position, ciphertext=token))


def has_chunks(session: Session, key: str) -> bool:
    return session.scalar(select(BlobChunk.position).where(BlobChunk.storage_key == key).limit(1)) is not None


def session_fetch(session: AnySession, key: str) -> FetchChunk:
    """Read chunks through ``session`` (sees its own transaction's writes)."""

    def fetch(position: int) -> bytes | None:
        return session.scalar(
            select(BlobChunk.ciphertext).where(BlobChunk.storage_key == key, BlobChunk.position == position)
        )

    return fetch


def decrypted_chunks(ring: KeyRing, key: str, fetch: FetchChunk) -> Iterator[bytes]:
    """The plaintext of ``key``, chunk by chunk; ``InvalidToken`` for a missing, moved or tampered chunk."""
    position = 0
    while True:
        token = fetch(position)
        if token is None:
            raise InvalidToken  # a file cut short (or never written): refuse rather than send part of it
        header, _, data = ring.decrypt(token).partition(b"\n")
        name, found, last = header.decode().split(":")
        if name != key or int(found) != position:
            raise InvalidToken
        yield data
        if last == "1":
            return
        position += 1


def rewrite_chunks(session: AnySession, key: str, transform: Callable[[bytes], bytes]) -> int:
    """Replace every chunk's token by ``transform(token)`` (key rotation); the number of chunks rewritten."""
    positions = session.scalars(
        select(BlobChunk.position).where(BlobChunk.storage_key == key).order_by(BlobChunk.position)
    ).all()
    fetch = session_fetch(session, key)
    for position in positions:
        token = transform(fetch(position) or b"")
        session.execute(
            update(BlobChunk)
            .where(BlobChunk.storage_key == key, BlobChunk.position == position)
            .values(ciphertext=token)
        )
    return len(positions)


def delete_chunks(session: Session, key: str) -> None:
    session.execute(delete(BlobChunk).where(BlobChunk.storage_key == key))
