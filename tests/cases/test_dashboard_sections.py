"""Lists people can work with: each case once on the dashboard, in its most pressing section, with counts and a
"see all" link; closed cases never urgent; sortable columns with cases without a deadline last; an assignee column
and "assigned to me"; a country select; saved filters that belong to one person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.cases.models import Case
from portal.cases.queries import PRESSING
from portal.cases.workflow import FINAL_STATES, State
from portal.core.db import utcnow
from portal.extensions import db
from portal.users.models import User
from tests.cases.lists_helpers import LISTED, all_pages, listed, seeded

SECTION = re.compile(r'<section id="(\w+)" aria-labelledby="\w+-title">(.*?)</section>', re.S)
COUNT = re.compile(r'<span class="badge">(\d+)</span></h2>')


@pytest.fixture
def officer(app, client, make_user, login_as):
    ids = seeded(app, 120)
    user = make_user("secretariat", name="Chidi Officer")
    with app.app_context():  # some of them assigned to the officer, some urgent, some closed and flagged urgent
        now = utcnow()
        for index, case_id in enumerate(ids):
            case = db.session.get(Case, case_id)
            if index % 4 == 0:
                case.assigned_officer_id = user.id
            if index % 5 == 0:
                case.urgent = True
            if index % 9 == 0 and case.state not in FINAL_STATES:
                case.state, case.urgent, case.next_due_at = State.CLOSED, True, None
            if index % 7 == 0 and case.state not in FINAL_STATES:
                case.next_due_at = now + timedelta(days=3)
        db.session.commit()
    login_as(client, user)
    return user, ids


def _sections(client) -> dict[str, list[str]]:
    html = client.get("/staff/").get_data(as_text=True)
    return {key: LISTED.findall(body) for key, body in SECTION.findall(html) if key in PRESSING}


def test_a_case_is_listed_once_on_the_dashboard_in_its_most_pressing_section(app, client, officer):
    sections = _sections(client)
    assert list(sections) == list(PRESSING)
    everything = [reference for references in sections.values() for reference in references]
    assert len(everything) == len(set(everything))
    user, _ = officer
    with app.app_context():
        now = utcnow()
        cases = {
            case.reference: case for case in db.session.scalars(select(Case).where(Case.state.notin_(FINAL_STATES)))
        }
    holds = {
        "overdue": lambda c: c.next_due_at is not None and c.next_due_at < now,
        "urgent": lambda c: c.urgent,
        "due": lambda c: c.next_due_at is not None and now <= c.next_due_at <= now + timedelta(days=7),
        "mine": lambda c: c.assigned_officer_id == user.id,
        "unassigned": lambda c: c.assigned_officer_id is None,
    }
    for index, key in enumerate(PRESSING):
        assert all(holds[key](cases[reference]) for reference in sections[key])
        # A case shown lower down belongs to no earlier section that had room for it (fewer than 20 rows shown).
        for earlier in PRESSING[:index]:
            if len(sections[earlier]) < 20:
                assert not any(holds[earlier](cases[reference]) for reference in sections[key]), (key, earlier)
    assert sections["urgent"] and sections["mine"]


def test_closed_cases_are_never_urgent(app, client, officer):
    with app.app_context():
        closed_urgent = set(db.session.scalars(select(Case.reference).where(Case.urgent, Case.state == State.CLOSED)))
    assert closed_urgent
    assert not closed_urgent & set(_sections(client)["urgent"])
    assert not closed_urgent & set(all_pages(client, "/staff/cases?urgent=y"))
    html = client.get("/staff/cases?state=closed").get_data(as_text=True)
    assert "badge-urgent" not in html


def test_counts_and_see_all(app, client, officer):
    html = client.get("/staff/").get_data(as_text=True)
    counts = {key: int(COUNT.search(body).group(1)) for key, body in SECTION.findall(html) if key in PRESSING}
    sections = _sections(client)
    for key in PRESSING:  # the count is what "see all" lists; the section shows at most 20, fewer if shown above
        assert counts[key] >= len(sections[key])
    user, _ = officer
    with app.app_context():
        mine_open = set(
            db.session.scalars(
                select(Case.reference).where(Case.assigned_officer_id == user.id, Case.state.notin_(FINAL_STATES))
            )
        )
    assert 'href="/staff/cases?mine=y&amp;sort=due"' in html
    assert set(sections["mine"]) <= mine_open
    assert set(all_pages(client, "/staff/cases?mine=y&sort=due")) >= mine_open  # the list shows closed ones too
    assert counts["mine"] == len(mine_open)


def test_sorting_by_deadline_puts_cases_without_one_last(app, client, officer):
    for sort in ("due", "due_late"):
        seen = all_pages(client, f"/staff/cases?sort={sort}")
        with app.app_context():
            due = dict(db.session.execute(select(Case.reference, Case.next_due_at)).all())
        dates = [due[reference] for reference in seen]
        first_none = dates.index(None)
        assert all(value is None for value in dates[first_none:])
        ordered = dates[:first_none]
        assert ordered == sorted(ordered, reverse=sort == "due_late")


def test_sortable_headers_are_links_with_aria_sort(client, officer):
    html = client.get("/staff/cases?sort=reference&state=assessment").get_data(as_text=True)
    assert 'aria-sort="ascending"><a href="/staff/cases?sort=reference_desc&amp;state=assessment">' in html
    seen = listed(client, "/staff/cases?sort=reference")
    assert seen == sorted(seen)
    seen = listed(client, "/staff/cases?sort=reference_desc")
    assert seen == sorted(seen, reverse=True)


def test_assignee_column_and_assigned_to_me(app, client, officer):
    user, _ = officer
    html = client.get("/staff/cases?mine=y").get_data(as_text=True)
    assert "<td>Chidi Officer</td>" in html
    with app.app_context():
        mine = set(db.session.scalars(select(Case.reference).where(Case.assigned_officer_id == user.id)))
    assert set(all_pages(client, "/staff/cases?mine=y")) == mine


def test_the_country_is_a_select_with_names(client, officer):
    html = client.get("/staff/cases?country=cd").get_data(as_text=True)
    assert '<select id="country" name="country"' in html
    assert '<option selected value="CD">Congo - Kinshasa</option>' in html or 'value="CD" selected' in html
    assert "Zambia</option>" in html


def test_saved_filters_belong_to_one_person(app, client, officer, make_user, login_as):
    response = client.post("/staff/cases/saved", data={"name": "My urgent", "urgent": "y", "sort": "due", "x": "1"})
    assert response.status_code == 302
    html = client.get("/staff/cases").get_data(as_text=True)
    assert '<a href="/staff/cases?sort=due&amp;urgent=y">My urgent</a>' in html
    other = make_user("secretariat")
    login_as(client, other)
    assert "My urgent" not in client.get("/staff/cases").get_data(as_text=True)
    from portal.cases.search import SavedFilter

    with app.app_context():
        saved = db.session.scalar(select(SavedFilter))
        assert db.session.get(User, saved.user_id).name == "Chidi Officer"
    assert client.post(f"/staff/cases/saved/{saved.id}/delete").status_code == 404  # not theirs
    login_as(client, officer[0])
    assert client.post(f"/staff/cases/saved/{saved.id}/delete").status_code == 302
    assert "My urgent" not in client.get("/staff/cases").get_data(as_text=True)


def test_a_dashboard_section_lists_cases_without_a_deadline_after_those_with_one(app, client, officer):
    """Both databases order the same way: SQLite put NULL first, PostgreSQL last (and SQLite's order made the urgent
    section walk every closed urgent case before the first open one)."""
    with app.app_context():
        open_urgent = db.session.scalars(
            select(Case).where(Case.urgent, Case.state.notin_(FINAL_STATES)).order_by(Case.id)
        ).all()
        for case in open_urgent[8:]:  # a section's worth, shown whole
            case.urgent = False
        open_urgent = open_urgent[:8]
        for case in open_urgent:  # none overdue nor due this week: the urgent section orders them by deadline
            case.next_due_at = utcnow() + timedelta(days=30 + case.id % 5)
        open_urgent[0].next_due_at = None
        db.session.commit()
        without = open_urgent[0].reference
        deadlines = dict(db.session.execute(select(Case.reference, Case.next_due_at)).all())
    urgent = _sections(client)["urgent"]
    assert without in urgent
    assert urgent[-1] == without
    dates = [deadlines[reference] for reference in urgent[:-1]]
    assert None not in dates and dates == sorted(dates)
