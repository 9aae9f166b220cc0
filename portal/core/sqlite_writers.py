"""SQLite writers take turns in arrival order within a process.

SQLite lets one writer in at a time; the others retry in sqlite3's busy handler, which sleeps longer and longer
between tries (up to 100 ms). A writer that has waited long therefore polls rarely, and newcomers polling every
millisecond overtake it: under a burst of submissions one of them can wait past ``DB_BUSY_TIMEOUT_SECONDS`` and its
visitor gets a 503 while later visitors get through. The default deployment is one process with threads
(gunicorn.conf.py), so within the process the writers queue here instead, first come first served, and SQLite's
own busy wait remains for the rare writer in another process (a ``flask portal`` command).

A connection joins the queue at its first INSERT, UPDATE or DELETE and leaves it when its transaction commits or
rolls back, or when the pool takes the connection back or drops it. Whoever waits longer than the busy timeout
gives up its place and goes on to SQLite's busy wait, so a connection that somehow never ends its transaction
slows writers down but cannot stall them. PostgreSQL needs none of this: it locks rows, not the database.
"""

from __future__ import annotations

import threading
from collections import deque

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HOLDS = "portal_sqlite_writer"  # key in the connection record's info: the queue this connection holds
_BUSY_TIMEOUT = "portal_sqlite_busy_timeout"


class WriterQueue:
    """A lock handed to waiters in arrival order (``threading.Lock`` lets a newcomer barge in)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held and not self._waiting:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True  # handed over by release(): held on our behalf
        with self._mutex:
            if turn.is_set():  # handed over between the timeout and taking the mutex
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # stays held: ownership passes to the first waiter
            else:
                self._held = False


_queues: dict[str, WriterQueue] = {}
_queues_mutex = threading.Lock()


def _queue_for(engine: Engine) -> WriterQueue:
    with _queues_mutex:
        return _queues.setdefault(str(engine.url.database or ":memory:"), WriterQueue())


def _release(info: dict) -> None:
    queue = info.pop(_HOLDS, None)
    if queue is not None:
        queue.release()


@event.listens_for(Engine, "before_cursor_execute")
def _join_queue(conn, cursor, statement, parameters, context, executemany) -> None:
    if conn.dialect.name != "sqlite" or _HOLDS in conn.info:
        return
    if not statement.lstrip()[:7].upper().startswith(_WRITES):
        return
    queue = _queue_for(conn.engine)
    if queue.acquire(conn.info.get(_BUSY_TIMEOUT, 5.0)):
        conn.info[_HOLDS] = queue


@event.listens_for(Engine, "connect")
def _remember_busy_timeout(dbapi_connection, connection_record) -> None:
    """The wait in the queue is bounded like SQLite's own (sqlite3's ``timeout``, set from engine_options)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        (milliseconds,) = dbapi_connection.execute("PRAGMA busy_timeout").fetchone()
        connection_record.info[_BUSY_TIMEOUT] = milliseconds / 1000


@event.listens_for(Engine, "commit")
def _leave_on_commit(conn) -> None:
    _release(conn.info)


@event.listens_for(Engine, "rollback")
def _leave_on_rollback(conn) -> None:
    _release(conn.info)


@event.listens_for(Pool, "reset")
def _leave_on_reset(dbapi_connection, connection_record, reset_state=None) -> None:
    _release(connection_record.info)


@event.listens_for(Pool, "invalidate")
def _leave_on_invalidate(dbapi_connection, connection_record, exception=None) -> None:
    _release(connection_record.info)


@event.listens_for(Pool, "close")
def _leave_on_close(dbapi_connection, connection_record) -> None:
    _release(connection_record.info)
