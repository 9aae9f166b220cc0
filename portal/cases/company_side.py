"""The company's side of a case besides its response: messages with the secretariat, and reports of remedy progress.

Messages: a liaison of the respondent company writes to the secretariat (``EntryKind.FROM_COMPANY``) while the
company sees the case (``access.COMPANY_VISIBLE_STATES``); case staff answer (``EntryKind.TO_COMPANY``). Both have
visibility ``company``: staff and the respondent's liaisons read them, the complainant never.

Progress: reports of remedy progress, one commitment at a time, while the remedy is monitored (§3).

A company liaison of the respondent tells the secretariat what has been done about one commitment owed by the
respondent ("the first instalment was paid on the 3rd"); case staff read the reports beside the commitment before
their check-in (``operations.record_monitoring_check``), which alone decides met, partly met or missed. A report is
encrypted (it may name people), visible to case staff and the company, never to the complainant, and audited
(``remedy_progress_reported``: which commitment, never the words).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ForeignKey, Index, LargeBinary, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.attachments import attach_files
from portal.cases.commitments import Commitment
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.refusals import CaseworkRefused
from portal.cases.workflow import State
from portal.core import signals
from portal.core.db import CreatedAtMixin
from portal.core.encrypted import EncryptedText
from portal.extensions import db
from portal.media.uploads import PreparedFile
from portal.users.models import User

PROGRESS_MAX = 5_000


class ProgressReport(CreatedAtMixin, db.Model):
    __tablename__ = "progress_reports"
    __table_args__ = (Index("ix_progress_reports_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_encrypted: Mapped[bytes] = mapped_column(LargeBinary)

    body = EncryptedText("body_encrypted")

    author: Mapped[User | None] = relationship()


def can_report_progress(case: Case) -> bool:
    """Progress is reported while the remedy is monitored."""
    return case.state == State.MONITORING


def reportable_commitments(case: Case) -> list[Commitment]:
    """The commitments the company reports on: those owed by the respondent."""
    return [commitment for commitment in Commitment.of_case(case.id) if commitment.owed_by_respondent]


def report_progress(case: Case, commitment_id: int, actor: User, text: str) -> ProgressReport:
    if not can_report_progress(case):
        raise CaseworkRefused("progress_closed")
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.case_id != case.id or not commitment.owed_by_respondent:
        raise CaseworkRefused("unknown_commitment")
    report = ProgressReport(case_id=case.id, commitment_id=commitment.id, author_id=actor.id)
    report.body = text.strip()
    db.session.add(report)
    db.session.flush()
    signals.remedy_progress_reported.send(case, report=report, actor=actor)
    return report


def progress_by_commitment(case: Case) -> dict[int, list[ProgressReport]]:
    """Every report of the case, oldest first, by commitment id: one query for the whole page."""
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    query = select(ProgressReport).where(ProgressReport.case_id == case.id).order_by(ProgressReport.id)
    for report in db.session.scalars(query):
        reports[report.commitment_id].append(report)
    return dict(reports)


def company_message(case: Case, actor: User, text: str, files: list[PreparedFile] | None = None) -> CaseEntry:
    """A liaison's message to the secretariat. Sends ``company_responded`` (the audit records the entry's kind; the
    officer, else the secretariat, is told by mail at most once per interval)."""
    if not case.is_open:
        raise CaseworkRefused("company_messages_closed")
    entry = CaseEntry(kind=EntryKind.FROM_COMPANY, visibility=Visibility.COMPANY, author_id=actor.id)
    entry.body = text
    case.entries.append(entry)
    attach_files(entry, files or [])
    db.session.flush()
    signals.company_responded.send(case, entry=entry, actor=actor)
    return entry


def message_to_company(case: Case, actor: User, text: str) -> CaseEntry:
    """Case staff write to the respondent company's liaisons (never read by the complainant)."""
    from portal.cases.access import COMPANY_VISIBLE_STATES

    if case.state not in COMPANY_VISIBLE_STATES or case.respondent_organisation_id is None:
        raise CaseworkRefused("company_messages_closed")
    entry = CaseEntry(kind=EntryKind.TO_COMPANY, visibility=Visibility.COMPANY, author_id=actor.id)
    entry.body = text
    case.entries.append(entry)
    db.session.flush()
    signals.message_to_company.send(case, entry=entry, actor=actor)
    return entry
