"""Shared helpers for the media tests: the receipt holder's reply, and what is stored. Every media test runs on both
attachment stores (tests/stores.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.cases.models import Attachment
from portal.core.storage import STORES
from portal.extensions import db
from tests.cases.conftest import client_as, world  # noqa: F401 - the same small covenant world
from tests.stores import stored_keys  # noqa: F401 - the media tests' view of the store


@pytest.fixture(autouse=True, params=STORES)
def media_store(request):
    """Run each media test once per attachment store."""
    if "app" not in request.fixturenames:
        yield request.param
        return
    app = request.getfixturevalue("app")
    saved = app.config["ATTACHMENT_STORE"]
    app.config["ATTACHMENT_STORE"] = request.param
    yield request.param
    app.config["ATTACHMENT_STORE"] = saved


def attachment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


@pytest.fixture
def reply(client, file_grievance, open_case):
    """File a grievance (no files), open it with its receipt, and give a function posting the reply form."""
    _, _, receipt = file_grievance()
    open_case(receipt)

    def post(message: str, files: list, locale: str = "en"):
        data = {"message": message, "evidence": files}
        return client.post(f"/{locale}/follow-up/case", data=data, content_type="multipart/form-data")

    return post
