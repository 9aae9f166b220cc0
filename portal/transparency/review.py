"""The annual effectiveness review (LkSG §8, UNGP 31): indicators of a year, the committee's narrative, adoption.

``compute(year)`` reads the year's cases in a handful of bulk queries (no query per case) and returns plain data:
for every group (all cases, then each commodity, country, category and channel) one cell per indicator, each
already suppressed (``suppress``: a count of 1 to 4 is never stored or shown, nor a share or median of 1 to 4 cases).
``flask portal annual-review`` writes it as HTML or CSV; the staff pages show it and let the committee write its
narrative and the chair adopt it (``annual_review_changed``, audited); adoption freezes the cells in the
``AnnualReview`` row, which ``/<locale>/reviews/<year>`` publishes.

Cohorts (docs/architecture.md §8): indicators about receiving and handling a grievance count the cases **received**
in the year; those about the end of a case (closure, outcome, remedy, commitments at 6 and 12 months, reopening,
satisfaction) count the cases **closed** (or withdrawn) in the year.
"""

from __future__ import annotations

import csv
import io
import itertools
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from babel.numbers import format_decimal, format_percent
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, url_for
from flask.cli import with_appcontext
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import and_, or_, select
from wtforms import HiddenField, SelectField, TextAreaField

from portal.cases.commitments import Commitment, CommitmentCheck, CommitmentStatus
from portal.cases.committee import Decision
from portal.cases.labels import CATEGORIES, COMMODITIES, OUTCOMES
from portal.cases.models import Case, CaseCategory, CaseEntity, CaseEntry, EntryKind
from portal.cases.workflow import DecisionKind, Outcome, State
from portal.core import signals
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.forms import CHOOSE_ONE, MaxLength, options
from portal.core.i18n import LOCALES, country_name
from portal.core.page_cache import cached_page
from portal.core.routing import locale_blueprint
from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.transparency.labels import STAGES
from portal.transparency.queries import STAGE_OF_STATE, Stage
from portal.transparency.review_models import (
    QUESTIONS,
    REVIEW_READERS,
    AnnualReview,
    Channel,
    ReviewStatus,
    SatisfactionAnswer,
    Scale,
    can_adopt,
    can_write_narrative,
)
from portal.transparency.suppression import Equation, hidden_cells, is_small

MAX_NARRATIVE = 20000
CLOSED_STATES = (State.CLOSED, State.WITHDRAWN)
MEASURED_STAGES = (
    Stage.RECEIVED,
    Stage.ACKNOWLEDGED,
    Stage.ADMISSIBILITY,
    Stage.COMPANY_RESPONSE,
    Stage.DIALOGUE,
    Stage.DECISION,
    Stage.MONITORING,
)
DIMENSIONS = ("commodity", "country", "category", "channel")


# --- suppression --------------------------------------------------------------------------------------------------
# The primary rule of the public statistics (transparency/suppression.py): a count of 1 to 4 is "fewer than 5".
# The review publishes one table per dimension without totals that its cells must add up to, so the statistics'
# complementary suppression has no equations to hold here; shares and medians get the guards below.


def count_cell(count: int) -> dict[str, Any]:
    # "raw" lives only until compute() has applied complementary suppression, then it is removed.
    return {"k": "count", "v": None if is_small(count) else count, "raw": count}


def share_cell(part: int, whole: int) -> dict[str, Any]:
    """A share, hidden when its base is 0 or small, or when the part or the rest is small (either could be
    recovered from the share and the base)."""
    if whole == 0:
        return {"k": "share", "v": None, "why": "none"}
    if is_small(whole) or is_small(part) or is_small(whole - part):
        return {"k": "share", "v": None, "why": "few"}
    return {"k": "share", "v": round(part / whole, 4)}


def days_cell(values: list[float]) -> dict[str, Any]:
    """The median of durations in days, hidden when it rests on fewer than 5 cases."""
    if not values:
        return {"k": "days", "v": None, "why": "none"}
    if is_small(len(values)):
        return {"k": "days", "v": None, "why": "few"}
    return {"k": "days", "v": round(statistics.median(values), 1)}


# --- reading the year's cases ---------------------------------------------------------------------------------------


