"""``Idempotency-Key`` for filing through the API: a retry never files twice.

A client sends a key of its choosing with each new grievance and the same key when it retries. The row
(``api_idempotency_keys``: unique per organisation and key) is written *before* the case, in the same transaction:
of two requests racing with one key, the second waits on the unique index until the first commits, then fails on
it, rolls back whole (no second case) and answers with the first one's case. The request body's fingerprint tells
a retry (the same body: the same case again) from a mistake (another body under a used key: 409).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.models import Case
from portal.core.db import CreatedAtMixin
from portal.extensions import db

KEY_MAX = 200


class IdempotencyKey(CreatedAtMixin, db.Model):
    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("organisation_id", "key", name="uq_api_idempotency_keys_organisation_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the request body, canonical JSON
    # NULL only inside the filing transaction, between the key's row and the case it files.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))


class KeyReused(Exception):
    """The key was used before with another request body."""


def fingerprint(body: dict) -> str:
    """The same JSON, whatever its key order or spacing, gives the same fingerprint."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _earlier(organisation_id: int, key: str, digest: str) -> Case | None:
    row = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.organisation_id == organisation_id, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.fingerprint != digest:
        raise KeyReused(key)
    return db.session.get(Case, row.case_id) if row.case_id is not None else None


def file_once(organisation_id: int, key: str, digest: str, file: Callable[[], Case]) -> tuple[Case, bool]:
    """The case filed under ``key``: an earlier one (False), or the one ``file`` files now (True).
    Raises ``KeyReused`` for a known key with another body."""
    earlier = _earlier(organisation_id, key, digest)
    if earlier is not None:
        return earlier, False
    row = IdempotencyKey(organisation_id=organisation_id, key=key, fingerprint=digest)
    db.session.add(row)
    try:
        db.session.flush()  # on PostgreSQL this waits for a concurrent request holding the same key
    except IntegrityError:
        db.session.rollback()  # the whole transaction: nothing of ours is half-written
        earlier = _earlier(organisation_id, key, digest)
        if earlier is None:
            raise
        return earlier, False
    case = file()
    row.case_id = case.id
    db.session.flush()
    return case, True
