"""What the register publishes beyond a case's plain columns: texts written for the public (docs/architecture.md §5).

A ``Publication`` is one public text of a case: the redacted summary of the case (``case_summary``) or the public
summary of one decision (``decision_summary``: its outcome, or for an admissibility decision its public reasons).
The secretariat drafts it, in one language or several (the draft is a working copy, encrypted like every text
staff write); the chair approves it, which copies the draft into ``published_texts`` (plain: it is public from that
moment, and the register and open data read it without decrypting 100,000 rows); withdrawing empties that copy.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import CreatedAtMixin, UTCDateTime, one_of
from portal.core.encrypted import EncryptedJSON
from portal.core.roles import CASE_STAFF, Role
from portal.extensions import db


class PublicItem(StrEnum):
    CASE_SUMMARY = "case_summary"
    DECISION_SUMMARY = "decision_summary"


class PublicationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Publication(CreatedAtMixin, db.Model):
    __tablename__ = "publications"
    __table_args__ = (
        CheckConstraint(one_of("item", PublicItem), name="valid_item"),
        CheckConstraint(one_of("status", PublicationStatus), name="valid_status"),
        CheckConstraint("(item = 'decision_summary') = (decision_id IS NOT NULL)", name="decision_item_has_decision"),
        # One case summary per case; one public summary per decision (decision_id is unique below).
        Index(
            "uq_publications_case_summary",
            "case_id",
            unique=True,
            sqlite_where=text("item = 'case_summary'"),
            postgresql_where=text("item = 'case_summary'"),
        ),
        # The feed and "last updated" read published items newest first.
        Index("ix_publications_status_published_at", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), unique=True)
    item: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default=PublicationStatus.DRAFT)
    draft_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # {locale: text} as approved; None unless published.
    published_texts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # {locale: text}: the secretariat's working draft with its translations.
    draft = EncryptedJSON("draft_encrypted")

    decision = relationship("Decision")

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @property
    def draft_differs(self) -> bool:
        """Whether the draft holds changes the chair has not approved yet."""
        return bool(self.draft) and self.draft != (self.published_texts or {})

    def text_for(self, locale: str) -> tuple[str, str] | None:
        """(locale, text) of the published text in ``locale``, else in English, else the first written."""
        texts = self.published_texts or {}
        for code in (locale, "en", *texts):
            if texts.get(code):
                return code, texts[code]
        return None


# The rules of the workflow, as data the staff page and the operations both read (docs/architecture.md §4).
def can_draft(user) -> bool:
    """The secretariat drafts (the chair, also case staff, may correct a draft before approving it)."""
    return user.is_authenticated and user.role in CASE_STAFF


def can_approve(user) -> bool:
    """Only the chair approves a publication: the committee answers for what the public reads."""
    return user.is_authenticated and user.role == Role.CHAIR


def can_withdraw(user) -> bool:
    """Any case staff may take an item down at once, e.g. when a person is newly at risk."""
    return user.is_authenticated and user.role in CASE_STAFF


def can_release(user) -> bool:
    """The secretariat releases a flagged case to the register once it is closed."""
    return user.is_authenticated and user.role in CASE_STAFF