@dataclass
class CaseFacts:
    id: int
    created_at: datetime
    closed_at: datetime | None
    state: str
    outcome: str | None
    commodity: str
    country: str
    channel: str
    retaliation: bool
    company_extended: bool
    respondent: str | None = None
    categories: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    events: list[tuple[datetime, str]] = field(default_factory=list)  # (when, new state), oldest first
    first_message_at: datetime | None = None
    admissibility: tuple[datetime, bool, bool] | None = None  # (when, admissible, with a referral)
    commitment_checks: list[list[str]] = field(default_factory=list)  # per commitment, its check-ins' statuses
    received_in_year: bool = False
    closed_in_year: bool = False
    # What indicators() derives from the events, worked out once per case though the case counts in several groups.
    memo: dict[str, Any] = field(default_factory=dict)

    def dimension(self, name: str) -> list[str]:
        if name == "category":
            return self.categories
        return [getattr(self, name)]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def load_year(year: int) -> list[CaseFacts]:
    start, end = _year_bounds(year)
    received = and_(Case.created_at >= start, Case.created_at < end)
    closed = and_(Case.state.in_(CLOSED_STATES), Case.closed_at >= start, Case.closed_at < end)
    ids = select(Case.id).where(or_(received, closed)).scalar_subquery()
    rows = db.session.execute(
        select(
            Case.id,
            Case.created_at,
            Case.closed_at,
            Case.state,
            Case.outcome,
            Case.commodity,
            Case.country,
            Case.filed_by_organisation_id,
            Case.retaliation_risk,
            Case.company_extended_at,
            Organisation.name,
        )
        .outerjoin(Organisation, Organisation.id == Case.respondent_organisation_id)
        .where(Case.id.in_(ids))
        .order_by(Case.id)
    ).all()
    cases: dict[int, CaseFacts] = {}
    for row in rows:
        facts = CaseFacts(
            id=row.id,
            created_at=row.created_at,
            closed_at=row.closed_at,
            state=row.state,
            outcome=row.outcome,
            commodity=row.commodity,
            country=row.country,
            channel=Channel.ORGANISATION if row.filed_by_organisation_id is not None else Channel.ONLINE,
            retaliation=row.retaliation_risk,
            company_extended=row.company_extended_at is not None,
            respondent=row.name,
        )
        facts.received_in_year = start <= row.created_at < end
        facts.closed_in_year = row.state in CLOSED_STATES and row.closed_at is not None and start <= row.closed_at < end
        cases[row.id] = facts
    for case_id, category in db.session.execute(
        select(CaseCategory.case_id, CaseCategory.category).where(CaseCategory.case_id.in_(ids))
    ):
        cases[case_id].categories.append(category)
    for case_id, name in db.session.execute(
        select(CaseEntity.case_id, SupplyChainEntity.name)
        .join(SupplyChainEntity, SupplyChainEntity.id == CaseEntity.entity_id)
        .where(CaseEntity.case_id.in_(ids))
    ):
        cases[case_id].sites.append(name)
    for case_id, kind, new_state, created_at, author_id in db.session.execute(
        select(CaseEntry.case_id, CaseEntry.kind, CaseEntry.new_state, CaseEntry.created_at, CaseEntry.author_id)
        .where(CaseEntry.case_id.in_(ids), CaseEntry.kind.in_((EntryKind.STATE_CHANGE, EntryKind.TO_COMPLAINANT)))
        .order_by(CaseEntry.created_at, CaseEntry.id)
    ):
        facts = cases[case_id]
        if kind == EntryKind.STATE_CHANGE and new_state:
            facts.events.append((created_at, new_state))
        elif kind == EntryKind.TO_COMPLAINANT and author_id is not None and facts.first_message_at is None:
            facts.first_message_at = created_at
    for case_id, created_at, admissible, referral in db.session.execute(
        select(Decision.case_id, Decision.created_at, Decision.admissible, Decision.referral)
        .where(Decision.case_id.in_(ids), Decision.kind == DecisionKind.ADMISSIBILITY)
        .order_by(Decision.id)
    ):
        if cases[case_id].admissibility is None:
            cases[case_id].admissibility = (created_at, bool(admissible), bool(referral))
    checks: dict[int, list[str]] = {}
    for commitment_id, case_id in db.session.execute(
        select(Commitment.id, Commitment.case_id).where(Commitment.case_id.in_(ids)).order_by(Commitment.id)
    ):
        checks[commitment_id] = []
        cases[case_id].commitment_checks.append(checks[commitment_id])
    for commitment_id, status in db.session.execute(
        select(CommitmentCheck.commitment_id, CommitmentCheck.status)
        .join(Commitment, Commitment.id == CommitmentCheck.commitment_id)
        .where(Commitment.case_id.in_(ids))
        .order_by(CommitmentCheck.id)
    ):
        checks[commitment_id].append(status)
    return list(cases.values())


