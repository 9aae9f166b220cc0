"""Case lists as queries: what the staff list, the dashboard, a CSV export or the JSON API select.

Filters are plain data (``CaseFilters``), not a form, so every reader builds the same SQL from the same rules.
Each query already applies ``access.visible_cases``: no list can show a case its reader may not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, select, union
from sqlalchemy.orm import lazyload

from portal.cases import access, search
from portal.cases.committee import PanelSeat
from portal.cases.models import Case, CaseCategory, CaseEntity
from portal.cases.tags import CaseTag
from portal.cases.workflow import FINAL_STATES
from portal.extensions import db
from portal.users.models import User

PAGE_SIZE = 50
# Every sort of the list's column headers, with its reverse. A case without a running deadline comes last in both
# directions of the deadline sort ("no deadline" is not "the earliest" nor "the latest").
SORTS = {
    "newest": (Case.created_at.desc(), Case.id.desc()),
    "oldest": (Case.created_at, Case.id),
    "due": (Case.next_due_at.is_(None), Case.next_due_at, Case.id),
    "due_late": (Case.next_due_at.is_(None), Case.next_due_at.desc(), Case.id.desc()),
    "reference": (Case.reference,),
    "reference_desc": (Case.reference.desc(),),
    "state": (Case.state, Case.created_at.desc(), Case.id.desc()),
    "state_desc": (Case.state.desc(), Case.created_at.desc(), Case.id.desc()),
    "country": (Case.country, Case.id),
    "country_desc": (Case.country.desc(), Case.id.desc()),
}


# What a row of a staff list reads of a case (staff/_macros.html ``case_table`` and ``_rows_extras``): a tenth of
# the case's columns, with ``Case.urgent_open`` worked out by the database.
ROW_COLUMNS = (
    Case.id, Case.reference, Case.state, Case.urgent, Case.suspended, Case.country, Case.commodity, Case.created_at,
    Case.next_due_at, Case.assigned_officer_id,
    and_(Case.urgent, Case.state.notin_(FINAL_STATES)).label("urgent_open"),
)  # fmt: skip


def as_rows(query: Select) -> Select:
    """``query``'s cases as plain rows of what a row prints, not as cases: the list's 51 rows and the dashboard's
    100, loaded whole, were a third of those pages' time at 100,000 cases, and made into objects with only those
    columns still a fifth (an object costs 40 µs, a row 8). A template that reaches for another column fails in
    the tests."""
    return query.with_only_columns(*ROW_COLUMNS, maintain_column_froms=True)


@dataclass(frozen=True)
class CaseFilters:
    state: str | None = None
    category: str | None = None
    country: str | None = None
    commodity: str | None = None
    entity_id: int | None = None
    urgent: bool = False
    overdue: bool = False
    mine: bool = False  # assigned to the reader
    assignee_id: int | None = None  # assigned to this officer (the JSON API's filter)
    unassigned: bool = False  # open and nobody's
    due_week: bool = False  # a deadline in the next seven days
    tag_id: int | None = None
    text: str | None = None  # the search box (portal/cases/search.py)
    locale: str = "en"  # the reader's, for country names in the search
    sort: str = "newest"


def visible_to(user: User) -> Select:
    """Cases ``user`` may see, without loading their relations (lists show only plain columns)."""
    return (
        select(Case)
        .where(access.visible_cases(user))
        .options(lazyload(Case.category_rows), lazyload(Case.entity_links))
    )


def filtered(user: User, filters: CaseFilters, now: datetime) -> Select:
    query = visible_to(user)
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.category:
        # EXISTS probes the (case_id, category) key per case, so the state/date index drives and LIMIT stops early.
        query = query.where(exists().where(CaseCategory.case_id == Case.id, CaseCategory.category == filters.category))
    if filters.country:
        query = query.where(Case.country == filters.country.upper())
    if filters.commodity:
        query = query.where(Case.commodity == filters.commodity)
    if filters.entity_id is not None:
        query = query.where(exists().where(CaseEntity.case_id == Case.id, CaseEntity.entity_id == filters.entity_id))
    if filters.urgent:  # a closed case is never urgent, whatever its flag says
        query = query.where(Case.urgent, Case.state.notin_(FINAL_STATES))
    if filters.overdue:
        query = query.where(Case.next_due_at < now)
    if filters.due_week:
        query = query.where(Case.next_due_at.between(now, now + timedelta(days=7)))
    if filters.unassigned:
        query = query.where(Case.assigned_officer_id.is_(None), Case.state.notin_(FINAL_STATES))
    if filters.mine:
        query = query.where(Case.assigned_officer_id == user.id)
    if filters.assignee_id is not None:
        query = query.where(Case.assigned_officer_id == filters.assignee_id)
    if filters.tag_id is not None:
        query = query.where(exists().where(CaseTag.case_id == Case.id, CaseTag.tag_id == filters.tag_id))
    if filters.text:
        found = search.matching(filters.text, filters.locale)
        if found is not None:
            query = query.where(found)
    return query.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def page_of(query: Select, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    """One page and whether another follows. One row more than a page tells; no COUNT over every match, which
    would grow with the database (bench: the list's p50 doubled from 10,000 to 100,000 cases with it). The page
    holds objects when ``query`` selects one whole entity, plain rows when it selects columns (``as_rows``)."""
    result = db.session.execute(query.limit(size + 1).offset((page - 1) * size))
    described = query.column_descriptions
    whole = len(described) == 1 and described[0]["expr"] is described[0]["entity"]
    rows = (result.scalars() if whole else result).all()
    return list(rows[:size]), len(rows) > size


# The dashboard's sections, most pressing first: a case is listed once, in the first section that shows it.
PRESSING = ("overdue", "urgent", "due", "mine", "unassigned")


def dashboard_conditions(user: User, now: datetime) -> dict:
    """What puts an open case in each section, before the earlier sections take it."""
    # A union of two index lookups; an OR across the two would scan every case.
    mine = Case.id.in_(
        union(
            select(Case.id).where(Case.assigned_officer_id == user.id),
            select(PanelSeat.case_id).where(PanelSeat.user_id == user.id),
        )
    )
    return {
        # NULL-safe (no deadline is FALSE, not NULL), so that "not in an earlier section" keeps those cases.
        "overdue": and_(Case.next_due_at.is_not(None), Case.next_due_at < now),
        "urgent": Case.urgent,
        "due": and_(Case.next_due_at.is_not(None), Case.next_due_at.between(now, now + timedelta(days=7))),
        "mine": mine,
        "unassigned": Case.assigned_officer_id.is_(None),
    }


def dashboard_sections(user: User, now: datetime) -> dict[str, Select]:
    """The dashboard's lists, most pressing first; closed cases in none. Each list's query before the cases shown
    above it are left out (``without``): see ``dashboard_tables``."""
    conditions = dashboard_conditions(user, now)
    listed = visible_to(user).where(Case.state.notin_(FINAL_STATES))
    return {
        # NULLS LAST, as PostgreSQL orders anyway: SQLite put the cases without a deadline first, so the urgent
        # section walked every closed urgent case (their clocks stopped) before the first open one.
        key: listed.where(conditions[key]).order_by(
            Case.created_at if key == "unassigned" else Case.next_due_at.asc().nulls_last(), Case.id
        )
        for key in PRESSING
    }


def dashboard_tables(user: User, now: datetime, rows: int) -> dict[str, list]:
    """The dashboard's rows: a case is listed once, in the most pressing section that shows it. Leaving out only
    the cases shown above (a short ``NOT IN``) keeps each section an index scan that stops after ``rows``; leaving
    out every case of every earlier section cost the least pressing section a scan of all open cases. Each table
    holds plain rows (``as_rows``), not cases."""
    shown: list[int] = []
    tables = {}
    for key, query in dashboard_sections(user, now).items():
        if shown:
            query = query.where(Case.id.notin_(shown))
        tables[key] = list(db.session.execute(as_rows(query).limit(rows)))
        shown += [case.id for case in tables[key]]
    return tables


def section_filters(key: str) -> dict[str, str]:
    """The case list's filters that show a dashboard section in full ("see all")."""
    return {
        "overdue": {"overdue": "y", "sort": "due"},
        "urgent": {"urgent": "y", "sort": "due"},
        "due": {"due_week": "y", "sort": "due"},
        "mine": {"mine": "y", "sort": "due"},
        "unassigned": {"unassigned": "y", "sort": "oldest"},
    }[key]
