"""Upgrading and downgrading an SQLite database that holds data loses no row.

SQLite alters a table by rebuilding it; with foreign keys on, the DROP of the old table cascaded into every table
pointing at it (upgrading past the sessions migration emptied ``affiliations``). migrations/env.py now switches the
keys off around a migration run and verifies them before committing.
"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db

BASE = "17523d296568"  # the committee workflow: users, affiliations and recovery codes exist from here on
ROWS = [
    "INSERT INTO organisations (id, name, kind, covenant_party, verified, created_at)"
    " VALUES (1, 'Century', 'company', 0, 0, '2026-01-01')",
    "INSERT INTO users (id, email, name, password_hash, role, organisation_id, locale, active, vice_chair,"
    " failed_logins, created_at) VALUES (1, 'a@example.org', 'A', '-', 'company', 1, 'en', 1, 0, 0, '2026-01-01')",
    "INSERT INTO affiliations (user_id, organisation_id, note, created_at) VALUES (1, 1, 'tie', '2026-01-01')",
    "INSERT INTO recovery_codes (user_id, code_hash) VALUES (1, 'hash')",
]
TABLES = ["organisations", "users", "affiliations", "recovery_codes"]


def _counts() -> dict[str, int]:
    return {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in TABLES}


def test_upgrading_and_downgrading_sqlite_keeps_every_row(tmp_path):
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade(revision=BASE)
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        before = _counts()
        assert before == dict.fromkeys(TABLES, 1)
        db.session.remove()
        upgrade()
        assert _counts() == before
        db.session.remove()
        downgrade(revision=BASE)
        assert _counts() == before
        db.session.remove()
        db.engine.dispose()
