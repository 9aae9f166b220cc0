"""The workload charts: their figures equal a count made case by case here, over the cases the reader may see;
each chart has its table; a change to a case shows at once (the cache follows the audit trail)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from portal.cases.models import Case
from portal.cases.workflow import FINAL_STATES
from portal.cases.workload import AGE_BUCKETS, forget, workload
from portal.core.db import utcnow
from portal.extensions import db
from portal.users.models import User
from tests.cases.lists_helpers import recuse, seeded

TABLE_ROW = re.compile(r"<tr><th scope=\"row\">([^<]*)</th><td>([^<]*)</td></tr>")


@pytest.fixture
def reader(app, client, make_user, login_as):
    ids = seeded(app, 150)
    user = make_user("secretariat", name="Dana Reader")
    other = make_user("secretariat", name="Eli Other")
    with app.app_context():
        for case_id in ids[::3]:
            db.session.get(Case, case_id).assigned_officer_id = other.id
        db.session.commit()
    hidden = recuse(app, ids[1], user.id)
    forget()  # figures another test left for an account with the same id
    login_as(client, user)
    return user, other, ids, hidden


def _expected(app, user_id: int, hidden: str):
    with app.app_context():
        now = utcnow()
        cases = [
            case
            for case in db.session.scalars(select(Case))
            if case.state not in FINAL_STATES and case.reference != hidden
        ]
        stages = Counter(case.state for case in cases)
        weeks = Counter(
            int((case.next_due_at - now) / timedelta(days=7))
            for case in cases
            if case.next_due_at and now <= case.next_due_at < now + timedelta(days=28)
        )
        officers = Counter(case.assigned_officer_id for case in cases)
        ages = Counter(
            next((i for i, days in enumerate(AGE_BUCKETS) if case.created_at > now - timedelta(days=days)), 4)
            for case in cases
        )
        sections = Counter()
        for case in cases:  # each section counts every open case its criterion holds ("see all")
            due = case.next_due_at
            for key, holds in (
                ("overdue", due is not None and due < now),
                ("urgent", case.urgent),
                ("due", due is not None and now <= due <= now + timedelta(days=7)),
                ("mine", case.assigned_officer_id == user_id),
                ("unassigned", case.assigned_officer_id is None),
            ):
                sections[key] += bool(holds)
        return stages, weeks, officers, ages, sections


def test_the_figures_are_the_cases_counted_one_by_one(app, reader):
    user, _other, _, hidden = reader
    stages, weeks, officers, ages, sections = _expected(app, user.id, hidden)
    with app.app_context():
        figures = workload(db.session.get(User, user.id), utcnow())
    assert dict(figures.by_stage) == dict(stages)
    assert figures.by_week == [weeks.get(i, 0) for i in range(4)]
    assert {officer_id: total for officer_id, _name, total in figures.by_officer} == dict(officers)
    assert figures.by_age == [ages.get(i, 0) for i in range(5)]
    assert figures.sections == {key: sections.get(key, 0) for key in figures.sections}


def test_the_dashboard_draws_each_chart_with_its_table(app, client, reader):
    user, other, _, hidden = reader
    html = client.get("/staff/").get_data(as_text=True)
    for chart in ("chart-stage", "chart-weeks", "chart-officers", "chart-age"):
        assert f'<figure class="chart" id="{chart}"' in html
    workload_html = html[html.index('id="workload"') :]
    rows = dict(TABLE_ROW.findall(workload_html))
    _, _, officers, _, _ = _expected(app, user.id, hidden)
    assert rows["Eli Other"] == str(officers[other.id])
    assert rows["Unassigned"] == str(officers[None])
    assert workload_html.count('aria-hidden="true" focusable="false" class="chart-svg"') == 4


def test_the_figures_are_aggregates_not_a_loop_over_cases(app, client, reader, make_user):
    """The number of statements does not depend on the number of cases (GROUP BY in the database)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/staff/")
        first = len(statements)
        # One pass over the cases for three charts and the section counts, one over the next four weeks' deadlines.
        assert sum("GROUP BY" in s for s in statements) == 2
        seeded(app, 150)  # twice the cases: new ones, so the figures are computed again
        statements.clear()
        client.get("/staff/")
        assert len(statements) == first
        statements.clear()
        client.get("/staff/")  # nothing changed: figures and alerts are kept, a version query instead of each
        assert sum("GROUP BY" in s for s in statements) == 0
        assert len(statements) == first - 4  # the two passes, the officers' names and the open alerts
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_change_shows_at_once(app, client, reader, make_user):
    user, _other, _ids, hidden = reader
    client.get("/staff/")  # kept now
    with app.app_context():
        reference = db.session.scalar(
            select(Case.reference)
            .where(Case.assigned_officer_id.is_(None), Case.state.notin_(FINAL_STATES), Case.reference != hidden)
            .limit(1)
        )
    assert client.post(f"/staff/cases/{reference}/assign", data={"officer": str(user.id)}).status_code == 302
    html = client.get("/staff/").get_data(as_text=True)
    rows = dict(TABLE_ROW.findall(html[html.index('id="workload"') :]))
    assert rows["Dana Reader"] == "1"
