"""The workload at a glance, for the dashboard: open cases by stage, deadlines in the next four weeks, cases per
officer, age of open cases, and how many cases each dashboard section holds.

Every figure is an aggregate query (GROUP BY in the database), over the cases the reader may see, never a loop over
cases in Python. The figures are kept per process for a reader until anything is audited (every change to a case
writes an audit entry, so the newest entry is the version of the data) or the minute turns (deadlines fall
due with time alone): a dashboard read again and again costs one indexed ``max(id)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any, TypeVar

from flask import g, has_request_context
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from portal.cases import access, labels, queries
from portal.cases.models import Case
from portal.cases.workflow import FINAL_STATES, State
from portal.core.i18n import words
from portal.extensions import db
from portal.users.models import User

WEEKS = 4
AGE_BUCKETS = (30, 90, 180, 365)  # days: under 30, 30 to 89, 90 to 179, 180 to 364, a year or more
_CACHE: dict[tuple, Any] = {}  # what ``kept`` keeps: the workload figures, the dashboard's open alerts
_CACHE_LOCK = Lock()
_CACHE_MAX = 512
T = TypeVar("T")


@dataclass(frozen=True)
class Workload:
    by_stage: list[tuple[str, int]]  # (state, open cases), in the lifecycle's order
    by_week: list[int]  # deadlines falling in week 1..4 from now
    by_officer: list[tuple[int | None, str | None, int]]  # (officer id, name, open cases); None: unassigned
    by_age: list[int]  # open cases per AGE_BUCKETS bucket (len(AGE_BUCKETS) + 1)
    sections: dict[str, int]  # dashboard section → cases in it


def version() -> tuple:
    """The newest audit entry (it moves whenever anything about a case changes: every operation, alert and
    registry change is audited) and the newest case (a bulk load that bypasses the operations, as the bench's seed
    does, moves it too); one indexed round trip."""
    if has_request_context() and "desk_version" in g:  # read once per request: the charts and the alerts share it
        return g.desk_version
    audit = db.metadata.tables["audit_entries"]
    newest = select(audit.c.entry_hash).order_by(audit.c.id.desc()).limit(1).scalar_subquery()
    found = tuple(db.session.execute(select(newest, select(func.max(Case.id)).scalar_subquery())).one())
    if has_request_context():
        g.desk_version = found
    return found


def kept(name: str, user: User, now: datetime, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process for this reader and language until the desk's ``version`` changes or
    the minute turns (deadlines pass without a row changing): a dashboard read again costs one indexed query.
    What is kept must be plain data, never a database object (it outlives the request's session)."""
    locale = str(get_locale()) if has_request_context() else None
    key = (name, user.id, locale, version(), now.replace(second=0, microsecond=0))
    found = _CACHE.get(key)
    if found is None:
        found = compute()
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[key] = found
    return found


def workload(user: User, now: datetime) -> Workload:
    minute = now.replace(second=0, microsecond=0)
    return kept("workload", user, now, lambda: _compute(user, minute))


def _compute(user: User, now: datetime) -> Workload:
    """Two queries: one pass over the open cases the reader may see, grouped by state, officer and age, that also
    sums each dashboard section; and the deadlines of the next four weeks (a range of the deadline index). At
    1,000,000 cases one pass costs about a second on PostgreSQL, so the four charts and the section counts share it
    rather than making five."""
    visible_open = (access.visible_cases(user), Case.state.notin_(FINAL_STATES))
    age = case(
        *((Case.created_at > now - timedelta(days=days), index) for index, days in enumerate(AGE_BUCKETS)),
        else_=len(AGE_BUCKETS),
    ).label("age")
    conditions = queries.dashboard_conditions(user, now)
    in_sections = [func.sum(case((conditions[key], 1), else_=0)) for key in queries.PRESSING]
    cube = db.session.execute(
        select(Case.state, Case.assigned_officer_id, age, func.count(), *in_sections)
        .where(*visible_open)
        .group_by(Case.state, Case.assigned_officer_id, age)
    ).all()
    stages: Counter[str] = Counter()
    per_officer: Counter[int | None] = Counter()
    ages: Counter[int] = Counter()
    sections: Counter[str] = Counter()
    for state, officer_id, bucket, total, *section_totals in cube:
        stages[state] += total
        per_officer[officer_id] += total
        ages[bucket] += total
        for key, in_section in zip(queries.PRESSING, section_totals, strict=True):
            sections[key] += int(in_section or 0)
    officer_ids = [officer_id for officer_id in per_officer if officer_id is not None]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(officer_ids))).all())
    officers = sorted(
        ((officer_id, names.get(officer_id), total) for officer_id, total in per_officer.items()),
        key=lambda row: (-row[2], row[1] is None, row[1] or ""),  # most cases first, then by name, unassigned last
    )

    week = case(
        *((Case.next_due_at < now + timedelta(days=7 * (index + 1)), index) for index in range(WEEKS - 1)),
        else_=WEEKS - 1,
    ).label("week")
    weeks = dict(
        db.session.execute(
            select(week, func.count())
            .where(*visible_open, Case.next_due_at >= now, Case.next_due_at < now + timedelta(days=7 * WEEKS))
            .group_by(week)
        ).all()
    )
    order = [state.value for state in State if state not in FINAL_STATES]
    return Workload(
        by_stage=[(state, stages[state]) for state in order if stages.get(state)],
        by_week=[weeks.get(index, 0) for index in range(WEEKS)],
        by_officer=officers,
        by_age=[ages.get(index, 0) for index in range(len(AGE_BUCKETS) + 1)],
        sections={key: sections[key] for key in queries.PRESSING},
    )


@dataclass(frozen=True)
class Row:
    """A row of a chart (portal/templates/_charts.html): label, value, shown."""

    label: str
    value: int
    shown: str


def charts(figures: Workload) -> dict[str, list[Row]]:
    """The dashboard's four charts, labelled in the reader's language."""
    states = words(labels.STATE_NAMES)
    count = format_number
    week_names = [_("Week %(week)d", week=index + 1) for index in range(WEEKS)]
    age_names = [
        _("Under 30 days"),
        _("30 to 89 days"),
        _("90 to 179 days"),
        _("180 to 364 days"),
        _("A year or more"),
    ]
    return {
        "stage": [Row(states.get(state, state), total, count(total)) for state, total in figures.by_stage],
        "weeks": [Row(name, total, count(total)) for name, total in zip(week_names, figures.by_week, strict=True)],
        "officers": [
            Row(name if officer_id else _("Unassigned"), total, count(total))
            for officer_id, name, total in figures.by_officer
        ],
        "age": [Row(name, total, count(total)) for name, total in zip(age_names, figures.by_age, strict=True)],
    }


def forget() -> None:
    """Drop every kept figure (tests that load cases directly, bypassing the operations and the audit trail)."""
    with _CACHE_LOCK:
        _CACHE.clear()
