"""Check the audit trail's hash chain: every entry sealed by its own contents and by the entry before it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEntry

GENESIS_HASH = "0" * 64
BATCH_SIZE = 2000

_COLUMNS = (
    AuditEntry.id,
    AuditEntry.created_at,
    AuditEntry.actor_id,
    AuditEntry.action,
    AuditEntry.target,
    AuditEntry.data,
    AuditEntry.previous_hash,
    AuditEntry.entry_hash,
)


@dataclass
class ChainReport:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _rows(session: Session, batch_size: int) -> Iterator:
    """Every entry in id order, ``batch_size`` at a time (keyset pagination: no offset, no ORM identity map)."""
    last_id = 0
    while True:
        batch = session.execute(
            select(*_COLUMNS).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch_size)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _recomputed(row) -> str:
    """The hash the entry's stored contents give (a transient copy: nothing in the session changes)."""
    copy = AuditEntry(
        created_at=row.created_at.astimezone(UTC),  # a database may hand the time back in its own zone
        actor_id=row.actor_id,
        action=row.action,
        target=row.target,
        data=row.data,
        previous_hash=row.previous_hash,
    )
    return copy.compute_hash()


def check_chain(session: Session, batch_size: int = BATCH_SIZE) -> ChainReport:
    report = ChainReport()
    expected_previous, previous_id = GENESIS_HASH, None
    for row in _rows(session, batch_size):
        report.entries += 1
        if row.previous_hash != expected_previous:
            after = f"entry {previous_id}" if previous_id is not None else "the start of the chain"
            report.problems.append(
                f"entry {row.id}: does not follow {after} (an entry was deleted, inserted or reordered)"
            )
        if row.entry_hash != _recomputed(row):
            report.problems.append(f"entry {row.id}: its hash does not match its contents (the entry was edited)")
        expected_previous, previous_id = row.entry_hash, row.id
    return report
