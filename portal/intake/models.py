"""What intake keeps server-side besides the case: receipt holder sessions that were ended on purpose, a
receipt waiting to be shown, and a half-filled complaint (the stepwise form's draft and its files)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.models import AttachmentPurpose
from portal.core.db import UTCDateTime, one_of, utcnow
from portal.extensions import db


class EndedHolderSession(db.Model):
    """A receipt holder's session that was left ("leave"): a copy of its cookie must not open the case again.

    Kept only until the session would have run out anyway (FOLLOW_UP_SESSION_HOURS after it began). The id is a
    keyed hash of the random session id in the cookie; nothing here names a case or a person.
    """

    __tablename__ = "ended_holder_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class HeldReceipt(db.Model):
    """The receipt of a grievance just filed, encrypted with the key ring, until its page has been shown.

    Only for the case where the answer to the form is lost on the way (a network cut, a closed browser): a
    resend with the same form token (``submission_hash``) shows the receipt again. The row is deleted when the
    receipt page is shown and is never read after ``HOLD_MINUTES`` (portal/intake/operations.py).
    """

    __tablename__ = "held_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)  # key rotation walks every encrypted table by id
    submission_hash: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ReportDraft(db.Model):
    """The answers of the stepwise form so far, encrypted, until the complaint is sent or a day has passed.

    Bound to one browser: ``draft_hash`` is a keyed hash of the random draft id kept in the signed session cookie,
    so neither the row nor a copy of the database leads to a browser. Swept after ``DRAFT_HOURS``
    (portal/intake/drafts.py); its files go with it (``ondelete`` cascade).
    """

    __tablename__ = "report_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    files: Mapped[list[DraftFile]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", passive_deletes=True, order_by="DraftFile.id"
    )


class DraftFile(db.Model):
    """A cleaned file chosen on a step (a voice note, a photo, a mandate document), encrypted in the row itself:
    nothing lies in the file store that a swept or sent draft could leave behind."""

    __tablename__ = "draft_files"
    __table_args__ = (CheckConstraint(one_of("purpose", AttachmentPurpose), name="valid_purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("report_drafts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    name_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    cleaned: Mapped[bool] = mapped_column(Boolean)
    content_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    draft: Mapped[ReportDraft] = relationship(back_populates="files")


class CaseReceipt(db.Model):
    """A further receipt on a case: a person an organisation filed for follows the case themselves
    (portal/orgs/filing.py). Like the case's own receipt, kept only as a keyed hash; it opens the same
    complainant view."""

    __tablename__ = "case_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case = relationship("Case")
