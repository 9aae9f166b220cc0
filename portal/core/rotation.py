"""Re-encrypting everything under the newest key of the ring (``flask portal rotate-keys``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import LargeBinary, select, update

from portal.core.crypto import KeyRing
from portal.core.db import Base
from portal.core.storage import rewrite_blob
from portal.extensions import db

BATCH = 500


def encrypted_columns() -> Iterator[tuple[type[Any], list[str]]]:
    """Every model with ``*_encrypted`` columns, and those column names."""
    for mapper in Base.registry.mappers:  # db.Model shares Base's registry (model_class=Base)
        columns = [
            column.key
            for column in mapper.columns
            if column.key.endswith("_encrypted") and isinstance(column.type, LargeBinary)
        ]
        if columns:
            yield mapper.class_, columns


def reencrypt_database(ring: KeyRing) -> int:
    """Rotate every encrypted value, batch by batch (each batch its own transaction). Returns values rotated."""
    rotated = 0
    for model, columns in encrypted_columns():
        last_id = 0
        while True:
            rows = db.session.execute(
                select(model.id, *[getattr(model, name) for name in columns])
                .where(model.id > last_id)
                .order_by(model.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            for row in rows:
                values = {
                    name: ring.rotate(token) for name, token in zip(columns, row[1:], strict=True) if token is not None
                }
                if values:
                    db.session.execute(update(model).where(model.id == row[0]).values(**values))
                    rotated += len(values)
            last_id = rows[-1][0]
            db.session.commit()
    return rotated


def reencrypt_blobs(ring: KeyRing, storage_keys: Iterable[str]) -> int:
    """Rotate every stored file named in ``storage_keys`` (the caller knows which models own files), in either
    store: a file's chunks in the database are rotated in one transaction per file, a folder file is replaced."""
    count = 0
    for key in storage_keys:
        rewrite_blob(key, ring.rotate)
        count += 1
    return count
