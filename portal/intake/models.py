"""What intake keeps server-side besides the case: receipt holder sessions that were ended on purpose, and a
receipt waiting to be shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow
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
