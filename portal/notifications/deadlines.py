"""Deadline reminders before a legal clock runs out, and escalations to the chair once it has.

Run hourly from cron, for instance::

    0 * * * *  cd /srv/portal && DATABASE_URL=... .venv/bin/flask portal deadlines

A clock due within ``REMINDER_DAYS_BEFORE`` days sends one reminder to the case officer (else the secretariat), and
for the company's response clock also to the respondent company's liaisons. A clock past due sends one escalation
to every active chair who may see the case. Each is recorded in ``ReminderSent`` (unique per case, clock, due date
and kind), so running again sends nothing new; a clock that moves (an extension, a pause) gets new notices.
Paused and suspended cases are skipped: their clocks are not running.

Cron may run it on every app server (docs/architecture.md §10): ``claim_the_run`` lets one run at a time send, so
two runs at once never both queue the same notice (the unique key alone would make the second fail on commit).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, text

from portal.cases.models import Case
from portal.cases.workflow import FINAL_STATES, Clock
from portal.core.db import utcnow
from portal.extensions import db
from portal.notifications import labels
from portal.notifications.models import ReminderSent
from portal.notifications.receivers import chairs, company_liaisons, company_link, notify_staff, officer_or_secretariat

logger = logging.getLogger(__name__)

REMINDER = "reminder"
ESCALATION = "escalation"
BATCH_SIZE = 200

_SentKey = tuple[int, str, datetime, str]

# Any constant will do, as long as nothing else in the database takes the same advisory lock (audit: CHAIN_LOCK_KEY).
RUN_LOCK_KEY = 7_242_031_378


def claim_the_run() -> bool:
    """Make this transaction the only deadline run until it ends. False when another run holds it on PostgreSQL:
    that run sends everything due, so this one has nothing to do. On SQLite (one machine) a write that changes
    nothing takes the database's write lock, waiting for a run in progress to commit; what it sent is then seen."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RUN_LOCK_KEY}))
    db.session.execute(text("UPDATE reminders_sent SET id = id WHERE 1 = 0"))
    return True


@dataclass
class DeadlineNotices:
    reminders: int = 0
    escalations: int = 0


def send_deadline_notices(now: datetime | None = None) -> DeadlineNotices:
    """Queue every reminder and escalation due at ``now`` and record them; the caller commits (mails leave then)."""
    now = now or utcnow()
    horizon = now + timedelta(days=current_app.config["REMINDER_DAYS_BEFORE"])
    notices = DeadlineNotices()
    for cases in _candidate_batches(horizon):
        already = _already_sent([case.id for case in cases])
        for case in cases:
            _notify_case(case, now, horizon, already, notices)
    return notices


def _candidate_batches(horizon: datetime):
    """Open cases whose earliest running deadline is before ``horizon``, in batches, along the next_due_at index."""
    after: tuple[datetime, int] | None = None
    while True:
        query = select(Case).where(Case.next_due_at <= horizon, Case.state.not_in(list(FINAL_STATES)))
        if after is not None:
            due, case_id = after
            query = query.where(or_(Case.next_due_at > due, and_(Case.next_due_at == due, Case.id > case_id)))
        cases = list(db.session.scalars(query.order_by(Case.next_due_at, Case.id).limit(BATCH_SIZE)))
        if not cases:
            return
        yield cases
        after = (cases[-1].next_due_at, cases[-1].id)


def _already_sent(case_ids: list[int]) -> set[_SentKey]:
    rows = db.session.execute(
        select(ReminderSent.case_id, ReminderSent.clock, ReminderSent.due_at, ReminderSent.kind).where(
            ReminderSent.case_id.in_(case_ids)
        )
    )
    return {tuple(row) for row in rows}


def _notify_case(case: Case, now: datetime, horizon: datetime, already: set[_SentKey], notices: DeadlineNotices):
    if case.paused_at is not None or case.suspended:
        return
    for clock, due_at in case.running_clocks():
        if due_at > horizon:
            break  # sorted: the rest are later still
        kind = ESCALATION if due_at <= now else REMINDER
        key = (case.id, clock.value, due_at, kind)
        if key in already:
            continue
        sent = _escalate(case, clock, due_at) if kind == ESCALATION else _remind(case, clock, due_at)
        if not sent:
            # Nobody to tell yet (no chair, the whole secretariat recused): try again on the next run.
            logger.warning("No recipient for the %s of the %s clock of case %s", kind, clock.value, case.id)
            continue
        db.session.add(ReminderSent(case_id=case.id, clock=clock.value, due_at=due_at, kind=kind))
        already.add(key)
        if kind == ESCALATION:
            notices.escalations += 1
        else:
            notices.reminders += 1


def _remind(case: Case, clock: Clock, due_at: datetime) -> int:
    def words():
        return labels.deadline_reminder(case.reference, clock, due_at)

    sent = notify_staff(case, officer_or_secretariat(case), words)
    if clock is Clock.COMPANY_RESPONSE:
        sent += notify_staff(case, company_liaisons(case), words, link=company_link())
    return sent


def _escalate(case: Case, clock: Clock, due_at: datetime) -> int:
    return notify_staff(case, chairs(case), lambda: labels.deadline_escalation(case.reference, clock, due_at))