def load_answers(year: int) -> list[SatisfactionAnswer]:
    return list(db.session.scalars(select(SatisfactionAnswer).where(SatisfactionAnswer.year == year)))


# --- the indicators -----------------------------------------------------------------------------------------------


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def _first(case: CaseFacts, state: str) -> datetime | None:
    return next((at for at, new in case.events if new == state), None)


def stage_days(case: CaseFacts) -> dict[Stage, float]:
    """Days the case spent in each stage it has left (a question to the complainant counts in the stage it paused)."""
    spent: dict[Stage, float] = defaultdict(float)
    stage, since = Stage.RECEIVED, case.created_at
    for at, new_state in case.events:
        if new_state == State.INFO_REQUESTED:
            continue
        new_stage = STAGE_OF_STATE[State(new_state)]
        if new_stage != stage:
            spent[stage] += _days(since, at)
            stage, since = new_stage, at
    return dict(spent)


def company_deadline_missed(case: CaseFacts, now: datetime) -> bool | None:
    """None if the case never reached the company; else whether the company's answer came after its deadline
    (28 days, 14 more with the one extension, plus any time the clocks were paused for a question)."""
    clocks = current_app.extensions["portal_clocks"]
    entered = _first(case, State.COMPANY_RESPONSE)
    if entered is None:
        return None
    allowed = timedelta(days=clocks.company_response_days)
    if case.company_extended:
        allowed += timedelta(days=clocks.company_extension_days)
    left, paused_at = None, None
    for at, new_state in case.events:
        if at <= entered:
            continue
        if new_state == State.INFO_REQUESTED:
            paused_at = at
        elif paused_at is not None and new_state == State.COMPANY_RESPONSE:
            allowed += at - paused_at
            paused_at = None
        else:
            left = at
            break
    return (left or now) - entered > allowed


def reopened(case: CaseFacts) -> bool:
    """Sent back from monitoring (reopened or escalated after a missed commitment)."""
    states = [new for _, new in case.events]
    return any(
        a == State.MONITORING and b in (State.DIALOGUE, State.ADJUDICATION) for a, b in itertools.pairwise(states)
    )


