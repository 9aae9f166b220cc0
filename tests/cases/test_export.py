"""The CSV export of the current list: exactly the list's rows (a recused case absent), exactly the columns every
reader of the list may see, streamed, and audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.models import Case, CaseCategory
from portal.extensions import db
from tests.cases.lists_helpers import all_pages, recuse, seeded

HEADER = [
    "Reference", "State", "Urgent", "Category", "Country", "Metal or mineral", "Filed", "Next deadline",
    "Case officer", "Tags",
]  # fmt: skip


@pytest.fixture
def exporter(app, client, make_user, login_as):
    ids = seeded(app, 140)
    user = make_user("secretariat")
    login_as(client, user)
    return user, ids


def _csv(client, query: str) -> list[list[str]]:
    response = client.get(f"/staff/cases.csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_holds_exactly_the_listed_rows_and_columns(app, client, exporter):
    user, _ids = exporter
    with app.app_context():
        child_labour = select(CaseCategory.case_id).where(CaseCategory.category == "child_labour")
        in_filter = list(db.session.scalars(select(Case.id).where(Case.id.in_(child_labour)).order_by(Case.id)))
    hidden = recuse(app, in_filter[0], user.id)
    rows = _csv(client, "category=child_labour&sort=oldest")
    assert rows[0] == HEADER
    references = [row[0] for row in rows[1:]]
    assert references == all_pages(client, "/staff/cases?category=child_labour&sort=oldest")
    assert hidden not in references
    assert len(references) == len(in_filter) - 1
    assert all(len(row) == len(HEADER) for row in rows)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == references[0]))
        body = "\n".join(",".join(row) for row in rows)
        assert case.description not in body  # never the complainant's words
        assert "Child labour" in rows[1][3]


def test_the_export_is_audited_with_its_filters(app, client, exporter):
    user, _ = exporter
    _csv(client, "state=assessment")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cases-exported"))
    assert entry is not None and entry.actor_id == user.id and entry.target == f"user:{user.id}"
    assert json.loads(entry.data)["filters"] == "state=assessment"


def test_a_formula_is_never_written_as_one(app, client, exporter, make_user):
    from portal.cases.tags import add_tag, create_tag
    from portal.users.models import User

    user, ids = exporter
    with app.app_context():
        actor = db.session.get(User, user.id)
        tag = create_tag({"en": '=HYPERLINK("http://x")'}, actor)
        add_tag(db.session.get(Case, ids[0]), tag, actor)
        db.session.commit()
        reference = db.session.get(Case, ids[0]).reference
    rows = {row[0]: row for row in _csv(client, "sort=oldest")[1:]}
    assert rows[reference][9] == '\'=HYPERLINK("http://x")'


def test_companies_and_strangers_cannot_export(client, exporter, make_user, login_as):
    assert client.get("/staff/cases.csv").status_code == 200
    login_as(client, make_user("admin"))
    assert client.get("/staff/cases.csv").status_code == 403
