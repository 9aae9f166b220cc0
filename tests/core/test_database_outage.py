"""When the database is down or locked the visitor gets a 503 in their language, quickly, with what they typed
(docs/architecture.md §10); logs never carry the statement's parameters."""

from __future__ import annotations

import sqlite3
import time

import pytest
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal import create_app
from portal.config import Config, TestConfig
from portal.core.db import engine_options
from portal.core.errors import ERROR_TEXTS
from portal.extensions import db
from tests.conftest import RECEIPT_PATTERN, VALID_GRIEVANCE, walk_steps


def vars_of(config: type) -> dict:
    return {name: getattr(config, name) for name in dir(config) if name.isupper()}


TYPED = "The guards at the depot took our phones and beat two of us on Friday night."


def _unavailable_title(app, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return str(ERROR_TEXTS[503][0])


def _assert_kept_for_copying(response, app, locale: str, typed: str) -> None:
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert _unavailable_title(app, locale) in html and f'lang="{locale}"' in html
    assert "<textarea" in html and typed in html


def test_unreachable_postgresql_answers_503_at_once_with_the_typed_text(tmp_path):
    app = create_app(
        TestConfig, INSTANCE_PATH=tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none"
    )
    started = time.monotonic()
    response = app.test_client().post("/fr/report/what", data={**VALID_GRIEVANCE, "description": TYPED})
    assert time.monotonic() - started < 5
    _assert_kept_for_copying(response, app, "fr", TYPED)


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(
        TestConfig,
        INSTANCE_PATH=tmp_path,
        ATTACHMENT_PATH=tmp_path / "attachments",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'locked.sqlite3'}",
        DB_BUSY_TIMEOUT_SECONDS=0.5,
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def lock(tmp_path):
    """Another connection holding the SQLite database's write lock."""
    holder = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
    yield lambda: holder.execute("BEGIN EXCLUSIVE")
    holder.close()


def test_a_locked_sqlite_database_answers_503_within_the_busy_timeout(sqlite_app, lock):
    client = sqlite_app.test_client()
    filed = walk_steps(client, "sw", VALID_GRIEVANCE)
    receipt = RECEIPT_PATTERN.search(filed.get_data(as_text=True)).group(1)
    client.post("/sw/follow-up", data={"receipt": receipt})
    lock()

    started = time.monotonic()
    filing = client.post("/sw/report/what", data={**VALID_GRIEVANCE, "description": TYPED})
    assert time.monotonic() - started < 5
    _assert_kept_for_copying(filing, sqlite_app, "sw", TYPED)

    reply = client.post("/ar/follow-up/case", data={"message": "Walichukua simu zetu tena."})
    _assert_kept_for_copying(reply, sqlite_app, "ar", "Walichukua simu zetu tena.")


def test_the_typed_text_is_escaped(sqlite_app, lock):
    lock()
    response = sqlite_app.test_client().post(
        "/en/report/what", data={**VALID_GRIEVANCE, "description": "</textarea><b>bold</b> " + TYPED}
    )
    assert response.status_code == 503
    assert "&lt;/textarea&gt;&lt;b&gt;bold" in response.get_data(as_text=True)


def test_waits_are_bounded_on_every_database(app):
    with app.app_context():
        if app.config["DATABASE_KIND"] == "sqlite":
            assert db.session.scalar(text("PRAGMA busy_timeout")) == 5000
        else:
            assert db.session.scalar(text("SHOW statement_timeout")) == "30s"
            assert db.session.scalar(text("SHOW lock_timeout")) == "5s"


def test_postgresql_connections_give_up_after_the_connect_timeout():
    options = engine_options({**vars_of(Config), "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://h/db"})
    assert options["connect_args"]["connect_timeout"] == 5
    assert options["hide_parameters"] is True


def test_sqlite_waits_follow_the_setting(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.scalar(text("PRAGMA busy_timeout")) == 500


def test_database_errors_never_show_their_parameters(app):
    with app.app_context():
        with pytest.raises(DBAPIError) as raised:
            db.session.execute(text("SELECT no_such_column FROM cases WHERE id = :secret"), {"secret": "amani@x.org"})
        db.session.rollback()
    assert "amani@x.org" not in str(raised.value)
    assert "hidden" in str(raised.value)
