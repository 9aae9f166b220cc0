"""Registry fixtures: a signed-in secretariat client and records made through the real operations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.registry import operations

# A syntactically valid LEI (its last two digits are the ISO 7064 mod 97-10 check digits of the first 18).
LEI = "DEMO00CENTURYVLS0167"


@pytest.fixture
def secretariat(client, make_user, login_as):
    user = make_user("secretariat")
    login_as(client, user)
    return user


@pytest.fixture
def organisation(app):
    """Register an organisation; returns its id."""

    def make(name="Cobalt Refiners", kind="company", **fields):
        with app.app_context():
            saved, _ = operations.save_organisation(operations.OrganisationInput(name=name, kind=kind, **fields), None)
            db.session.commit()
            return saved.id

    return make


@pytest.fixture
def entity(app):
    """Register a site; returns its id."""

    def make(name="Kolwezi depot", kind="depot", country="CD", **fields):
        with app.app_context():
            data = operations.EntityInput(name=name, kind=kind, country=country, **fields)
            saved, _ = operations.save_entity(data, None)
            db.session.commit()
            return saved.id

    return make


def registry_entries(target: str | None = None) -> list[tuple[str, int | None, dict]]:
    """(target, actor id, facts) of every registry-changed audit entry, oldest first."""
    query = select(AuditEntry).where(AuditEntry.action == "registry-changed").order_by(AuditEntry.id)
    if target:
        query = query.where(AuditEntry.target == target)
    return [(row.target, row.actor_id, json.loads(row.data)) for row in db.session.scalars(query)]
