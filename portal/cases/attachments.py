"""Storing cleaned evidence files as attachments of a timeline entry (encrypted name and content)."""

from __future__ import annotations

from flask import Response

from portal.cases.models import Attachment, AttachmentPurpose, CaseEntry
from portal.core.crypto import encrypt_text
from portal.core.roles import CASE_STAFF
from portal.core.storage import store_blob
from portal.extensions import db
from portal.media.download import send_decrypted
from portal.media.thumbnails import THUMBNAIL_TYPE, Thumbnail, is_photo, store_thumbnail
from portal.media.uploads import PreparedFile


def attach_files(
    entry: CaseEntry, files: list[PreparedFile], purpose: AttachmentPurpose = AttachmentPurpose.EVIDENCE
) -> None:
    """Store the files on ``entry``; ``purpose`` says what they are (evidence, or a representative's mandate)."""
    for prepared in files:
        attachment = Attachment(
            name_encrypted=encrypt_text(prepared.name),
            content_type=prepared.content_type,
            size=len(prepared.data),
            sha256=prepared.sha256,
            storage_key=store_blob(db.session, prepared.data),
            cleaned=prepared.cleaned,
            purpose=purpose,
        )
        entry.attachments.append(attachment)
        if prepared.cleaned and is_photo(prepared.content_type):
            store_thumbnail(attachment, prepared.data)  # encrypted like the photo, under a key of its own


def may_download(attachment: Attachment, user) -> bool:
    """A file whose metadata could not be removed may name or place the person: only case staff get it (§8)."""
    return attachment.cleaned or user.is_in(CASE_STAFF)


def send_thumbnail(attachment: Attachment, thumbnail: Thumbnail) -> Response:
    """The preview of a photo: call only after the checks that would let the photo itself be downloaded."""
    return send_decrypted(thumbnail.storage_key, THUMBNAIL_TYPE, "thumbnail.jpg", size=thumbnail.size)


def send_attachment(attachment: Attachment) -> Response:
    return send_decrypted(
        attachment.storage_key, attachment.content_type, attachment.original_name, size=attachment.size
    )
