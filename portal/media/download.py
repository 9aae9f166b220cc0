"""Serving a stored file: decrypted on the fly, always as a download, never from a static path."""

from __future__ import annotations

import io
from collections.abc import Iterator

from flask import Response, send_file

from portal.core.storage import open_blob


class _PiecesReader(io.RawIOBase):
    """A read-only file over decrypted pieces, so ``send_file`` streams them as they come (one chunk in memory)."""

    def __init__(self, pieces: Iterator[bytes]):
        self._pieces = pieces
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending = memoryview(piece)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def send_decrypted(storage_key: str, content_type: str, download_name: str, size: int | None = None) -> Response:
    response = send_file(
        io.BufferedReader(_PiecesReader(open_blob(storage_key)), buffer_size=64 * 1024),
        mimetype=content_type,
        as_attachment=True,
        download_name=download_name,
    )
    if size is not None:
        response.content_length = size
    response.headers["Cache-Control"] = "no-store"
    return response
