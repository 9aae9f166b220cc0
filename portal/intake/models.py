"""A receipt waiting to be shown: the one thing intake keeps about a receipt besides its keyed hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db


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