def indicators(cases: list[CaseFacts], answers: list[SatisfactionAnswer], now: datetime) -> dict[str, Any]:
    clocks = current_app.extensions["portal_clocks"]
    received = [case for case in cases if case.received_in_year]
    closed = [case for case in cases if case.closed_in_year]
    cells: dict[str, Any] = {}

    cells["received"] = count_cell(len(received))
    cells["by_organisation"] = share_cell(sum(c.channel == Channel.ORGANISATION for c in received), len(received))
    cells["retaliation_reports"] = count_cell(
        sum(case.retaliation or "retaliation" in case.categories for case in received)
    )

    ack_days, ack_counted, ack_in_time = [], 0, 0
    limit = clocks.acknowledge_days
    for case in received:
        acknowledged = _first(case, State.ACKNOWLEDGED)
        if acknowledged is not None:
            ack_days.append(_days(case.created_at, acknowledged))
            ack_counted += 1
            ack_in_time += _days(case.created_at, acknowledged) <= limit
        elif case.state not in (*CLOSED_STATES, State.MERGED) and _days(case.created_at, now) > limit:
            ack_counted += 1  # still waiting, past the deadline
    cells["ack_within_7"] = share_cell(ack_in_time, ack_counted)
    cells["ack_median_days"] = days_cell(ack_days)
    first_replies = []
    for case in received:
        moments = [at for at in (case.first_message_at, case.admissibility and case.admissibility[0]) if at]
        if moments:
            first_replies.append(_days(case.created_at, min(moments)))
    cells["first_reply_median_days"] = days_cell(first_replies)

    decided = [case.admissibility for case in received if case.admissibility]
    rejected = [decision for decision in decided if not decision[1]]
    cells["admissibility_decided"] = count_cell(len(decided))
    cells["admissible_share"] = share_cell(len(decided) - len(rejected), len(decided))
    cells["rejected"] = count_cell(len(rejected))
    cells["rejected_referred"] = count_cell(sum(decision[2] for decision in rejected))

    per_stage: dict[Stage, list[float]] = defaultdict(list)
    for case in received:
        if "stages" not in case.memo:
            case.memo["stages"] = stage_days(case)
            case.memo["missed"] = company_deadline_missed(case, now)
        for stage, spent in case.memo["stages"].items():
            per_stage[stage].append(spent)
    for stage in MEASURED_STAGES:
        cells[f"stage_days_{stage}"] = days_cell(per_stage[stage])
    missed = [case.memo["missed"] for case in received]
    reached = [result for result in missed if result is not None]
    cells["company_reached"] = count_cell(len(reached))
    cells["company_deadline_missed"] = count_cell(sum(reached))

    durations = [_days(case.created_at, case.closed_at) for case in closed if case.closed_at]
    cells["closed"] = count_cell(len(closed))
    cells["closure_median_days"] = days_cell(durations)
    for within in (90, 180, 365):
        cells[f"closed_within_{within}"] = share_cell(sum(d <= within for d in durations), len(durations))
    for outcome in Outcome:
        cells[f"outcome_{outcome}"] = count_cell(sum(case.outcome == outcome for case in closed))
    cells["outcome_none"] = count_cell(sum(case.outcome is None and case.state == State.CLOSED for case in closed))
    cells["outcome_withdrawn"] = count_cell(sum(case.state == State.WITHDRAWN for case in closed))
    cells["remedy_share"] = share_cell(sum(bool(case.commitment_checks) for case in closed), len(closed))
    for number, months in ((1, 6), (2, 12)):
        statuses = [checks[number - 1] for case in closed for checks in case.commitment_checks if len(checks) >= number]
        cells[f"commitments_met_{months}"] = share_cell(
            sum(status == CommitmentStatus.MET for status in statuses), len(statuses)
        )
    cells["reopened"] = count_cell(sum(reopened(case) for case in closed))

    cells["answers"] = count_cell(len(answers))
    for question in QUESTIONS:
        given = [getattr(answer, question) for answer in answers]
        counted = [value for value in given if value in (Scale.YES, Scale.PARTLY, Scale.NO)]
        cells[f"{question}_yes"] = share_cell(sum(value == Scale.YES for value in counted), len(counted))
    return cells


def _answer_dimension(answer: SatisfactionAnswer, name: str) -> list[str]:
    return list(answer.categories or []) if name == "category" else [getattr(answer, name)]


