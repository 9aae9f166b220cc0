"""Operations of the receipt holder: filing a grievance and writing to the committee.

Operations flush and send a signal; the request commits (core/setup.py), so audit entries and emails that hang off
the signals share its fate. State changes (withdrawing, answering a question) go through cases/operations.py."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal.cases.attachments import attach_files
from portal.cases.mandates import initial_status, mandate_added
from portal.cases.models import (
    REPRESENTATIVE_FILERS,
    AttachmentPurpose,
    Case,
    CaseEntry,
    EntryKind,
    FilerType,
    MandateStatus,
    ReferenceCounter,
    Visibility,
)
from portal.cases.operations import take_action
from portal.cases.workflow import Action, Clock, State
from portal.core import signals
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.db import utcnow
from portal.core.roles import Role
from portal.core.security import keyed_hash
from portal.extensions import db
from portal.intake import drafts
from portal.intake.models import CaseReceipt, HeldReceipt
from portal.intake.receipt import new_receipt, receipt_hash
from portal.media.uploads import PreparedFile
from portal.users.models import User

RULES_VERSION = "2026.1"
# A receipt whose page was never shown is kept (encrypted) this long for a resend of the same form.
HOLD_MINUTES = 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


@dataclass
class OrganisationFiling:
    """What a verified organisation adds when it files on behalf of people (intake/steps.py ``behalf``,
    ``guardian``; docs/architecture.md §8)."""

    organisation_id: int
    filed_by: object  # the member who filed: the audit trail names them
    represented_kind: str
    represented_names: str | None = None  # None: the people stay anonymous to the committee too
    consent_by: str | None = None
    consent_method: str | None = None
    consent_on: date | None = None
    consent_language: str | None = None
    guardian_consent_by: str | None = None
    guardian_consent_method: str | None = None
    safeguarding: bool = False
    own_receipts: int = 0  # further receipts for the people represented, on the same case


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
    # Whom a representative (cases.models.REPRESENTATIVE_FILERS) speaks for; ignored for anyone else.
    people_represented: int | None = None
    households_represented: int | None = None
    community: str | None = None
    mandate_consent: str | None = None  # how the people agreed, when there is no mandate document
    language: str | None = None  # the complainant's own language (ISO 639), if not the interface's
    register_listed: bool = True  # may the case appear in the public register (portal/transparency)
    organisation: OrganisationFiling | None = None  # filed on behalf of people by a verified organisation


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


# --- filing once per form -------------------------------------------------------------------------------------
#
# Every rendering of the grievance form carries a random one-time token. The case stores its keyed hash under a
# UNIQUE constraint, so the same form sent twice -- in a row, or at the same moment from two connections -- files
# one case: the second finds the first (or loses the race on the constraint and then finds it). Its receipt is
# held encrypted in ``held_receipts`` until the receipt page has been shown, so a person whose first answer was
# lost gets their receipt by sending again; after it was shown (or after HOLD_MINUTES) a resend shows none.


@dataclass(frozen=True)
class Filed:
    reference: str
    receipt: str | None  # None once the receipt was shown or held too long: it exists nowhere any more
    extra_receipts: tuple[str, ...] = ()  # for the people an organisation filed for; shown once, never held


def new_submission_token() -> str:
    return secrets.token_urlsafe(32)


def is_submission_token(token: str | None) -> bool:
    return bool(token and _TOKEN.fullmatch(token))


def submission_hash(token: str) -> str:
    return keyed_hash(token, "submission")


def find_filed(submission_hash: str) -> Filed | None:
    """The grievance already filed with this form token, with its receipt if it is still held."""
    case = Case.by_submission_hash(submission_hash)
    if case is None:
        return None
    held = db.session.scalar(select(HeldReceipt).where(HeldReceipt.submission_hash == submission_hash))
    if held is None or held.created_at < utcnow() - timedelta(minutes=HOLD_MINUTES):
        return Filed(case.reference, None)
    return Filed(case.reference, decrypt_text(held.receipt_encrypted))


def forget_held_receipt(submission_hash: str) -> None:
    """The receipt has been shown: delete the last copy the server had."""
    db.session.execute(delete(HeldReceipt).where(HeldReceipt.submission_hash == submission_hash))


def file_grievance(
    grievance: GrievanceInput,
    files: list[PreparedFile],
    submission_hash: str,
    mandate: list[PreparedFile] | None = None,
) -> Filed:
    """File the grievance unless this form was filed already; either way, what the form led to."""
    try:
        case, receipt, extra = submit_grievance_with_receipts(grievance, files, submission_hash, mandate)
    except IntegrityError:
        # A concurrent send of the same form committed first. Its transaction is over, so roll ours back whole
        # (also deleting the files this one stored) and answer with the case that one filed.
        db.session.rollback()
        filed = find_filed(submission_hash)
        if filed is None:
            raise
        return filed
    return Filed(case.reference, receipt, tuple(extra))


def submit_grievance(
    grievance: GrievanceInput,
    files: list[PreparedFile],
    submission_hash: str | None = None,
    mandate: list[PreparedFile] | None = None,
) -> tuple[Case, str]:
    case, receipt, _extra = submit_grievance_with_receipts(grievance, files, submission_hash, mandate)
    return case, receipt


def case_by_receipt(receipt: str) -> Case | None:
    """The case a receipt opens: its own, or a further one given to a person an organisation filed for."""
    digest = receipt_hash(receipt)
    case = Case.by_receipt_hash(digest)
    if case is None:
        case = db.session.scalar(
            select(Case).join(CaseReceipt, CaseReceipt.case_id == Case.id).where(CaseReceipt.receipt_hash == digest)
        )
    return case


def submit_grievance_with_receipts(
    grievance: GrievanceInput,
    files: list[PreparedFile],
    submission_hash: str | None = None,
    mandate: list[PreparedFile] | None = None,
) -> tuple[Case, str, list[str]]:
    """File a grievance: the case, its first timeline entry and its files (``mandate``: a representative's mandate
    document). Returns the case and its receipt, which is held only encrypted (``HeldReceipt``) until its page is
    shown."""
    representative = grievance.filer_type in REPRESENTATIVE_FILERS
    mandate = mandate if representative and mandate else []
    consent = ((grievance.mandate_consent or "").strip() or None) if representative else None
    clocks = current_app.extensions["portal_clocks"]
    now = utcnow()
    receipt = new_receipt()
    on_behalf = grievance.organisation
    urgent = (
        grievance.children_involved
        or (on_behalf is not None and on_behalf.safeguarding)
        or grievance.retaliation_risk
        or not current_app.config["URGENT_CATEGORIES"].isdisjoint(grievance.categories)
    )
    case = Case(
        reference=next_reference(now.year),
        receipt_hash=receipt_hash(receipt),
        submission_hash=submission_hash,
        state=State.SUBMITTED,
        urgent=urgent,
        filer_type=grievance.filer_type,
        anonymous=grievance.anonymous,
        share_identity_with_company=grievance.share_identity_with_company and not grievance.anonymous,
        submission_locale=grievance.locale,
        language=grievance.language,
        register_listed=grievance.register_listed,
        country=grievance.country,
        commodity=grievance.commodity,
        incident_date=grievance.incident_date,
        ongoing=grievance.ongoing,
        people_affected=grievance.people_affected,
        children_involved=grievance.children_involved,
        retaliation_risk=grievance.retaliation_risk,
        people_represented=grievance.people_represented if representative else None,
        households_represented=grievance.households_represented if representative else None,
        mandate_status=initial_status(representative, bool(mandate or consent)),
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
    case.community = ((grievance.community or "").strip() or None) if representative else None
    case.mandate_consent = consent
    extra: list[str] = []
    if on_behalf is not None:
        case.filed_by_organisation_id = on_behalf.organisation_id
        case.represented_kind = on_behalf.represented_kind
        case.represented_names = on_behalf.represented_names or None
        case.consent_by = on_behalf.consent_by
        case.consent_method = on_behalf.consent_method
        case.consent_on = on_behalf.consent_on
        case.consent_language = on_behalf.consent_language
        case.guardian_consent_by = on_behalf.guardian_consent_by
        case.guardian_consent_method = on_behalf.guardian_consent_method
        case.safeguarding = on_behalf.safeguarding
        if on_behalf.consent_method and case.mandate_status == MandateStatus.NONE:
            case.mandate_status = MandateStatus.PROVIDED
        extra = [new_receipt() for _ in range(on_behalf.own_receipts)]
    entry = CaseEntry(kind=EntryKind.SUBMISSION, visibility=Visibility.COMPLAINANT, locale=grievance.locale)
    case.entries.append(entry)
    attach_files(entry, mandate, AttachmentPurpose.MANDATE)
    attach_files(entry, files)
    db.session.add(case)
    db.session.add_all(CaseReceipt(case=case, receipt_hash=receipt_hash(number)) for number in extra)
    if submission_hash is not None:
        db.session.add(HeldReceipt(submission_hash=submission_hash, receipt_encrypted=encrypt_text(receipt)))
    db.session.flush()
    # Sweep receipts nobody came back for: they are never shown after HOLD_MINUTES anyway.
    db.session.execute(delete(HeldReceipt).where(HeldReceipt.created_at < now - timedelta(minutes=HOLD_MINUTES)))
    drafts.sweep_expired()  # and complaints begun more than a day ago and never sent, with their files
    signals.case_submitted.send(case, entry=entry, actor=on_behalf.filed_by if on_behalf else None)
    return case, receipt, extra


def add_complainant_reply(
    case: Case,
    text: str,
    files: list[PreparedFile],
    locale: str,
    mandate: list[PreparedFile] | None = None,
    actor: User | None = None,
) -> CaseEntry:
    """A receipt holder writes to the committee; if the committee had asked a question, this answers it. A
    representative may add a ``mandate`` document: their mandate is then "provided" again (cases.mandates).
    ``actor``: a member of the organisation that filed the case, writing for it (None: the receipt holder).

    The holder of a merged case writes on the joint case, marked as coming from their case. Their reply does not
    answer a question the joint case's own complainant was asked: only that complainant can (kept simple on
    purpose: the question was written to them, and the committee reads both replies anyway)."""
    joint = case.joint_case()
    entry = CaseEntry(
        kind=EntryKind.FROM_COMPLAINANT, visibility=Visibility.COMPLAINANT, locale=locale, author_id=_id(actor)
    )
    entry.body = text
    if joint is not case:
        entry.from_case_id = case.id
    joint.entries.append(entry)
    mandate = mandate if case.is_representative and mandate else []
    attach_files(entry, mandate, AttachmentPurpose.MANDATE)
    attach_files(entry, files)
    db.session.flush()
    signals.complainant_replied.send(joint, entry=entry, actor=actor)
    if mandate:
        mandate_added(case, entry)
    if joint is case and case.state == State.INFO_REQUESTED:
        take_action(case, Action.ANSWER, actor=actor, role=Role.COMPLAINANT, locale=locale)
    return entry


def withdraw_case(case: Case, reason: str | None, locale: str) -> None:
    """The complainant withdraws their grievance; the case is closed for good."""
    take_action(case, Action.WITHDRAW, actor=None, role=Role.COMPLAINANT, reasons=reason, locale=locale)


def request_review(case: Case, reasons: str, locale: str, actor: User | None = None) -> None:
    """The complainant asks a different panel to review a decision, within the review window (``actor``: a member
    of the organisation that filed the case, asking for it)."""
    take_action(case, Action.REQUEST_REVIEW, actor=actor, role=Role.COMPLAINANT, reasons=reasons, locale=locale)


def _id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None
