"""The working translation of the complainant's original description (docs/architecture.md §5).

The description is what the complainant wrote, in their language; case staff may keep beside it a translation into
the working language, encrypted like the original, changed by whoever reads it better later. Replies have their own
working translation on the entry (``casework.set_working_translation``); the description is not an entry, so its
translation is one row per case here. Every change is audited (``description_translated``: who and when, never the
words).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.models import Case
from portal.core import signals
from portal.core.db import CreatedAtMixin, UTCDateTime, utcnow
from portal.core.encrypted import EncryptedText
from portal.extensions import db
from portal.users.models import User


class DescriptionTranslation(CreatedAtMixin, db.Model):
    __tablename__ = "description_translations"

    # Its own id (not the case's) so that key rotation walks it like every encrypted table (core/rotation.py).
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    text_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    # The interface language of the person who wrote it last: the working language the text is in.
    locale: Mapped[str] = mapped_column(String(16))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    text = EncryptedText("text_encrypted")

    updated_by: Mapped[User | None] = relationship()


def description_translation(case: Case) -> DescriptionTranslation | None:
    return db.session.scalar(select(DescriptionTranslation).where(DescriptionTranslation.case_id == case.id))


def set_description_translation(case: Case, actor: User, text: str | None, locale: str) -> None:
    """Write, change or (with an empty text) remove the working translation of ``case``'s description."""
    current = description_translation(case)
    text = (text or "").strip()
    if not text:
        if current is None:
            return
        db.session.delete(current)
    else:
        if current is None:
            current = DescriptionTranslation(case_id=case.id)
            db.session.add(current)
        current.text = text
        current.locale = locale
        current.updated_by_id = actor.id
        current.updated_at = utcnow()
    db.session.flush()
    signals.description_translated.send(case, actor=actor)
