"""The statistics page's figures, stored once per version of the register (docs/architecture.md §8 "Statistics").

A snapshot holds the published figures only (small counts already suppressed, ``suppression.py``): the raw counts
are never stored. It is keyed by the register's version (``queries.register_version``, the newest audit entry of a
signal that can change what is public), so every app server reads the same snapshot, and a change to any case's
public fields makes the next reader build a new one. ``flask portal refresh-statistics`` builds it ahead of time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db


class StatisticsSnapshot(db.Model):
    __tablename__ = "statistics_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)


def stored(version: int) -> dict[str, Any] | None:
    return db.session.scalar(select(StatisticsSnapshot.figures).where(StatisticsSnapshot.version == version))


def store(version: int, figures: dict[str, Any]) -> None:
    """Keep ``figures`` as the snapshot of ``version`` and forget older ones. Two servers building the same version
    at once: the second insert fails on the unique version and is dropped (both built the same figures)."""
    try:
        with db.session.begin_nested():
            db.session.add(StatisticsSnapshot(version=version, figures=figures))
    except IntegrityError:
        pass
    db.session.execute(delete(StatisticsSnapshot).where(StatisticsSnapshot.version < version))


def replace(version: int, figures: dict[str, Any]) -> None:
    """Make ``figures`` the only snapshot, whatever was stored (a rebuild on demand)."""
    db.session.execute(delete(StatisticsSnapshot))
    db.session.add(StatisticsSnapshot(version=version, figures=figures))
    db.session.flush()
