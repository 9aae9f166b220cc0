"""Background tasks on Huey: a SQLite file in the instance folder by default, Redis in production.

``TASK_QUEUE_URL`` chooses the queue: unset, Huey's SQLite storage in ``<INSTANCE_PATH>/tasks.sqlite3`` (nothing
else to install); ``redis://…`` (or ``rediss://``, ``unix://``) Redis; ``memory://`` a queue inside this process
(the tests, which run what is queued with ``run_pending``).

A package declares a task with ``@task("name")`` at import time; each app makes its own ``TaskQueue`` (tests create
several apps), which registers the functions with its Huey instance and runs each inside that app's context, with a
session of its own. ``flask portal task-worker`` runs the consumer.

Like mail (``portal/notifications/mail.py``), ``enqueue_after_commit`` queues a task only once the transaction that
asked for it commits: a rolled-back request queues nothing. What a task works on must also be in the database, so
that a sweep can queue it again if the queue was down at commit time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy.orm import Session, scoped_session

from portal.core.after_commit import AfterCommit, Pending

if TYPE_CHECKING:
    from huey import Huey
    from huey.api import TaskWrapper

logger = logging.getLogger(__name__)

_FUNCTIONS: dict[str, Callable[..., None]] = {}
_EVERY_MINUTE: set[str] = set()  # tasks the consumer also runs once a minute
EXTENSION = "portal_tasks"


def task(name: str, *, every_minute: bool = False) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a task; its arguments must be JSON-like (ids, not objects: the worker loads what it needs)."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        _FUNCTIONS[name] = function
        if every_minute:
            _EVERY_MINUTE.add(name)
        return function

    return register


def make_huey(config: dict) -> Huey:
    # Imported here, not with the module: huey's storage imports the Redis and PostgreSQL clients it might use
    # (15 MB), and a web worker needs none of it until it first queues a task.
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    url = (config.get("TASK_QUEUE_URL") or "").strip()
    if not url:
        folder = Path(config["INSTANCE_PATH"])
        folder.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("portal", filename=str(folder / "tasks.sqlite3"), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("portal", url=url, results=False)
    if url == "memory://":
        return MemoryHuey("portal", results=False)
    raise ValueError("TASK_QUEUE_URL: expected redis://…, memory:// or nothing (the SQLite file)")


class TaskQueue:
    """One app's queue: its Huey instance and the declared tasks bound to the app."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey: Huey | None = None
        self._wrappers: dict[str, TaskWrapper] = {}

    @property
    def huey(self) -> Huey:
        """Made at the first use (see ``make_huey``)."""
        if self._huey is None:
            self._huey = make_huey(self.app.config)
        return self._huey

    def _wrapper(self, name: str) -> TaskWrapper:
        if name not in self._wrappers:
            function, app = _FUNCTIONS[name], self.app

            def run(*args: Any) -> None:
                with app.app_context():  # a context (and a database session) of its own, as in the worker
                    function(*args)

            run.__module__ = "portal.tasks"  # Huey's registry key is "<module>.<name>": the same in every process
            self._wrappers[name] = self.huey.task(name=name)(run)
            if name in _EVERY_MINUTE:
                from huey import crontab

                self.huey.periodic_task(crontab(minute="*"), name=f"{name}-periodic")(run)
        return self._wrappers[name]

    def register_all(self) -> None:
        for name in _FUNCTIONS:
            self._wrapper(name)

    def enqueue(self, name: str, *args: Any, delay: float | None = None) -> None:
        wrapper = self._wrapper(name)
        if delay:
            wrapper.schedule(args=args, delay=delay)
        else:
            wrapper(*args)

    def run_pending(self) -> int:
        """Run what is queued now, in this process (tests; a worker does this in its own threads)."""
        self.register_all()
        count = 0
        while (queued := self.huey.dequeue()) is not None:
            self.huey.execute(queued)
            count += 1
        return count


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = TaskQueue(app)


def queue_of(app: Flask | None = None) -> TaskQueue:
    return (app or current_app).extensions[EXTENSION]


# --- after commit ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Queued:
    name: str
    args: tuple[Any, ...]
    delay: float | None


def _enqueue(pending: list[Pending]) -> None:
    for queued in pending:
        task: _Queued = queued.item
        try:
            queue_of(queued.app).enqueue(task.name, *task.args, delay=task.delay)
        except Exception:  # the change is committed; the sweep queues the work again (see the module's doc)
            logger.exception("Could not queue task %s", task.name)


_AFTER_COMMIT = AfterCommit("tasks", _enqueue)


def enqueue_after_commit(session: Session | scoped_session, name: str, *args: Any, delay: float | None = None) -> None:
    """Queue task ``name`` once ``session``'s outermost transaction commits; a rollback forgets it
    (``core/after_commit.py``)."""
    _AFTER_COMMIT.add(session, _Queued(name, args, delay))
