"""A covenant world with an admitted case (tests/cases/conftest.py) and helpers to make more listed cases fast."""

# The world, case and person fixtures are imported from the case tests: fixtures that take them as parameters
# shadow those names, which is how pytest fixtures work (F811 does not apply).
# ruff: noqa: F811

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from portal.cases.committee import Decision
from portal.cases.models import Case, CaseEntity
from portal.cases.workflow import DecisionKind, State
from portal.core.db import utcnow
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.users.models import User
from tests.cases.conftest import case, person, world  # noqa: F401 (the same world as the case tests)

PUBLIC_OUTPUTS = ("/{locale}/register", "/{locale}/register/{reference}", "/{locale}/open-data")
OPEN_DATA = ("/open-data/register.csv", "/open-data/register.json", "/open-data/decisions.atom")
_numbers = itertools.count(90001)


@pytest.fixture
def staff_client(app, world, login_as):
    """A test client signed in as one of the world's people."""
    from portal.users.sessions import stamp

    def make(name: str):
        client = app.test_client()
        with app.app_context(), client.session_transaction() as session:
            stamp(session, db.session.get(User, world.users[name]))
            session["_fresh"] = True
        return client

    return make


@pytest.fixture
def make_case(app, world):
    """Insert a case straight into the tables (fast), admitted unless ``admitted=False``; returns its reference.
    Must be called inside an app context; commits."""

    def make(
        admitted: bool = True, categories=("wages_hours",), entity_ids=(), created: datetime | None = None, **fields
    ):
        number = next(_numbers)
        created = created or utcnow()
        case = Case(
            reference=f"MC-{created.year}-{number:05d}",
            receipt_hash=receipt_hash(new_receipt()),
            state=fields.pop("state", State.COMPANY_RESPONSE),
            filer_type=fields.pop("filer_type", "union"),
            submission_locale="en",
            country=fields.pop("country", "ZM"),
            commodity=fields.pop("commodity", "copper"),
            consented_at=created,
            rules_version="2026.1",
            created_at=created,
            **fields,
        )
        case.description = "A secret description of case " + str(number)
        case.categories = list(categories)
        case.entity_links = [CaseEntity(entity_id=entity_id) for entity_id in entity_ids]
        db.session.add(case)
        db.session.flush()
        if admitted:
            decision = Decision(
                case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=True, signed_by_id=world.users["chair"]
            )
            decision.reasons = "Secret reasons of the panel " + str(number)
            db.session.add(decision)
        db.session.commit()
        return case.reference

    return make


def year_start(year: int) -> datetime:
    return datetime(year, 3, 1, tzinfo=UTC)
