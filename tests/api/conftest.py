"""The API tests use the covenant world of the case tests, the register's fast case maker, and tokens issued through
``portal.api.tokens.issue`` as the account page does."""

# Fixtures imported from other test packages shadow those names, which is how pytest fixtures work.
# ruff: noqa: F401

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.users.models import User
from tests.cases.conftest import case, client_as, person, world
from tests.transparency.conftest import make_case, staff_client
from tests.transparency.test_register_list import varied


@pytest.fixture
def token_for(app):
    """A token of ``user`` (a tests.conftest.StaffUser) with these scopes; returns the Authorization header."""
    from portal.api.tokens import issue

    def make(user, *scopes: str, days: int = 30) -> dict:
        with app.app_context():
            _, secret = issue(db.session.get(User, user.id), "test", list(scopes), days)
            db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make
