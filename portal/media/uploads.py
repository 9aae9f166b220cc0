"""Checking and cleaning evidence files before they are stored (docs/architecture.md §8).

A file's type is decided by its content (magic bytes), and the name's extension must agree with it, so a PDF
renamed ``.jpg`` or a program renamed ``.pdf`` is refused. Then each file is cleaned of what could identify the
person: photos (``photos.py``), PDFs (``documents.py``), audio and video (``recordings.py``). Nothing here touches
the database or the attachment store.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.media.budget import budget
from portal.media.photos import PHOTO_FORMATS, PhotoLimits, PhotoTooLarge, PhotoUnreadable, clean_photo, decoded_pixels
from portal.media.recordings import FORMATS as RECORDING_FORMATS
from portal.media.recordings import strip_recording

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
_SEMAPHORES: dict[int, threading.BoundedSemaphore] = {}
_SEMAPHORE_LOCK = threading.Lock()
ACCEPT_ATTRIBUTE = "image/*,audio/*,video/mp4,video/3gpp,application/pdf"


class UploadRejected(Exception):
    """A file that will not be stored; ``message`` is already in the person's language."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status
        # The upload that was refused, when one was (a form with several file fields shows the error at its own).
        self.upload: FileStorage | None = None


@dataclass(frozen=True)
class PreparedFile:
    name: str
    content_type: str
    data: bytes
    # False when a PDF or recording could not be cleaned of metadata and is kept as sent (staff-only, §8).
    cleaned: bool = True

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _semaphore(size: int) -> threading.BoundedSemaphore:
    with _SEMAPHORE_LOCK:
        if size not in _SEMAPHORES:
            _SEMAPHORES[size] = threading.BoundedSemaphore(size)
        return _SEMAPHORES[size]


def _clean(data: bytes, content_type: str, name: str) -> tuple[bytes, bool]:
    """The cleaned content and whether cleaning worked; an uncleanable PDF or recording is kept as it came."""
    config = current_app.config
    if content_type in PHOTO_FORMATS:
        try:
            limits = PhotoLimits(
                config["MEDIA_MAX_PIXELS"], config["MEDIA_MAX_DECODED_PIXELS"], config["MEDIA_PHOTO_MAX_SIDE"]
            )
            # Large photos take turns: the pixels decoded at once in this process stay within the budget.
            with budget(config["MEDIA_DECODE_BUDGET_PIXELS"]).reserve(decoded_pixels(data, content_type, limits)):
                return clean_photo(data, content_type, limits), True
        except PhotoTooLarge as error:
            raise UploadRejected(
                _("The photo %(name)s is too large to process. Please send a smaller photo.", name=name)
            ) from error
        except PhotoUnreadable as error:
            raise UploadRejected(
                _("The photo %(name)s could not be read. Please choose another file.", name=name)
            ) from error
    cleaned = None
    if content_type == "application/pdf":
        # Imported on the first PDF, not with the app: pikepdf (qpdf) is 16 MB in every web worker otherwise.
        from portal.media.documents import strip_pdf

        cleaned = strip_pdf(data)
    if content_type in RECORDING_FORMATS:
        cleaned = strip_recording(data, content_type, config["MEDIA_FFMPEG_TIMEOUT"])
    return (cleaned, True) if cleaned is not None else (data, False)


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
    # A few files at a time per process: four bombs posted at once cannot take four times the memory.
    with _semaphore(current_app.config["MEDIA_CONCURRENCY"]):
        data, cleaned = _clean(data, kind.mime, name)
    return PreparedFile(name=name, content_type=kind.mime, data=data, cleaned=cleaned)


def prepare_uploads(uploads: list[FileStorage]) -> list[PreparedFile]:
    """Read, check and clean the chosen files; raise ``UploadRejected`` for the first problem."""
    uploads = [upload for upload in uploads if upload and upload.filename]
    config = current_app.config
    if len(uploads) > config["UPLOAD_MAX_FILES"]:
        raise UploadRejected(_("You can send at most %(num)d files at once.", num=config["UPLOAD_MAX_FILES"]))
    prepared, total = [], 0
    max_mb = config["UPLOAD_MAX_FILE_BYTES"] // (1024 * 1024)
    for upload in uploads:
        try:
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
        except UploadRejected as rejected:
            rejected.upload = upload
            raise
    return prepared
