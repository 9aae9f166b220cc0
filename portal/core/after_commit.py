"""Work that must happen only once a transaction has committed: mail (``notifications/mail.py``) and background
tasks (``core/tasks.py``).

A package makes one ``AfterCommit`` with what to do with what a committed transaction left, and adds to it with
``add(session, item)``. Nothing is done before the outermost transaction commits (releasing a SAVEPOINT commits
nothing yet); a rollback forgets everything added, a rolled-back SAVEPOINT only what was added inside it, and a
session closed without a commit forgets it too. So a request that fails halfway sends no mail and queues no task
about a change that never happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session


@dataclass(frozen=True)
class Pending:
    app: Flask  # the listener may run outside any app context (CLI, after the request context is gone)
    item: Any
    savepoint: SessionTransaction | None  # the innermost SAVEPOINT when added, to forget it if that rolls back


class AfterCommit:
    """One kind of work done after commit; ``run`` gets what the committed transaction left, in order."""

    def __init__(self, name: str, run: Callable[[list[Pending]], None]):
        self.key = f"portal_after_commit_{name}"
        self.run = run
        event.listen(Session, "after_commit", self._after_commit)
        event.listen(Session, "after_soft_rollback", self._after_rollback)
        event.listen(Session, "after_transaction_end", self._after_end)

    def add(self, session: Session | scoped_session, item: Any) -> None:
        plain = _plain(session)
        pending: list[Pending] = plain.info.setdefault(self.key, [])
        pending.append(Pending(current_app._get_current_object(), item, plain.get_nested_transaction()))  # type: ignore[attr-defined]

    def pending(self, session: Session | scoped_session) -> list[Any]:
        """What would be done if the transaction committed now."""
        return [pending.item for pending in _plain(session).info.get(self.key, [])]

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():  # releasing a SAVEPOINT commits nothing yet
            return
        pending = session.info.pop(self.key, [])
        if pending:
            self.run(pending)

    def _after_rollback(self, session: Session, previous_transaction: SessionTransaction) -> None:
        if previous_transaction.parent is None:  # only the outermost rollback ends the transaction
            session.info.pop(self.key, None)
        elif previous_transaction.nested and session.info.get(self.key):
            session.info[self.key] = [
                pending for pending in session.info[self.key] if not _within(pending.savepoint, previous_transaction)
            ]

    def _after_end(self, session: Session, transaction: SessionTransaction) -> None:
        # Closing a session without commit or rollback ends its transaction too: whatever is left was not committed.
        if transaction.parent is None:
            session.info.pop(self.key, None)


def _plain(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session  # db.session: this context's session


def _within(savepoint: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is rolled_back:
            return True
        savepoint = savepoint.parent
    return False
