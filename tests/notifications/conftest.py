"""A real SMTP server on localhost that keeps what it receives, and helpers to move cases along."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db
from portal.users.models import User

COMPLAINANT = {
    "anonymous": "no",
    "name": "Amani Kabila",
    "email": "amani@example.net",
}


@pytest.fixture(autouse=True)
def _no_urgent_categories(app, monkeypatch):
    """The default grievance is about child labour, urgent by category, which mails the secretariat at filing. These
    tests count mails about other things, so here only the "children involved" box makes a case urgent. (They passed
    before only because another test left URGENT_CATEGORIES changed on the shared app.)"""
    monkeypatch.setitem(app.config, "URGENT_CATEGORIES", frozenset())


@pytest.fixture(autouse=True)
def _no_pattern_alerts(app, monkeypatch):
    """Three default grievances (same categories, metal and country) raise a pattern alert, which mails the
    secretariat (tests/cases/test_alerts.py tests that). These tests count mails about other things."""
    monkeypatch.setitem(app.config, "ALERT_THRESHOLD", 1000)


@pytest.fixture
def smtp(smtp_server):
    """The live SMTP server of tests/conftest.py, under this folder's older name."""
    return smtp_server


def body_of(message: EmailMessage) -> str:
    return message.get_content()


@pytest.fixture
def case_by_reference():
    """Inside an app context: the case with this reference."""

    def get(reference: str) -> Case:
        return db.session.scalar(select(Case).where(Case.reference == reference))

    return get


@pytest.fixture
def user_by_id():
    def get(staff_user) -> User:
        return db.session.get(User, staff_user.id)

    return get
