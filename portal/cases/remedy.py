"""Recording what a settlement or decision obliges someone to do (docs/architecture.md §3, monitoring).

Check-ins, which move the monitoring clock, are ``operations.record_monitoring_check``; this module only writes the
terms. Both send a signal, so the audit trail records every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.cases.commitments import COMMITMENT_STATES, Commitment
from portal.cases.committee import Decision, DecisionKind
from portal.cases.models import Case
from portal.cases.refusals import CaseworkRefused
from portal.core import signals
from portal.extensions import db
from portal.users.models import User


@dataclass(frozen=True)
class Instalment:
    due_on: date
    amount_minor: int | None = None


def can_record_commitments(case: Case) -> bool:
    return case.state in COMMITMENT_STATES


def _latest_decision(case: Case) -> Decision | None:
    stmt = (
        select(Decision)
        .where(Decision.case_id == case.id, Decision.kind != DecisionKind.ADMISSIBILITY)
        .order_by(Decision.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def add_commitments(
    case: Case,
    actor: User,
    what: str,
    instalments: list[Instalment],
    owed_by: str | None = None,
    currency: str | None = None,
) -> list[Commitment]:
    """One commitment per instalment ("instalment 1 of 2", ...), or one without instalments when there is one
    date. ``owed_by`` None: the respondent company owes it; else the other party, in words."""
    if not can_record_commitments(case):
        raise CaseworkRefused("commitments_closed")
    if not what.strip() or not instalments:
        raise CaseworkRefused("commitment_incomplete")
    if any(instalment.amount_minor is not None for instalment in instalments) and currency is None:
        raise CaseworkRefused("currency_required")
    decision = _latest_decision(case)
    count = len(instalments)
    commitments = []
    for number, instalment in enumerate(sorted(instalments, key=lambda item: item.due_on), start=1):
        commitment = Commitment(
            case_id=case.id,
            decision_id=decision.id if decision else None,
            owed_by_respondent=owed_by is None,
            amount_minor=instalment.amount_minor,
            currency=currency if instalment.amount_minor is not None else None,
            due_on=instalment.due_on,
            instalment=number if count > 1 else None,
            instalments=count if count > 1 else None,
            created_by_id=actor.id,
        )
        commitment.what = what.strip()
        commitment.owed_by = owed_by
        db.session.add(commitment)
        commitments.append(commitment)
    db.session.flush()
    signals.commitments_changed.send(case, commitments=commitments, removed=False, actor=actor)
    return commitments


def remove_commitment(case: Case, commitment: Commitment, actor: User) -> None:
    """A commitment recorded wrongly may be removed (and recorded again) until a check-in has looked at it."""
    if commitment.case_id != case.id:
        raise CaseworkRefused("unknown_commitment")
    if not can_record_commitments(case) or not commitment.can_edit():
        raise CaseworkRefused("commitment_checked")
    signals.commitments_changed.send(case, commitments=[commitment], removed=True, actor=actor)
    db.session.delete(commitment)
    db.session.flush()
