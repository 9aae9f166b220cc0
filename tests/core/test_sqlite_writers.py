"""SQLite writers take turns in arrival order (portal/core/sqlite_writers.py): a writer that arrives while others
keep the database busy gets its turn, instead of starving in sqlite3's busy handler past the timeout."""

from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine, text

from portal.core import sqlite_writers
from portal.core.sqlite_writers import WriterQueue


def test_a_late_writer_gets_its_turn_while_others_keep_writing(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}", connect_args={"timeout": 1.0})
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)"))
    stop = threading.Event()
    failures: list[Exception] = []

    def busy_writer(name: str) -> None:
        while not stop.is_set():
            try:
                with engine.begin() as connection:
                    connection.execute(text("INSERT INTO t (who) VALUES (:who)"), {"who": name})
                    time.sleep(0.04)  # the write lock held while a request does its work
            except Exception as error:
                failures.append(error)

    busy = [threading.Thread(target=busy_writer, args=(f"busy-{i}",)) for i in range(6)]
    for thread in busy:
        thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t (who) VALUES ('late')"))
        waited = time.monotonic() - started
    finally:
        stop.set()
        for thread in busy:
            thread.join()
        engine.dispose()
    assert not failures
    assert waited < 0.6  # six writers ahead at most, 40 ms each, far inside the 1 s timeout


def test_the_queue_hands_over_in_arrival_order_and_a_waiter_can_give_up():
    queue = WriterQueue()
    assert queue.acquire(timeout=0.1)
    order: list[int] = []

    def wait_then_record(number: int) -> None:
        assert queue.acquire(timeout=5)
        order.append(number)
        queue.release()

    waiters = []
    for number in range(5):
        thread = threading.Thread(target=wait_then_record, args=(number,))
        thread.start()
        waiters.append(thread)
        time.sleep(0.02)  # each arrives after the one before
    assert not queue.acquire(timeout=0.05)  # gives up its place: the holder has not released
    queue.release()
    for thread in waiters:
        thread.join()
    assert order == [0, 1, 2, 3, 4]
    assert queue.acquire(timeout=0.01)  # free again once every waiter has passed
    queue.release()


def test_only_sqlite_writes_queue(app):
    from portal.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        assert sqlite_writers._HOLDS not in connection.info  # reads never queue
        if app.config["DATABASE_KIND"] == "sqlite":
            connection.execute(text("DELETE FROM tags WHERE 1 = 0"))
            assert sqlite_writers._HOLDS in connection.info
            connection.rollback()
        assert sqlite_writers._HOLDS not in connection.info