def repeat_entities(cases: list[CaseFacts]) -> list[dict[str, Any]]:
    """Sites and respondent companies named by two or more of the year's received grievances."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for case in cases:
        if not case.received_in_year:
            continue
        for site in set(case.sites):
            counts["site", site] += 1
        if case.respondent:
            counts["company", case.respondent] += 1
    found = [
        {"kind": kind, "name": name, "cases": count_cell(count)} for (kind, name), count in counts.items() if count >= 2
    ]
    return sorted(found, key=lambda row: (-(row["cases"]["v"] or 0), row["kind"], row["name"]))


def compute(year: int, now: datetime | None = None) -> dict[str, Any]:
    """The whole review of ``year`` as plain, suppressed data (JSON-ready)."""
    now = now or utcnow()
    cases = load_year(year)
    answers = load_answers(year)
    groups: list[dict[str, Any]] = [{"dimension": "all", "key": "", "cells": indicators(cases, answers, now)}]
    for dimension in DIMENSIONS:
        keys = sorted(
            {key for case in cases for key in case.dimension(dimension)}
            | {key for answer in answers for key in _answer_dimension(answer, dimension)}
        )
        for key in keys:
            subset = [case for case in cases if key in case.dimension(dimension)]
            subset_answers = [answer for answer in answers if key in _answer_dimension(answer, dimension)]
            groups.append({"dimension": dimension, "key": key, "cells": indicators(subset, subset_answers, now)})
    entities = repeat_entities(cases)
    _hide_complements(groups)
    for cell in [cell for group in groups for cell in group["cells"].values()] + [e["cases"] for e in entities]:
        cell.pop("raw", None)  # never stored: the frozen figures hold only what may be published
    return {"year": year, "computed_at": now.isoformat(), "groups": groups, "entities": entities}


# Each case has one commodity, one country and one channel, so those groups' counts add up to the year's: a hidden
# count could be recovered as the year's minus the others. Categories overlap (a case has several): no equation.
EXCLUSIVE_DIMENSIONS = ("commodity", "country", "channel")


def _hide_complements(groups: list[dict[str, Any]]) -> None:
    """Complementary suppression (transparency/suppression.py) of every count across the groups that sum to it."""
    overall = groups[0]["cells"]
    for name, cell in overall.items():
        if cell.get("k") != "count":
            continue
        counts: dict[Hashable, int] = {("all", ""): cell["raw"]}
        equations = []
        for dimension in EXCLUSIVE_DIMENSIONS:
            members = [(g["dimension"], g["key"]) for g in groups if g["dimension"] == dimension and name in g["cells"]]
            for group in groups:
                if (group["dimension"], group["key"]) in members:
                    counts[group["dimension"], group["key"]] = group["cells"][name]["raw"]
            equations.append(Equation(total=("all", ""), cells=tuple(members)))
        hidden = hidden_cells(counts, equations)
        for group in groups:
            if (group["dimension"], group["key"]) in hidden and name in group["cells"]:
                group["cells"][name]["v"] = None


# --- words and formatting -----------------------------------------------------------------------------------------

SECTIONS: tuple[tuple[Any, tuple[tuple[str, Any], ...]], ...] = (
    (
        _l("Grievances received"),
        (
            ("received", _l("Grievances received")),
            ("by_organisation", _l("Share filed by organisations")),
            ("retaliation_reports", _l("Grievances reporting retaliation or a risk of it")),
        ),
    ),
    (
        _l("Confirming and answering"),
        (
            ("ack_within_7", _l("Share confirmed within 7 days")),
            ("ack_median_days", _l("Median days to confirm receipt")),
            ("first_reply_median_days", _l("Median days to the first real answer")),
        ),
    ),
    (
        _l("Can we handle it?"),
        (
            ("admissibility_decided", _l("Decisions on whether we can handle the grievance")),
            ("admissible_share", _l("Share accepted")),
            ("rejected", _l("Not accepted")),
            ("rejected_referred", _l("Not accepted, but referred elsewhere")),
        ),
    ),
    (
        _l("Median days in each stage"),
        (
            *tuple((f"stage_days_{stage}", STAGES[stage]) for stage in MEASURED_STAGES),
            ("company_reached", _l("Grievances sent to the company")),
            ("company_deadline_missed", _l("Company deadlines missed")),
        ),
    ),
    (
        _l("Closing cases"),
        (
            ("closed", _l("Cases closed or withdrawn")),
            ("closure_median_days", _l("Median days from receipt to closure")),
            ("closed_within_90", _l("Share closed within 90 days")),
            ("closed_within_180", _l("Share closed within 180 days")),
            ("closed_within_365", _l("Share closed within 365 days")),
        ),
    ),
    (
        _l("Outcomes and remedy"),
        (
            *tuple((f"outcome_{outcome}", OUTCOMES[outcome]) for outcome in Outcome),
            ("outcome_none", _l("Closed without a decision on the grievance")),
            ("outcome_withdrawn", _l("Withdrawn")),
            ("remedy_share", _l("Share closed with a remedy")),
            ("commitments_met_6", _l("Commitments fully met at the first check (6 months)")),
            ("commitments_met_12", _l("Commitments fully met at the second check (12 months)")),
            ("reopened", _l("Cases reopened after a missed commitment")),
        ),
    ),
    (
        _l("What complainants told us"),
        (
            ("answers", _l("Answers to the satisfaction questions")),
            ("fair_yes", _l("Share who found the process fair")),
            ("respected_yes", _l("Share who said the outcome was respected")),
            ("safe_yes", _l("Share who felt safe")),
        ),
    ),
)
INDICATOR_KEYS = tuple(key for _, rows in SECTIONS for key, _ in rows)
DIMENSION_WORDS = {
    "commodity": _l("By metal"),
    "country": _l("By country"),
    "category": _l("By kind of harm"),
    "channel": _l("By channel"),
}
CHANNEL_WORDS = {
    Channel.ONLINE: _l("Online form"),
    Channel.ORGANISATION: _l("Filed by an organisation"),
}
ENTITY_KINDS = {"site": _l("Site"), "company": _l("Company")}


def shown(cell: dict[str, Any], locale: str) -> str:
    """A cell as the reader sees it, in their language."""
    value = cell.get("v")
    if value is None:
        if cell.get("why") == "none":
            return gettext("no cases")
        return gettext("fewer than 5") if cell["k"] == "count" else gettext("too few cases to show")
    if cell["k"] == "share":
        return format_percent(value, locale=locale)
    if cell["k"] == "days":
        return format_decimal(value, "#,##0.#", locale=locale)  # the indicator's name says "days"
    return format_decimal(value, locale=locale)


def _word(table: Mapping[Any, Any], key: str) -> str:
    return str(table.get(key, key))


def group_label(dimension: str, key: str, locale: str) -> str:
    if dimension == "commodity":
        return _word(COMMODITIES, key)
    if dimension == "category":
        return _word(CATEGORIES, key)
    if dimension == "channel":
        return _word(CHANNEL_WORDS, key)
    if dimension == "country":
        return country_name(key, locale)
    return gettext("All grievances")


@dataclass(frozen=True)
class Row:
    label: str
    value: float | None
    shown: str


def present(data: dict[str, Any]) -> dict[str, Any]:
    """What the templates read: sections of labelled, formatted rows per group, and the charts' rows."""
    locale = str(get_locale())
    groups = []
    for group in data["groups"]:
        cells = group["cells"]
        sections = [
            (str(title), [Row(str(label), cells[key]["v"], shown(cells[key], locale)) for key, label in rows])
            for title, rows in SECTIONS
        ]
        groups.append(
            {
                "dimension": group["dimension"],
                "label": group_label(group["dimension"], group["key"], locale),
                "sections": sections,
            }
        )
    everything = data["groups"][0]["cells"]
    outcome_keys = [f"outcome_{outcome}" for outcome in Outcome] + ["outcome_none", "outcome_withdrawn"]
    labels = dict(row for _, rows in SECTIONS for row in rows)
    return {
        "year": data["year"],
        "all": groups[0],
        "by_dimension": [
            (str(DIMENSION_WORDS[dimension]), [g for g in groups[1:] if g["dimension"] == dimension])
            for dimension in DIMENSIONS
        ],
        "outcome_rows": [Row(str(labels[k]), everything[k]["v"], shown(everything[k], locale)) for k in outcome_keys],
        "stage_rows": [
            Row(
                str(STAGES[stage]),
                everything[f"stage_days_{stage}"]["v"],
                shown(everything[f"stage_days_{stage}"], locale),
            )
            for stage in MEASURED_STAGES
        ],
        "entities": [
            Row(f"{ENTITY_KINDS[row['kind']]}: {row['name']}", row["cases"]["v"], shown(row["cases"], locale))
            for row in data["entities"]
        ],
    }


