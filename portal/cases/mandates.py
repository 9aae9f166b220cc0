"""Representation: a union, an NGO or a person filing for others, and their mandate (docs/architecture.md §5).

A representative says at intake whom they speak for and gives a mandate: a document (a letter, a signed list,
meeting minutes; stored as an ``Attachment`` with purpose ``mandate``) or a statement of how the people agreed.
Case staff mark the mandate verified or ask for more; a mandate document added later makes it "provided" again.
Each change flushes and sends ``mandate_status_changed`` (the audit trail records it); the request commits.
"""

from __future__ import annotations

from portal.cases.casework import send_message
from portal.cases.models import Case, CaseEntry, MandateStatus
from portal.cases.refusals import CaseworkRefused
from portal.core import signals
from portal.extensions import db
from portal.users.models import User


def initial_status(representative: bool, has_mandate: bool) -> MandateStatus:
    """At intake: a representative who gave a document or a statement has ``provided`` one; anyone else none."""
    return MandateStatus.PROVIDED if representative and has_mandate else MandateStatus.NONE


def _change(case: Case, status: MandateStatus, actor: User | None, entry: CaseEntry | None = None) -> None:
    old_status = case.mandate_status
    case.mandate_status = status
    db.session.flush()
    signals.mandate_status_changed.send(case, old_status=old_status, status=status, entry=entry, actor=actor)


def _check(case: Case) -> None:
    if not case.is_representative:
        raise CaseworkRefused("not_representative")


def verify_mandate(case: Case, actor: User) -> None:
    """Case staff checked the mandate and accept it."""
    _check(case)
    if case.mandate_status == MandateStatus.VERIFIED:
        raise CaseworkRefused("mandate_verified_already")
    _change(case, MandateStatus.VERIFIED, actor)


def request_more(case: Case, actor: User, text: str, translation: str | None = None) -> CaseEntry:
    """Ask the representative for more about their mandate: a message in their language (restarting the
    feedback clock like every message to the complainant), and the status ``more_requested``."""
    _check(case)
    entry = send_message(case, actor, text, translation)
    _change(case, MandateStatus.MORE_REQUESTED, actor, entry)
    return entry


def mandate_added(case: Case, entry: CaseEntry) -> None:
    """The representative added a mandate document on the follow-up page: it waits to be checked again. A mandate
    already verified stays verified (a further document does not undo the check)."""
    if case.is_representative and case.mandate_status != MandateStatus.VERIFIED:
        _change(case, MandateStatus.PROVIDED, None, entry)
