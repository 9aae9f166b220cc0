"""The audit trail: append-only, each entry sealed with the hash of the one before (a tamper-evident chain)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(64), index=True)  # "case:42", "user:7"
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON; never case content or identity
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)

    def compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.previous_hash,
                self.created_at.isoformat(timespec="microseconds"),
                self.actor_id,
                self.action,
                self.target,
                self.data,
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()