def as_csv(data: dict[str, Any]) -> str:
    """One row per group and indicator; stable English keys; a suppressed value is empty, with the reason."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "dimension", "group", "indicator", "kind", "value", "suppressed"])
    for group in data["groups"]:
        for key in INDICATOR_KEYS:
            cell = group["cells"][key]
            value = "" if cell["v"] is None else cell["v"]
            writer.writerow(
                [
                    data["year"],
                    group["dimension"],
                    group["key"],
                    key,
                    cell["k"],
                    value,
                    cell.get("why", "few") if cell["v"] is None else "",
                ]
            )
    for row in data["entities"]:
        cell = row["cases"]
        value = "" if cell["v"] is None else cell["v"]
        writer.writerow(
            [
                data["year"],
                f"repeat_{row['kind']}",
                row["name"],
                "cases",
                "count",
                value,
                "few" if cell["v"] is None else "",
            ]
        )
    return out.getvalue()


# --- operations ---------------------------------------------------------------------------------------------------


class ReviewRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


REFUSALS = {
    "not_allowed": _l("You may not do this."),
    "adopted": _l("This review is adopted: it can no longer be changed."),
    "bad_text": _l("The text is too long or the language is unknown."),
}


def review_for(year: int, create: bool = False) -> AnnualReview | None:
    found = db.session.scalar(select(AnnualReview).where(AnnualReview.year == year))
    if found is None and create:
        found = AnnualReview(year=year, status=ReviewStatus.DRAFT, narrative={})
        db.session.add(found)
    return found


def write_narrative(year: int, actor, locale: str, text: str) -> AnnualReview:
    """The committee's narrative in one language (an empty text removes that language). Audited; never commits."""
    if not can_write_narrative(actor):
        raise ReviewRefused("not_allowed")
    if locale not in LOCALES or len(text) > MAX_NARRATIVE:
        raise ReviewRefused("bad_text")
    review = review_for(year, create=True)
    assert review is not None
    if review.is_adopted:
        raise ReviewRefused("adopted")
    narrative = dict(review.narrative or {})
    if text.strip():
        narrative[locale] = text.strip()
    else:
        narrative.pop(locale, None)
    review.narrative = narrative
    review.updated_by_id, review.updated_at = actor.id, utcnow()
    db.session.flush()
    signals.annual_review_changed.send(review, change="narrative", locales=sorted(narrative), actor=actor)
    return review


