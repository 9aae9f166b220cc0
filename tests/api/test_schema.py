"""Schemathesis against /api/v1/openapi.json: every operation of the document, with generated parameters, once
without a token and once with a token of the scope the operation needs (so the organisation's and staff endpoints
are covered as they are added). No answer is a 5xx; every answer's status is documented, its content type is the
documented one and its body matches its schema. A few examples per operation keep the file under a minute per
database; the public lists are seeded so their schemas are checked on real rows, not only on empty lists."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.api.docs import scope_of
from portal.api.tokens import Scope, issue, scopes_for
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import EntityKind, Organisation, OrganisationKind, SupplyChainEntity
from portal.transparency import operations
from portal.users.models import User

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# More examples for a deeper run on a developer's machine: API_SCHEMA_EXAMPLES=200
EXAMPLES = settings(
    max_examples=int(os.environ.get("API_SCHEMA_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture
def tokens(app, world, make_case, case, person) -> dict[str, str]:
    """Public data to list (cases on a registered smelter, a published decision) and a token per kind of scope."""
    smelter = SupplyChainEntity(name="Schema smelter", kind=EntityKind.SMELTER, country="ID", rmi_id="CID009999")
    db.session.add(smelter)
    db.session.commit()
    for _ in range(3):
        make_case(entity_ids=(smelter.id,), country="ID", commodity="tin")
    summary = operations.draft_text(case, person("secretariat"), "en", "The panel admitted the case.")
    operations.approve(case, summary, person("chair"))
    ngo = Organisation(name="Schema NGO", kind=OrganisationKind.NGO)
    member = User(
        email="member@schema.test", name="Member", role=Role.ORGANISATION, organisation=ngo, password_hash="-"
    )
    db.session.add_all([ngo, member])
    db.session.flush()
    staff = person("secretariat")
    found = {}
    for name, user in (("org", member), ("staff", staff)):
        _, secret = issue(user, f"schemathesis {name}", [scope.value for scope in scopes_for(user)], 30)
        found[name] = secret
    db.session.commit()
    return found


def run_every_operation(app, headers_for) -> int:
    """Each operation of the served document with generated inputs; ``headers_for(case)`` adds a token or not.
    (One loop, not schemathesis' pytest parametrization: the app is a fixture parametrized over two databases.)"""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def check(case) -> None:
            # identity: the WSGI transport does not undo the compression public answers get
            headers = {"Accept-Encoding": "identity", **headers_for(case)}
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        ran += 1
    return ran


def test_every_operation_without_a_token(app, tokens):
    assert run_every_operation(app, lambda case: {}) >= 7


def test_every_operation_with_a_token_of_its_scope(app, tokens):
    def headers_for(case) -> dict[str, str]:
        with app.test_request_context():
            scope = scope_of(case.path, case.method)
        return {"Authorization": f"Bearer {tokens['staff' if scope == Scope.STAFF_READ else 'org']}"}

    assert run_every_operation(app, headers_for) >= 7
