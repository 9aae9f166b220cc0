from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.workflow import Clock
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of
from portal.extensions import db


class ReminderSent(CreatedAtMixin, db.Model):
    """A deadline reminder or escalation already sent, so the hourly cron never repeats itself."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("case_id", "clock", "due_at", "kind"),
        CheckConstraint(one_of("clock", Clock), name="valid_clock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    clock: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))  # "reminder" before the deadline, "escalation" after it


class StaffNoticeSent(db.Model):
    """When a staff member was last told about activity on a case, so a flood of replies sends one mail per
    ``STAFF_NOTICE_INTERVAL_MINUTES`` (portal/notifications/receivers.py)."""

    __tablename__ = "staff_notices_sent"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
