"""Operations of the receipt holder: filing a grievance and writing to the committee.

Operations flush and send a signal; the request commits (core/setup.py), so audit entries and emails that hang off
the signals share its fate. State changes (withdrawing, answering a question) go through cases/operations.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from portal.cases.attachments import attach_files
from portal.cases.models import (
    Case,
    CaseEntry,
    EntryKind,
    FilerType,
    ReferenceCounter,
    Visibility,
)
from portal.cases.operations import take_action
from portal.cases.workflow import Action, Clock, State
from portal.core import signals
from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.media.uploads import PreparedFile

RULES_VERSION = "2026.1"


@dataclass
class GrievanceInput:
    """What a person filed, already validated by the form."""

    filer_type: FilerType
    anonymous: bool
    identity: dict
    share_identity_with_company: bool
    categories: list[str]
    country: str
    commodity: str
    place: str | None
    companies: str | None
    incident_date: date | None
    incident_period: str | None
    ongoing: bool
    description: str
    people_affected: int | None
    children_involved: bool
    retaliation_risk: bool
    desired_remedy: str | None
    locale: str


def next_reference(year: int) -> str:
    """``MC-<year>-<number>``: the counter row's lock makes concurrent submissions take turns."""
    increment = (
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(increment).scalar()
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last_number=1))
            number = 1
        except IntegrityError:  # another submission created this year's counter first
            number = db.session.execute(increment).scalar_one()
    return f"MC-{year}-{number:05d}"


def submit_grievance(grievance: GrievanceInput, files: list[PreparedFile]) -> tuple[Case, str]:
    """File a grievance: the case, its first timeline entry and its files. Returns the case and its receipt,
    which exists nowhere else after this request."""
    clocks = current_app.extensions["portal_clocks"]
    now = utcnow()
    receipt = new_receipt()
    urgent = grievance.children_involved or grievance.retaliation_risk
    case = Case(
        reference=next_reference(now.year),
        receipt_hash=receipt_hash(receipt),
        state=State.SUBMITTED,
        urgent=urgent,
        filer_type=grievance.filer_type,
        anonymous=grievance.anonymous,
        share_identity_with_company=grievance.share_identity_with_company and not grievance.anonymous,
        submission_locale=grievance.locale,
        country=grievance.country,
        commodity=grievance.commodity,
        incident_date=grievance.incident_date,
        ongoing=grievance.ongoing,
        people_affected=grievance.people_affected,
        children_involved=grievance.children_involved,
        retaliation_risk=grievance.retaliation_risk,
        consented_at=now,
        rules_version=RULES_VERSION,
        created_at=now,
    )
    case.set_due(
        {
            Clock.ACKNOWLEDGE: clocks.acknowledge_due(now),
            Clock.TRIAGE: clocks.triage_due(now) if urgent else None,
            Clock.FEEDBACK: clocks.feedback_due(now),
        }
    )
    case.identity = {} if grievance.anonymous else grievance.identity
    case.place = grievance.place
    case.companies = grievance.companies
    case.incident_period = grievance.incident_period
    case.description = grievance.description
    case.desired_remedy = grievance.desired_remedy
    case.categories = grievance.categories
    entry = CaseEntry(kind=EntryKind.SUBMISSION, visibility=Visibility.COMPLAINANT, locale=grievance.locale)
    case.entries.append(entry)
    attach_files(entry, files)
    db.session.add(case)
    db.session.flush()
    signals.case_submitted.send(case, entry=entry, actor=None)
    return case, receipt


def add_complainant_reply(case: Case, text: str, files: list[PreparedFile], locale: str) -> CaseEntry:
    """A receipt holder writes to the committee; if the committee had asked a question, this answers it."""
    entry = CaseEntry(kind=EntryKind.FROM_COMPLAINANT, visibility=Visibility.COMPLAINANT, locale=locale)
    entry.body = text
    case.entries.append(entry)
    attach_files(entry, files)
    db.session.flush()
    signals.complainant_replied.send(case, entry=entry, actor=None)
    if case.state == State.INFO_REQUESTED:
        take_action(case, Action.ANSWER, actor=None, role=Role.COMPLAINANT, locale=locale)
    return entry


def withdraw_case(case: Case, reason: str | None, locale: str) -> None:
    """The complainant withdraws their grievance; the case is closed for good."""
    take_action(case, Action.WITHDRAW, actor=None, role=Role.COMPLAINANT, reasons=reason, locale=locale)


def request_review(case: Case, reasons: str, locale: str) -> None:
    """The complainant asks a different panel to review a decision, within the review window."""
    take_action(case, Action.REQUEST_REVIEW, actor=None, role=Role.COMPLAINANT, reasons=reasons, locale=locale)
