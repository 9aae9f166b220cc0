"""The request's transaction: committed or rolled back on purpose, in one place."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal import create_app
from portal.config import TestConfig
from portal.core.transaction import discard_changes, keep_changes
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind


@pytest.fixture
def small_app(tmp_path):
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 't.db'}")

    def add(name: str) -> None:
        db.session.add(Organisation(name=name, kind=OrganisationKind.NGO))
        db.session.flush()

    @app.post("/ok")
    def ok():
        add("ok")
        return "ok"

    @app.post("/refused")
    def refused():
        add("refused")
        return "no", 409

    @app.post("/refused-but-kept")
    def refused_but_kept():
        add("kept")
        keep_changes()
        return "no", 401

    @app.post("/done-but-discarded")
    def done_but_discarded():
        add("discarded")
        discard_changes()
        return "ok"

    @app.post("/added-not-flushed")
    def added_not_flushed():
        db.session.add(Organisation(name="pending", kind=OrganisationKind.NGO))
        return "ok"

    @app.get("/no-database")
    def no_database():
        return "static"

    @app.post("/crash")
    def crash():
        add("crash")
        abort(500)

    with app.app_context():
        db.create_all()
    return app


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/ok", True),
        ("/refused", False),
        ("/refused-but-kept", True),
        ("/done-but-discarded", False),
        ("/crash", False),
        ("/added-not-flushed", True),  # an added object begins the transaction: the commit is never skipped
    ],
)
def test_each_request_commits_or_rolls_back_as_decided(small_app, path, kept):
    client = small_app.test_client()
    client.post(path)
    with small_app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == (1 if kept else 0)


def test_a_request_that_never_touches_the_database_commits_nothing(small_app):
    """Cached public pages skip the session's commit entirely (a tenth of their time); see core/transaction.finish."""
    commits = []

    def count(session):
        commits.append(session)

    event.listen(Session, "after_commit", count)
    try:
        assert small_app.test_client().get("/no-database").status_code == 200
        assert commits == []
        small_app.test_client().post("/ok")
        assert len(commits) == 1
    finally:
        event.remove(Session, "after_commit", count)
