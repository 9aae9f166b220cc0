"""The registry migration carries a site's metals from the old comma-separated column to rows and back."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db

BEFORE, REGISTRY = "c4a7d2e9f1b3", "a4d9e27c5f10"


def test_commodities_move_to_rows_and_back(tmp_path):
    app = create_app(
        TestConfig, INSTANCE_PATH=tmp_path, ATTACHMENT_PATH=tmp_path / "files",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migration.sqlite3'}",
    )  # fmt: skip
    with app.app_context():
        upgrade(revision=BEFORE)
        db.session.execute(
            text(
                "INSERT INTO organisations (id, name, kind, covenant_party, verified, created_at) "
                "VALUES (1, 'Co', 'company', 0, 0, '2026-01-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO supply_chain_entities (id, name, kind, commodities, country, operator_organisation_id, "
                "created_at) VALUES (1, 'Depot', 'depot', 'cobalt,copper', 'CD', 1, '2026-01-01'), "
                "(2, 'Port', 'port', '', 'NL', NULL, '2026-01-01')"
            )
        )
        # Rows pointing at both rebuilt tables: the rebuild must neither fail nor lose them.
        db.session.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, organisation_id, locale, active, vice_chair, "
                "session_generation, must_change_password, created_at) "
                "VALUES (1, 'a@example.org', 'A', '-', 'company', 1, 'en', 1, 0, 0, 0, '2026-01-01')"
            )
        )
        db.session.execute(
            text("INSERT INTO affiliations (user_id, entity_id, note, created_at) VALUES (1, 1, '', '2026-01-01')")
        )
        db.session.commit()
        upgrade(revision=REGISTRY)
        assert db.session.scalar(text("SELECT count(*) FROM affiliations")) == 1
        rows = db.session.execute(text("SELECT entity_id, commodity FROM entity_commodities ORDER BY 1, 2")).all()
        assert [tuple(row) for row in rows] == [(1, "cobalt"), (1, "copper")]
        db.session.execute(text("UPDATE organisations SET kind = 'community_organisation' WHERE id = 1"))
        db.session.commit()
        downgrade(revision=BEFORE)
        rows = db.session.execute(text("SELECT id, commodities FROM supply_chain_entities ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, "cobalt,copper"), (2, "")]
        assert db.session.scalar(text("SELECT kind FROM organisations")) == "ngo"
        assert db.session.scalar(text("SELECT organisation_id FROM users")) == 1
        assert db.session.scalar(text("SELECT count(*) FROM affiliations")) == 1
        db.session.remove()
        db.engine.dispose()
