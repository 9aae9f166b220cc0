"""Shared helpers for the media tests: the receipt holder's reply, and what is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.cases.models import Attachment
from portal.extensions import db
from tests.cases.conftest import client_as, world  # noqa: F401 - the same small covenant world


def stored_files(app) -> list[Path]:
    root = Path(app.config["ATTACHMENT_PATH"])
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


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
