"""Tokens for the API tests: issued through ``portal.api.tokens.issue``, as the account page does."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.users.models import User


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
