"""Small previews of photo evidence, made once at upload and stored encrypted like the photo (§8).

A thumbnail is made from the photo already cleaned (``photos.clean_photo``: no EXIF, no GPS, upright), so it carries
no metadata either; it is re-encoded as a JPEG of at most ``THUMBNAIL_SIDE`` pixels on its long side and kept in the
same encrypted store (``core/storage.py``: the folder or the database's chunks) under a storage key of its own. It is
served only through the route that serves its photo, after the same checks (``cases/attachments.may_download``), so
whoever may not fetch the photo may not fetch its preview. Photos stored before thumbnails existed get theirs from
``flask portal make-thumbnails``.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import CreatedAtMixin
from portal.core.storage import store_blob
from portal.extensions import db
from portal.media.photos import PHOTO_FORMATS

THUMBNAIL_SIDE = 320
THUMBNAIL_TYPE = "image/jpeg"


class Thumbnail(CreatedAtMixin, db.Model):
    __tablename__ = "attachment_thumbnails"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The photo's attachment (``cases.models.Attachment``), named by table: media sits below cases (§6).
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), unique=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)

    # Set at upload before the attachment has an id; the unit of work writes the attachment first.
    attachment = relationship("Attachment")


def is_photo(content_type: str) -> bool:
    return content_type in PHOTO_FORMATS


def make_thumbnail(data: bytes) -> tuple[bytes, int, int] | None:
    """A JPEG preview of a cleaned photo and its size, or None if it cannot be read (it was cleaned, so rarely)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # JPEGs decode at a reduced scale
            small = ImageOps.exif_transpose(image)
            small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            if small.mode != "RGB":
                small = small.convert("RGB")
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=80, optimize=True)
            return out.getvalue(), small.width, small.height
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def store_thumbnail(attachment, data: bytes) -> Thumbnail | None:
    """Make and store the preview of ``attachment``, whose cleaned photo is ``data``; written with the attachment
    (in the same transaction: a rollback takes both away)."""
    made = make_thumbnail(data)
    if made is None:
        return None
    content, width, height = made
    thumbnail = Thumbnail(storage_key=store_blob(db.session, content), width=width, height=height, size=len(content))
    thumbnail.attachment = attachment
    db.session.add(thumbnail)
    return thumbnail


def thumbnails_of(attachment_ids: list[int]) -> dict[int, Thumbnail]:
    """The thumbnails of these attachments, by attachment id, in one query (a case page lists many files)."""
    if not attachment_ids:
        return {}
    rows = db.session.scalars(select(Thumbnail).where(Thumbnail.attachment_id.in_(attachment_ids)))
    return {row.attachment_id: row for row in rows}


def thumbnail_keys() -> list[str]:
    """Every thumbnail's storage key (key rotation re-encrypts them with the attachments)."""
    return list(db.session.scalars(select(Thumbnail.storage_key)))


def known_thumbnail_keys(keys: list[str]) -> set[str]:
    """Which of ``keys`` are thumbnails (``sweep-files`` must not take them for orphans)."""
    return set(db.session.scalars(select(Thumbnail.storage_key).where(Thumbnail.storage_key.in_(keys))))
