"""Work after commit (portal/core/after_commit.py), on its own: done once the outermost transaction commits, in
order; forgotten on rollback; a rolled-back SAVEPOINT forgets only what was added inside it."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.after_commit import AfterCommit
from portal.extensions import db

DONE: list[list[str]] = []
WORK = AfterCommit("test-work", lambda pending: DONE.append([p.item for p in pending]))


def test_done_after_the_commit_in_order_and_never_after_a_rollback(app):
    DONE.clear()
    with app.app_context():
        db.session.execute(select(1))
        WORK.add(db.session, "lost")
        db.session.rollback()
        db.session.execute(select(1))
        WORK.add(db.session, "first")
        WORK.add(db.session, "second")
        assert DONE == [] and WORK.pending(db.session) == ["first", "second"]
        db.session.commit()
    assert DONE == [["first", "second"]]


def test_a_rolled_back_savepoint_forgets_only_its_own(app):
    DONE.clear()
    with app.app_context():
        db.session.execute(select(1))
        WORK.add(db.session, "outer")
        savepoint = db.session.begin_nested()
        WORK.add(db.session, "inner")
        savepoint.rollback()
        kept = db.session.begin_nested()
        WORK.add(db.session, "kept")
        kept.commit()  # releasing a SAVEPOINT commits nothing yet
        assert DONE == []
        db.session.commit()
    assert DONE == [["outer", "kept"]]


def test_a_session_closed_without_commit_forgets(app):
    DONE.clear()
    with app.app_context():
        db.session.execute(select(1))
        WORK.add(db.session, "never")
        db.session.close()
        db.session.execute(select(1))
        db.session.commit()
    assert DONE == []
