"""Declarative base, naming convention and engine settings shared by every model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, MetaData, event, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from portal.core import sqlite_writers  # noqa: F401  (SQLite writers queue in arrival order: see that module)

# Stable constraint names make migrations reviewable and downgrades possible on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values) -> str:
    """SQL for a CHECK constraint keeping ``column`` within an enum's values: the database guards the invariant too."""
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


def utcnow() -> datetime:
    return datetime.now(UTC)


def upsert(session, model):
    """An INSERT of ``model`` that can say ``on_conflict_do_update``/``_nothing``, in the session's dialect (both
    dialects spell it alike): one statement, so two requests writing the same row at once both succeed, where a
    read-then-insert lets the second fail on the unique key."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return (postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(model)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use portal.core.db.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: write-ahead log so readers never wait for the writer, foreign keys enforced, files mode 0600."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # The busy timeout comes from engine_options (sqlite3's ``timeout``).
    # The database holds every case: the service user's only, whatever the umask (SQLite creates the -wal and
    # -shm files with the database file's mode, so they follow).
    path = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
    cursor.close()
    for name in (path, f"{path}-wal", f"{path}-shm") if path else ():
        if os.path.exists(name) and os.stat(name).st_mode & 0o777 != 0o600:
            os.chmod(name, 0o600)


def engine_options(config: Mapping) -> dict:
    """``SQLALCHEMY_ENGINE_OPTIONS`` plus bounded waits for the configured database.

    SQLite: a writer waits ``DB_BUSY_TIMEOUT_SECONDS`` for another (sqlite3's ``timeout`` is its busy timeout).
    PostgreSQL: ``connect_timeout``, and ``statement_timeout`` / ``lock_timeout`` set for every session; 0 leaves
    one out (a connection pooler in transaction mode may refuse startup options)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    backend = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if backend == "sqlite":
        connect_args.setdefault("timeout", config["DB_BUSY_TIMEOUT_SECONDS"])
    elif backend == "postgresql":
        connect_args.setdefault("connect_timeout", config["DB_CONNECT_TIMEOUT_SECONDS"])
        settings = [
            f"-c {name}={seconds * 1000}"
            for name, seconds in (
                ("statement_timeout", config["DB_STATEMENT_TIMEOUT_SECONDS"]),
                ("lock_timeout", config["DB_LOCK_TIMEOUT_SECONDS"]),
            )
            if seconds
        ]
        if settings:
            connect_args.setdefault("options", " ".join(settings))
    options["connect_args"] = connect_args
    return options
