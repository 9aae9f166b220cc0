"""Shared set-up of the list tests: seeded cases, an officer signed in, and the references a page lists."""

from __future__ import annotations

import re

from sqlalchemy import select

from bench.seed import seed
from portal.cases.committee import Recusal
from portal.cases.models import Case
from portal.extensions import db

LISTED = re.compile(r'<a href="/staff/cases/(MC-\d{4}-\d{5,})">')


def seeded(app, count: int = 80) -> list[int]:
    """``count`` synthetic cases (bench/seed.py), their ids in order."""
    with app.app_context():
        seed(count, receipts_path=None)
        return list(db.session.scalars(select(Case.id).order_by(Case.id)))


def listed(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return LISTED.findall(response.get_data(as_text=True))


def all_pages(client, url: str) -> list[str]:
    seen, page = [], 1
    while True:
        html = client.get(f"{url}&page={page}").get_data(as_text=True)
        seen += LISTED.findall(html)
        if f"page={page + 1}" not in html:
            return seen
        page += 1


def recuse(app, case_id: int, user_id: int) -> str:
    with app.app_context():
        db.session.add(Recusal(case_id=case_id, user_id=user_id, reason="tie"))
        db.session.commit()
        return db.session.get(Case, case_id).reference


def set_state(app, case_ids, state: str, **values) -> None:
    with app.app_context():
        for case_id in case_ids:
            case = db.session.get(Case, case_id)
            case.state = state
            for key, value in values.items():
                setattr(case, key, value)
        db.session.commit()
