"""Serving a stored file: decrypted on the fly, always as a download, never from a static path."""

from __future__ import annotations

import io

from flask import Response, send_file

from portal.core.storage import read_blob


def send_decrypted(storage_key: str, content_type: str, download_name: str) -> Response:
    response = send_file(
        io.BytesIO(read_blob(storage_key)),
        mimetype=content_type,
        as_attachment=True,
        download_name=download_name,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
