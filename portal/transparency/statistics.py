"""The public statistics page: what the register's cases add up to, with small counts suppressed (issue 14, item 3).

Only cases the public rule lists count (``queries.public_condition``): a case not admitted, opted out or flagged is
in no figure. ``build`` reads them with a handful of grouped queries, applies the small-count rule
(``suppression.py``) and returns the published figures only; they are stored per version of the register
(``aggregates.py``) and rendered once per process, language and version (``core/page_cache.py``). So a request
reads one indexed row (the register's version) and serves the page from memory; the figures are computed again
only after something public changed (docs/architecture.md §8 "Statistics").
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from statistics import median
from typing import Any

import click
from babel.numbers import format_decimal, format_percent
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from portal.cases.commitments import Commitment, CommitmentCheck, CommitmentStatus
from portal.cases.labels import CATEGORIES, COMMITMENT_STATUSES, COMMODITIES, OUTCOMES
from portal.cases.models import Case, CaseCategory, CaseEntry, Category, Commodity, EntryKind, Visibility
from portal.cases.workflow import ClockSettings, Outcome, State
from portal.core.db import utcnow
from portal.core.i18n import country_name, words
from portal.core.page_cache import cached_page
from portal.extensions import db
from portal.transparency import aggregates, labels, queries
from portal.transparency.queries import STAGE_OF_STATE, Stage
from portal.transparency.suppression import THRESHOLD, Equation, publish

CACHE = "portal_statistics"
ENDPOINT = "register.statistics_page"
CHECKPOINTS = ("6", "12")  # months after the decision: the first and the second monitoring check-in
CLOCKS = ("acknowledge", "company_response", "feedback")
REMEDIES = ("payment", "action")
CLOCK_NAMES = {
    "acknowledge": _l("Grievance confirmed within %(days)s days"),
    "company_response": _l("Company answered within %(days)s days (%(extended)s with its one extension)"),
    "feedback": _l("Complainant heard from us at least every %(days)s days (closed cases)"),
}
CHECKPOINT_NAMES = {"6": _l("At the check after 6 months"), "12": _l("At the check after 12 months")}


def _public_ids():
    return select(Case.id).where(queries.public_condition()).scalar_subquery()


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clocks() -> ClockSettings:
    return current_app.extensions.get("portal_clocks") or ClockSettings()


def build(version: int) -> dict[str, Any]:
    """The published figures of every listed case (small counts already suppressed)."""
    public = _public_ids()
    cases = db.session.execute(
        select(
            Case.id, Case.created_at, Case.commodity, Case.country, Case.state, Case.outcome, Case.closed_at,
            Case.company_extension_used,
        ).where(Case.id.in_(public))
    ).all()  # fmt: skip
    counts: dict[tuple, int] = {("total",): len(cases)}
    years: Counter[str] = Counter()
    quarters: Counter[tuple[str, int]] = Counter()
    commodities: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for row in cases:
        created = _utc(row.created_at)
        years[str(created.year)] += 1
        quarters[str(created.year), (created.month - 1) // 3 + 1] += 1
        commodities[row.commodity] += 1
        countries[row.country] += 1
        if row.outcome:
            outcomes[row.outcome] += 1
    equations = []
    if years:
        first, last = int(min(years)), int(max(years))
        year_keys = [str(year) for year in range(first, last + 1)]  # a year without cases is a 0, not a gap
    else:
        year_keys = []
    for year in year_keys:
        counts["year", year] = years[year]
        for quarter in range(1, 5):
            counts["quarter", year, quarter] = quarters[year, quarter]
        equations.append(Equation(("year", year), tuple(("quarter", year, quarter) for quarter in range(1, 5))))
    equations.append(Equation(("total",), tuple(("year", year) for year in year_keys)))
    for commodity in Commodity:
        counts["commodity", commodity.value] = commodities[commodity.value]
    equations.append(Equation(("total",), tuple(("commodity", commodity.value) for commodity in Commodity)))
    for country in sorted(countries):
        counts["country", country] = countries[country]
    equations.append(Equation(("total",), tuple(("country", country) for country in sorted(countries))))
    counts["decided",] = sum(outcomes.values())
    for outcome in Outcome:
        counts["outcome", outcome.value] = outcomes[outcome.value]
    equations.append(Equation(("decided",), tuple(("outcome", outcome.value) for outcome in Outcome)))

    # Categories: a case may have several, so they do not add up to the total (no equation).
    by_category = dict(
        db.session.execute(
            select(CaseCategory.category, func.count())
            .where(CaseCategory.case_id.in_(public))
            .group_by(CaseCategory.category)
        ).all()
    )
    for category in Category:
        counts["category", category.value] = by_category.get(category.value, 0)

    timings = _timings(cases, public)
    for stage in Stage:
        if stage is not Stage.RECEIVED:  # every listed case was received: that is the total
            counts["funnel", stage.value] = timings["reached"][stage]

    remedies = _remedies(public)
    for remedy in REMEDIES:
        counts["remedy", remedy] = remedies[remedy]
    implementation = _implementation(public)
    for checkpoint in CHECKPOINTS:
        statuses = implementation[checkpoint]
        counts["checked", checkpoint] = sum(statuses.values())
        for status in CommitmentStatus:
            counts["status", checkpoint, status.value] = statuses[status.value]
        cells = tuple(("status", checkpoint, status.value) for status in CommitmentStatus)
        equations.append(Equation(("checked", checkpoint), cells))

    shown = publish(counts, equations)
    return {
        "version": version,
        "built_at": utcnow().isoformat(),
        "total": shown["total",],
        "years": [[year, shown["year", year]] for year in year_keys],
        "quarters": [[year, quarter, shown["quarter", year, quarter]] for year in year_keys for quarter in range(1, 5)],
        "categories": [[category.value, shown["category", category.value]] for category in Category],
        "commodities": [[commodity.value, shown["commodity", commodity.value]] for commodity in Commodity],
        "countries": [[country, shown["country", country]] for country in sorted(countries)],
        "funnel": [
            [stage.value, shown["total",] if stage is Stage.RECEIVED else shown["funnel", stage.value]]
            for stage in Stage
        ],
        "stage_days": [[stage.value, _median(timings["durations"][stage])] for stage in Stage if stage != Stage.CLOSED],
        "clocks": [[clock, _share(*timings["clocks"][clock])] for clock in CLOCKS],
        "decided": shown["decided",],
        "outcomes": [[outcome.value, shown["outcome", outcome.value]] for outcome in Outcome],
        "remedies": [[remedy, shown["remedy", remedy]] for remedy in REMEDIES],
        "implementation": [
            [
                checkpoint,
                shown["checked", checkpoint],
                [[status.value, shown["status", checkpoint, status.value]] for status in CommitmentStatus],
            ]
            for checkpoint in CHECKPOINTS
        ],
    }


def _median(values: list[float]) -> float | None:
    """Days, to one decimal; none from fewer than THRESHOLD cases."""
    return round(median(values), 1) if len(values) >= THRESHOLD else None


def _share(met: int, of: int) -> int | None:
    """Percent; none from fewer than THRESHOLD cases."""
    return round(100 * met / of) if of >= THRESHOLD else None


def _timings(cases, public) -> dict[str, Any]:
    """Stages reached, days per stage and the three clocks, from the state changes and messages of listed cases."""
    clocks = _clocks()
    stmt = (
        select(CaseEntry.case_id, CaseEntry.kind, CaseEntry.visibility, CaseEntry.new_state, CaseEntry.created_at)
        .where(
            CaseEntry.case_id.in_(public),
            CaseEntry.kind.in_([EntryKind.STATE_CHANGE, EntryKind.TO_COMPLAINANT, EntryKind.COMPANY_RESPONSE]),
        )
        .order_by(CaseEntry.case_id, CaseEntry.created_at, CaseEntry.id)
    )
    entries: dict[int, list] = defaultdict(list)
    for row in db.session.execute(stmt):
        entries[row.case_id].append(row)
    reached: Counter[Stage] = Counter()
    durations: dict[Stage, list[float]] = defaultdict(list)
    met = {clock: [0, 0] for clock in CLOCKS}
    for case in cases:
        created = _utc(case.created_at)
        entered: dict[Stage, datetime] = {Stage.RECEIVED: created}
        heard = [created]  # moments the complainant heard from the mechanism
        company_started: datetime | None = None
        company_answered: datetime | None = None
        for entry in entries[case.id]:
            at = _utc(entry.created_at)
            if entry.kind == EntryKind.STATE_CHANGE and entry.new_state and entry.new_state != State.INFO_REQUESTED:
                stage = STAGE_OF_STATE[State(entry.new_state)]
                entered.setdefault(stage, at)
                if company_started is not None and company_answered is None and stage != Stage.COMPANY_RESPONSE:
                    company_answered = at  # the stage ended without a written answer: the clock stopped here
                if entry.new_state == State.COMPANY_RESPONSE and company_started is None:
                    company_started = at
            if entry.kind == EntryKind.COMPANY_RESPONSE and company_started is not None and company_answered is None:
                company_answered = at
            if entry.visibility == Visibility.COMPLAINANT and entry.kind != EntryKind.COMPANY_RESPONSE:
                heard.append(at)
        order = [stage for stage in Stage if stage in entered]
        for stage in order:
            reached[stage] += 1
        for stage, following in itertools.pairwise(order):
            durations[stage].append(max(0.0, _days(entered[stage], entered[following])))
        if Stage.ACKNOWLEDGED in entered:
            met["acknowledge"][1] += 1
            met["acknowledge"][0] += _days(created, entered[Stage.ACKNOWLEDGED]) <= clocks.acknowledge_days
        if company_started is not None and company_answered is not None:
            allowed = clocks.company_response_days + (
                clocks.company_extension_days if case.company_extension_used else 0
            )
            met["company_response"][1] += 1
            met["company_response"][0] += _days(company_started, company_answered) <= allowed
        if case.state == State.CLOSED and case.closed_at is not None:
            heard.append(_utc(case.closed_at))
            heard.sort()
            longest = max((_days(a, b) for a, b in itertools.pairwise(heard)), default=0.0)
            met["feedback"][1] += 1
            met["feedback"][0] += longest <= clocks.feedback_days
    return {"reached": reached, "durations": durations, "clocks": {key: tuple(value) for key, value in met.items()}}


def _remedies(public) -> Counter[str]:
    """Listed cases with at least one payment, and with at least one other action, among their commitments."""
    stmt = select(Commitment.case_id, Commitment.amount_minor.is_not(None)).where(Commitment.case_id.in_(public))
    kinds: dict[str, set[int]] = {remedy: set() for remedy in REMEDIES}
    for case_id, payment in db.session.execute(stmt):
        kinds["payment" if payment else "action"].add(case_id)
    return Counter({remedy: len(ids) for remedy, ids in kinds.items()})


def _implementation(public) -> dict[str, Counter[str]]:
    """Commitments of listed cases by what the first (6 months) and second (12 months) check-in found."""
    stmt = (
        select(CommitmentCheck.commitment_id, CommitmentCheck.status)
        .join(Commitment, Commitment.id == CommitmentCheck.commitment_id)
        .where(Commitment.case_id.in_(public))
        .order_by(CommitmentCheck.commitment_id, CommitmentCheck.id)
    )
    seen: Counter[int] = Counter()
    found: dict[str, Counter[str]] = {checkpoint: Counter() for checkpoint in CHECKPOINTS}
    for commitment_id, status in db.session.execute(stmt):
        index = seen[commitment_id]
        seen[commitment_id] += 1
        if index < len(CHECKPOINTS):
            found[CHECKPOINTS[index]][status] += 1
    return found


# --- the figures of the current version ---------------------------------------------------------------------------


def figures() -> dict[str, Any]:
    """The figures of the register as it is now: from this process's memory, else the stored snapshot of this
    version, else built (once per change of the register, whichever server reads first)."""
    version, _ = queries.register_version()
    cache = current_app.extensions.setdefault(CACHE, {})
    if cache.get("version") == version:
        return cache["figures"]
    found = aggregates.stored(version)
    if found is None:
        with _BUILDING:  # one build at a time in this process; the others then read what it stored
            _claim_the_build()
            found = aggregates.stored(version)
            if found is None:
                found = build(version)
                aggregates.store(version, found)
    cache.update(version=version, figures=found)
    return found


_BUILDING = threading.Lock()
BUILD_LOCK_KEY = 7_242_031_379  # a PostgreSQL advisory lock of its own (deadlines use ...378)


def _claim_the_build() -> None:
    """On PostgreSQL, wait until no other server is building: its lock is held until its request commits, so its
    snapshot is visible when this one looks again. (SQLite is one machine: the process lock is enough.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BUILD_LOCK_KEY})


