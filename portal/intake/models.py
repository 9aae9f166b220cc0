"""Server-side memory of the receipt holder's sessions: only those that were ended on purpose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime
from portal.extensions import db


class EndedHolderSession(db.Model):
    """A receipt holder's session that was left ("leave"): a copy of its cookie must not open the case again.

    Kept only until the session would have run out anyway (FOLLOW_UP_SESSION_HOURS after it began). The id is a
    keyed hash of the random session id in the cookie; nothing here names a case or a person.
    """

    __tablename__ = "ended_holder_sessions"

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
