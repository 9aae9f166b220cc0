"""Checking and cleaning evidence files before they are stored (docs/architecture.md §8).

A file's type is decided by its content (magic bytes), and the name's extension must agree with it, so a PDF
renamed ``.jpg`` or a program renamed ``.pdf`` is refused. Photos are re-encoded by Pillow, which drops EXIF and
GPS data. Nothing here touches the database or the disk.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

# Detected type -> the extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, set[str]] = {
    "image/jpeg": {"jpg", "jpeg", "jfif"},
    "image/png": {"png"},
    "image/webp": {"webp"},
    "application/pdf": {"pdf"},
    "audio/ogg": {"ogg", "oga", "opus"},
    "audio/mp4": {"m4a", "mp4", "aac"},
    "audio/aac": {"aac", "m4a"},
    "audio/mpeg": {"mp3"},
    "audio/x-wav": {"wav"},
    "audio/amr": {"amr"},
    "video/mp4": {"mp4", "m4v", "m4a"},
    "video/3gpp": {"3gp", "3gpp"},
}
PHOTO_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
ACCEPT_ATTRIBUTE = "image/*,audio/*,video/mp4,video/3gpp,application/pdf"


class UploadRejected(Exception):
    """A file that will not be stored; ``message`` is already in the person's language."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PreparedFile:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _strip_photo(data: bytes, content_type: str, name: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                # Turn the photo upright first: its orientation lives in the EXIF data we are about to drop.
                upright = ImageOps.exif_transpose(image)
                if upright.mode not in ("RGB", "RGBA", "L", "LA", "P") or (
                    content_type == "image/jpeg" and upright.mode != "RGB" and upright.mode != "L"
                ):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                options = {"quality": 90} if content_type != "image/png" else {"optimize": True}
                upright.save(out, format=PHOTO_FORMATS[content_type], **options)
                return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombWarning) as error:
        raise UploadRejected(
            _("The photo %(name)s could not be read. Please choose another file.", name=name)
        ) from error


def _prepare_one(upload: FileStorage, data: bytes) -> PreparedFile:
    name = PurePath(upload.filename or "file").name[:200] or "file"
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UploadRejected(
            _(
                "The file %(name)s is not a photo, PDF document, voice recording or video we can accept.",
                name=name,
            )
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension and extension not in ALLOWED_TYPES[kind.mime]:
        raise UploadRejected(
            _(
                "The name of the file %(name)s does not match its content. Please choose the original file.",
                name=name,
            )
        )
    if kind.mime in PHOTO_FORMATS:
        data = _strip_photo(data, kind.mime, name)
    return PreparedFile(name=name, content_type=kind.mime, data=data)


def prepare_uploads(uploads: list[FileStorage]) -> list[PreparedFile]:
    """Read, check and clean the chosen files; raise ``UploadRejected`` for the first problem."""
    uploads = [upload for upload in uploads if upload and upload.filename]
    config = current_app.config
    if len(uploads) > config["UPLOAD_MAX_FILES"]:
        raise UploadRejected(_("You can send at most %(num)d files at once.", num=config["UPLOAD_MAX_FILES"]))
    prepared, total = [], 0
    max_mb = config["UPLOAD_MAX_FILE_BYTES"] // (1024 * 1024)
    for upload in uploads:
        data = upload.stream.read(config["UPLOAD_MAX_FILE_BYTES"] + 1)
        if len(data) > config["UPLOAD_MAX_FILE_BYTES"]:
            raise UploadRejected(
                _("The file %(name)s is larger than %(size)d MB.", name=upload.filename, size=max_mb),
                status=413,
            )
        if not data:
            raise UploadRejected(_("The file %(name)s is empty.", name=upload.filename))
        total += len(data)
        if total > config["UPLOAD_MAX_TOTAL_BYTES"]:
            raise UploadRejected(
                _(
                    "Together the files are larger than %(size)d MB.",
                    size=config["UPLOAD_MAX_TOTAL_BYTES"] // (1024 * 1024),
                ),
                status=413,
            )
        prepared.append(_prepare_one(upload, data))
    return prepared