def refresh() -> dict[str, Any]:
    """Build the figures now and replace the stored snapshot (``flask portal refresh-statistics``; also after data
    was loaded without the signals, e.g. a bulk import)."""
    version, _ = queries.register_version()
    found = build(version)
    aggregates.replace(version, found)
    current_app.extensions.pop(CACHE, None)
    pages = current_app.extensions.get("portal_page_cache", {})
    for key in [key for key in pages if key[0] == ENDPOINT]:
        del pages[key]  # this process's rendered pages of the same version are stale too
    return found


@click.command("refresh-statistics")
@with_appcontext
def refresh_statistics() -> None:
    """Compute the public statistics again and store them (run after a bulk import, or ahead of the first visitor)."""
    found = refresh()
    db.session.commit()
    click.echo(f"Statistics of register version {found['version']}: {found['total'] or 'fewer than 5'} cases.")


# --- the page -----------------------------------------------------------------------------------------------------


def _rows(pairs, names) -> list[dict[str, Any]]:
    return [{"label": names.get(key, key), "value": value, "shown": _count(value)} for key, value in pairs]


def _count(value: int | None) -> str:
    return gettext("fewer than 5") if value is None else format_decimal(value, locale=str(get_locale()))


def _clock_name(clock: str) -> str:
    settings = _clocks()
    days = {
        "acknowledge": settings.acknowledge_days,
        "company_response": settings.company_response_days,
        "feedback": settings.feedback_days,
    }[clock]
    extended = settings.company_response_days + settings.company_extension_days
    return str(CLOCK_NAMES[clock]) % {"days": days, "extended": extended}