def adopt(year: int, actor, now: datetime | None = None) -> AnnualReview:
    """The chair adopts the review: the indicators are frozen as they stand and the review is published."""
    if not can_adopt(actor):
        raise ReviewRefused("not_allowed")
    review = review_for(year, create=True)
    assert review is not None
    if review.is_adopted:
        raise ReviewRefused("adopted")
    now = now or utcnow()
    review.indicators = compute(year, now)
    review.status = ReviewStatus.ADOPTED
    review.adopted_by_id, review.adopted_at = actor.id, now
    review.updated_by_id, review.updated_at = actor.id, now
    db.session.flush()
    signals.annual_review_changed.send(review, change="adopted", locales=sorted(review.narrative or {}), actor=actor)
    return review


# --- the command --------------------------------------------------------------------------------------------------


def render_document(data: dict[str, Any], review: AnnualReview | None) -> str:
    """The review as one standalone HTML document (the command's output), in the current language, with the
    portal's and the review's stylesheets inside it (print it from a browser, or keep it as a file)."""
    static = Path(current_app.static_folder or "")
    css = "\n".join((static / "css" / name).read_text(encoding="utf-8") for name in ("portal.css", "review.css"))
    return render_template(
        "transparency/review_document.html", review=present(data), record=review, inline_css=Markup(css)
    )


