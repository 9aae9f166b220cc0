"""One commit per request, decided in one place, on purpose.

Operations only flush. At the end of a request the session is committed or rolled back here:

- by default, a response below 400 commits and any other rolls back (a refused form keeps nothing);
- a view that must keep its changes although it answers with an error calls ``keep_changes()`` (a failed login
  answers 401 and still counts toward the lock-out); one that must keep nothing although it succeeds calls
  ``discard_changes()``;
- an exception always rolls back.
"""

from __future__ import annotations

from flask import Flask, Response, g

from portal.extensions import db

_DECISION = "portal_transaction"


def keep_changes() -> None:
    """Commit this request's changes whatever the response's status."""
    g.portal_transaction = "commit"


def discard_changes() -> None:
    """Roll this request's changes back whatever the response's status."""
    g.portal_transaction = "rollback"


def should_commit(status: int) -> bool:
    decision = g.get(_DECISION)
    if decision is None:
        return status < 400
    return decision == "commit"


def finish(response: Response) -> Response:
    # A request that never touched the database (a cached public page, a form step's first view) has nothing to
    # commit: making a session only to commit nothing cost a tenth of such a page's time. ``add()`` begins a
    # transaction too, so pending objects are never skipped.
    if not db.session.registry.has() or not db.session().in_transaction():
        return response
    if should_commit(response.status_code):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def roll_back_on_exception(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()


def init_app(app: Flask) -> None:
    app.after_request(finish)
    app.teardown_request(roll_back_on_exception)