def page() -> str:
    def render() -> str:
        found = figures()
        stage_words = words(labels.STAGES)
        status_words = words(COMMITMENT_STATUSES)
        countries = sorted(
            (
                {"label": country_name(code), "value": value, "shown": _count(value)}
                for code, value in found["countries"]
            ),
            key=lambda row: row["label"],
        )
        return render_template(
            "transparency/statistics.html",
            found=found,
            built_on=datetime.fromisoformat(found["built_at"]),
            threshold=THRESHOLD,
            years=_rows(found["years"], {}),
            quarters=[
                {
                    "label": gettext("Q%(quarter)s %(year)s", quarter=number, year=year),
                    "value": value,
                    "shown": _count(value),
                }
                for year, number, value in found["quarters"]
            ],
            categories=_rows(found["categories"], words(CATEGORIES)),
            commodities=_rows(found["commodities"], words(COMMODITIES)),
            countries=countries,
            funnel=_rows(found["funnel"], stage_words),
            stage_days=[
                {
                    "label": stage_words[stage],
                    "value": days,
                    "shown": gettext("fewer than 5 cases")
                    if days is None
                    else format_decimal(days, locale=str(get_locale())),
                }
                for stage, days in found["stage_days"]
            ],
            clocks=[
                {
                    "label": _clock_name(clock),
                    "value": share,
                    "shown": gettext("fewer than 5 cases")
                    if share is None
                    else format_percent(share / 100, locale=str(get_locale())),
                }
                for clock, share in found["clocks"]
            ],
            outcomes=_rows(found["outcomes"], words(OUTCOMES)),
            remedies=_rows(found["remedies"], words(labels.REMEDY_TYPES)),
            implementation=[
                (checkpoint, str(CHECKPOINT_NAMES[checkpoint]), _count(total), _rows(statuses, status_words))
                for checkpoint, total, statuses in found["implementation"]
            ],
            total=_count(found["total"]),
            decided=_count(found["decided"]),
        )

    return cached_page(render, version=_version)


def _version() -> int:
    """The register's version, asked of the database at most once per ``STATISTICS_RECHECK_SECONDS`` (1 s) per
    process: that query was most of a cached page's time. A change reaches the page within that second."""
    cache = current_app.extensions.setdefault(CACHE, {})
    wait = current_app.config.get("STATISTICS_RECHECK_SECONDS", 1.0)
    now = time.monotonic()
    if wait and "checked_at" in cache and now - cache["checked_at"] < wait:
        return cache["checked_version"]
    version, _ = queries.register_version()
    cache.update(checked_at=now, checked_version=version)
    return version