@click.command("annual-review")
@with_appcontext
@click.option("--year", type=click.IntRange(2000, 2999), required=True, help="The year to review.")
@click.option("--format", "fmt", type=click.Choice(["html", "csv"]), default="html", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--locale", type=click.Choice(sorted(LOCALES)), default="en", show_default=True)
def annual_review(year: int, fmt: str, output: str | None, locale: str) -> None:
    """Write the annual effectiveness review of YEAR as HTML (printable) or CSV. An adopted review is written as it
    was adopted; otherwise the indicators are computed now."""
    review = review_for(year)
    data = figures(year, review)
    with current_app.test_request_context(f"/{locale}/reviews/{year}"):
        g.locale = locale
        text = as_csv(data) if fmt == "csv" else render_document(data, review)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote the {year} review ({fmt}) to {output}.", err=True)
    else:
        click.echo(text, nl=False)


# --- staff pages --------------------------------------------------------------------------------------------------

review_staff = Blueprint("review_staff", __name__, url_prefix="/staff")


class NarrativeForm(FlaskForm):
    locale = SelectField(
        _l("Language of this text"),
        choices=options((code, portal_locale.native_name) for code, portal_locale in LOCALES.items()),
        validate_choice=False,  # checked in the view, with the portal's own words
    )
    text = TextAreaField(_l("The committee's narrative"), validators=[MaxLength(MAX_NARRATIVE)], render_kw={"rows": 10})


class AdoptForm(FlaskForm):
    value = HiddenField()


def _years() -> list[int]:
    first = db.session.scalar(select(Case.created_at).order_by(Case.created_at).limit(1))
    this_year = utcnow().year
    start = first.year if first else this_year
    reviewed = set(db.session.scalars(select(AnnualReview.year)))
    return sorted(set(range(start, this_year + 1)) | reviewed, reverse=True)


@review_staff.get("/reviews")
@staff_required(REVIEW_READERS)
def staff_index():
    reviews = {review.year: review for review in db.session.scalars(select(AnnualReview))}
    return render_template("transparency/review_index.html", years=_years(), reviews=reviews)


def figures(year: int, review: AnnualReview | None) -> dict[str, Any]:
    """An adopted review's figures as adopted; otherwise computed now."""
    if review is not None and review.is_adopted and review.indicators:
        return review.indicators
    return compute(year)


def _staff_page(year: int, form: NarrativeForm | None = None, status: int = 200):
    review = review_for(year)
    data = figures(year, review)
    locale = str(get_locale())
    if form is None:
        form = NarrativeForm(
            formdata=None, locale=locale, text=((review.narrative or {}).get(locale, "") if review else "")
        )
    return (
        render_template(
            "transparency/review_staff.html",
            review=present(data),
            record=review,
            form=form,
            adopt_form=AdoptForm(formdata=None),
            can_write=can_write_narrative(current_user) and not (review and review.is_adopted),
            can_adopt=can_adopt(current_user) and not (review and review.is_adopted),
        ),
        status,
    )


def _valid_year(year: int) -> int:
    if not 2000 <= year <= 2999:
        abort(404)
    return year


@review_staff.get("/reviews/<int:year>")
@staff_required(REVIEW_READERS)
def staff_review(year: int):
    return _staff_page(_valid_year(year))


@review_staff.get("/reviews/<int:year>/review.csv")
@staff_required(REVIEW_READERS)
def staff_csv(year: int):
    data = figures(year, review_for(_valid_year(year)))
    return Response(
        as_csv(data),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="annual-review-{year}.csv"'},
    )


def _run(year: int, apply: Callable[[], object], done: str, form: NarrativeForm | None = None):
    try:
        apply()
    except ReviewRefused as refused:
        flash(str(REFUSALS[refused.reason]))
        return _staff_page(year, form, 403 if refused.reason == "not_allowed" else 409)
    flash(done)
    return redirect(url_for("review_staff.staff_review", year=year))


@review_staff.post("/reviews/<int:year>/narrative")
@staff_required(REVIEW_READERS)
def staff_narrative(year: int):
    _valid_year(year)
    form = NarrativeForm()
    valid = form.validate_on_submit()
    if form.locale.data not in LOCALES:
        form.locale.errors = [*form.locale.errors, str(CHOOSE_ONE)]
        valid = False
    if not valid:
        return _staff_page(year, form, 400)
    text = form.text.data or ""
    saved = gettext("The narrative was saved.")
    return _run(year, lambda: write_narrative(year, current_user, form.locale.data, text), saved, form)


@review_staff.post("/reviews/<int:year>/adopt")
@staff_required(REVIEW_READERS)
def staff_adopt(year: int):
    _valid_year(year)
    AdoptForm().validate_on_submit()  # CSRF is checked globally
    return _run(year, lambda: adopt(year, current_user), gettext("The review was adopted and published."))


# --- public pages -------------------------------------------------------------------------------------------------

reviews = locale_blueprint("reviews", __name__)


@reviews.get("/reviews")
def public_index():
    adopted = db.session.scalars(
        select(AnnualReview).where(AnnualReview.status == ReviewStatus.ADOPTED).order_by(AnnualReview.year.desc())
    ).all()
    return render_template("transparency/review_list.html", reviews=adopted)


@reviews.get("/reviews/<int:year>")
def public_review(year: int):
    """Rendered once per process, locale and adoption (a few hundred rows of figures are not rendered per visit).
    A visit reads only the review's stamps; its figures and narrative (a large JSON) only when the page is
    rendered."""
    stamps = (
        db.session.execute(
            select(AnnualReview.adopted_at, AnnualReview.updated_at).where(
                AnnualReview.year == year,
                AnnualReview.status == ReviewStatus.ADOPTED,  # adopting freezes the figures: it always has them
            )
        ).first()
        if 2000 <= year <= 2999
        else None
    )
    if stamps is None:
        abort(404)

    def render() -> str:
        review = review_for(year)
        assert review is not None and review.indicators
        return render_template("transparency/review_public.html", review=present(review.indicators), record=review)

    return cached_page(render, version=lambda: (year, *stamps))
