"""The only code that changes a case's state or its clocks.

Each operation gathers the facts the workflow's guards need, asks ``workflow.check``, applies the transition and
its clocks, writes the timeline entry (and the decision, if any), flushes, and sends a signal. The request commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.cases.access import case_recusals, chaired_panels, recusal_reason
from portal.cases.commitments import Commitment, CommitmentCheck, CommitmentStatus, any_missed
from portal.cases.committee import (
    SEAT_NOMINATION,
    Decision,
    DecisionKind,
    PanelKind,
    PanelSeat,
    SeatKind,
    Vote,
    VoteChoice,
)
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.refusals import CaseworkRefused
from portal.cases.workflow import (
    REOPENS,
    Action,
    CaseFacts,
    Clock,
    InvalidTransition,
    Outcome,
    State,
    Transition,
    apply_clocks,
    check,
)
from portal.core import signals
from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User


@dataclass
class ActionInput:
    """What a person gave with an action; every field is optional, the guards say which are needed."""

    reasons: str | None = None
    reasons_translation: str | None = None
    message: str | None = None
    message_translation: str | None = None
    outcome: Outcome | None = None
    referral: str | None = None
    public_summary: str | None = None
    votes: dict[int, VoteChoice] = field(default_factory=dict)
    merge_target: Case | None = None


def seats(case: Case, panel: PanelKind) -> list[PanelSeat]:
    return list(db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.panel == panel)))


@dataclass(frozen=True)
class QuorumProblem:
    """Why a panel has no quorum, seat by seat: ``kind`` is ``empty``, ``inactive``, ``recused``, ``cannot_chair``
    or ``wrong_nomination``; ``user`` is whoever sits there (None for an empty seat).
    ``labels.QUORUM_PROBLEMS`` words it."""

    kind: str
    seat: SeatKind
    user: User | None = None


def quorum_problems(case: Case, panel: PanelKind) -> list[QuorumProblem]:
    """What stands between ``panel`` and its quorum (docs/architecture.md §4), in seat order; empty when it has one."""
    by_seat = {SeatKind(seat.seat): seat.user for seat in seats(case, panel)}
    recorded = {recusal.user_id for recusal in case_recusals(case)}  # one query, not one per seat
    problems = []
    for seat in SeatKind:
        user = by_seat.get(seat)
        if user is None:
            problems.append(QuorumProblem("empty", seat))
        elif not user.active:
            problems.append(QuorumProblem("inactive", seat, user))
        elif user.id in recorded or recusal_reason(case, user):
            problems.append(QuorumProblem("recused", seat, user))
        elif seat == SeatKind.CHAIR and not user.can_chair_panels:
            problems.append(QuorumProblem("cannot_chair", seat, user))
        elif seat != SeatKind.CHAIR and user.nomination != SEAT_NOMINATION[seat]:
            problems.append(QuorumProblem("wrong_nomination", seat, user))
    return problems


def has_quorum(case: Case, panel: PanelKind) -> bool:
    """The chair or a vice-chair, one industry-nominated and one union/NGO-nominated member, none recused."""
    return not quorum_problems(case, panel)


def case_facts(case: Case, given: ActionInput, actor: User | None = None) -> CaseFacts:
    now = utcnow()
    original = {seat.user_id for seat in seats(case, PanelKind.ORIGINAL)}
    review = {seat.user_id for seat in seats(case, PanelKind.REVIEW)}
    return CaseFacts(
        state=State(case.state),
        reasons_given=bool((given.reasons or "").strip()),
        message_given=bool((given.message or "").strip()),
        panel_has_quorum=has_quorum(case, PanelKind.ORIGINAL),
        review_panel_has_quorum=has_quorum(case, PanelKind.REVIEW),
        review_panel_is_different=bool(review) and not (review & original),
        company_summary_written=case.company_summary_encrypted is not None,
        respondent_named=case.respondent_organisation_id is not None,
        within_review_window=case.review_window_due_at is not None and now <= case.review_window_due_at,
        info_request_expired=case.info_request_due_at is not None and now > case.info_request_due_at,
        merge_target_given=given.merge_target is not None and given.merge_target.id != case.id,
        suspended=case.suspended,
        review_window_over=case.review_window_due_at is None or now > case.review_window_due_at,
        actor_chairs=chaired_panels(case, actor) if actor is not None else frozenset(),
        commitment_missed=case.state == State.MONITORING and any_missed(case.id),
    )


def take_action(
    case: Case,
    action: Action,
    actor: User | None,
    role: Role,
    locale: str | None = None,
    reasons: str | None = None,
    given: ActionInput | None = None,
) -> CaseEntry:
    """Apply one workflow action to ``case``; raise ``InvalidTransition`` if it is not allowed now."""
    given = given or ActionInput(reasons=reasons)
    transition = check(action, case_facts(case, given, actor), role)
    if len(transition.outcomes) == 1 and given.outcome is None:  # a settlement can only end settled
        given.outcome = next(iter(transition.outcomes))
    if transition.outcomes and given.outcome not in transition.outcomes:
        raise InvalidTransition(action, State(case.state), role, ("outcome",))
    now = utcnow()
    old_state = State(case.state)
    if transition.target is None:
        # Only answering a question returns, and a question open always remembers the state it paused.
        assert case.state_before_question is not None
        target = State(case.state_before_question)
    else:
        target = transition.target
    if action == Action.REQUEST_INFO:
        case.state_before_question = old_state
    elif action == Action.ANSWER:
        case.state_before_question = None

    due, case.paused_at = apply_clocks(
        transition, case.due(), case.paused_at, now, current_app.extensions["portal_clocks"]
    )
    case.state = target
    if transition.outcomes:
        case.outcome = given.outcome
    if action in REOPENS:  # the earlier decision stays in the decisions table; the new one will set the outcome
        case.outcome = None
        case.monitoring_checks_done = 0
    if target in (State.CLOSED, State.WITHDRAWN, State.MERGED):
        case.closed_at = now
    merge_target = given.merge_target
    if action == Action.MERGE:
        assert merge_target is not None  # the merge_target_given guard passed
        case.merged_into_id = merge_target.id
    case.set_due(due)

    entry = CaseEntry(
        kind=EntryKind.STATE_CHANGE,
        visibility=Visibility.COMPLAINANT if transition.tells_complainant else Visibility.INTERNAL,
        locale=locale,
        new_state=target,
        author_id=getattr(actor, "id", None),
    )
    # The body is always the text written for the complainant, the translation staff's working copy: a question
    # is written in their language (its translation is for staff); reasons are staff's words, unless they come
    # with a version in the complainant's language, which is then what the complainant reads.
    if given.message:
        entry.body, entry.translation = given.message, given.message_translation
    elif given.reasons_translation:
        entry.body, entry.translation = given.reasons_translation, given.reasons
    else:
        entry.body = given.reasons
    case.entries.append(entry)
    decision = None
    if transition.decision:
        assert actor is not None  # only committee roles may take a deciding action
        decision = _record_decision(case, transition, actor, given)
    db.session.flush()
    signals.case_state_changed.send(
        case, action=action, old_state=old_state, entry=entry, actor=actor, transition=transition, decision=decision
    )
    if action == Action.MERGE:
        assert merge_target is not None and actor is not None  # only staff merge, and a target was given
        _note_merge_on_target(merge_target, actor)
    return entry


def _record_decision(case: Case, transition: Transition, actor: User, given: ActionInput) -> Decision:
    assert transition.panel is not None  # every deciding transition names the panel whose votes it records
    seated = {seat.user_id for seat in seats(case, transition.panel)}
    admissibility = transition.decision == DecisionKind.ADMISSIBILITY
    decision = Decision(
        case_id=case.id,
        kind=transition.decision,
        admissible=(transition.target == State.COMPANY_RESPONSE) if admissibility else None,
        outcome=None if admissibility else case.outcome,
        referral=given.referral or None,
        signed_by_id=actor.id,
    )
    decision.reasons = given.reasons
    decision.reasons_translation = given.reasons_translation
    decision.public_summary = given.public_summary
    decision.votes = [
        Vote(user_id=user_id, choice=choice) for user_id, choice in given.votes.items() if user_id in seated
    ]
    db.session.add(decision)
    signals.decision_recorded.send(case, decision=decision, actor=actor)
    return decision


def _note_merge_on_target(target: Case, actor: User) -> None:
    """Merging links both cases and tells both complainants."""
    entry = CaseEntry(kind=EntryKind.CASE_JOINED, visibility=Visibility.COMPLAINANT, author_id=actor.id)
    target.entries.append(entry)
    db.session.flush()
    signals.message_to_complainant.send(target, entry=entry, actor=actor)


def grant_company_extension(case: Case, actor: User, reason: str) -> CaseEntry:
    """The company's one extension of its response clock (docs/architecture.md §2), asked for with a reason before
    its deadline has passed. The reason stays on the case for staff, on the timeline and beside the deadlines."""
    if not reason.strip():
        raise CaseworkRefused("reason_required")
    if case.state != State.COMPANY_RESPONSE or case.company_extension_used or case.company_response_due_at is None:
        raise CaseworkRefused("extension_not_possible")
    now = utcnow()
    if now > case.company_response_due_at:
        raise CaseworkRefused("extension_too_late")
    settings = current_app.extensions["portal_clocks"]
    due = case.due()
    due[Clock.COMPANY_RESPONSE] = case.company_response_due_at + timedelta(days=settings.company_extension_days)
    case.company_extension_used = True
    case.company_extended_at = now
    case.company_extension_reason = reason.strip()
    case.set_due(due)
    entry = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility=Visibility.INTERNAL, author_id=actor.id)
    entry.body = reason.strip()
    case.entries.append(entry)
    db.session.flush()
    signals.company_extension_granted.send(case, actor=actor)
    return entry


def set_suspended(case: Case, suspended: bool, actor: User) -> None:
    """Parallel court proceedings stop every clock; resuming keeps the time that was left."""
    if case.suspended == suspended or not case.is_open:
        return
    now = utcnow()
    due = case.due()
    if suspended:
        case.suspended = True
        if case.paused_at is None:
            case.paused_at = now
    else:
        case.suspended = False
        if case.state != State.INFO_REQUESTED and case.paused_at is not None:
            shift = now - case.paused_at
            due = {clock: (at + shift if at else at) for clock, at in due.items()}
            case.paused_at = None
    case.set_due(due)
    db.session.flush()
    signals.case_suspension_changed.send(case, suspended=suspended, actor=actor)


def set_urgency(case: Case, urgent: bool, reason: str, actor: User) -> CaseEntry | None:
    """Case staff set or clear the urgent flag; the reason stays on the file as an internal note.

    The 48-hour triage clock follows the flag while the case still waits in ``submitted``: it runs to
    ``created_at + CLOCK_URGENT_TRIAGE_HOURS`` as at intake, but never to a moment already past (a case found urgent
    late is due now, so it heads the overdue lists at once). Clearing the flag stops that clock. After
    acknowledgement triage is over, so the flag only orders the lists."""
    if not reason.strip():
        raise CaseworkRefused("reason_required")
    if case.urgent == urgent or not case.is_open:
        return None
    case.urgent = urgent
    if case.state == State.SUBMITTED:
        due = case.due()
        triage = current_app.extensions["portal_clocks"].triage_due(case.created_at)
        due[Clock.TRIAGE] = max(triage, utcnow()) if urgent else None
        case.set_due(due)
    entry = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility=Visibility.INTERNAL, author_id=actor.id)
    entry.body = reason.strip()
    case.entries.append(entry)
    db.session.flush()
    signals.case_urgency_changed.send(case, urgent=urgent, entry=entry, actor=actor)
    return entry


def feedback_given(case: Case) -> None:
    """A message to the complainant restarts the feedback clock (at least every three months). It runs until the
    case is final, so a message also starts it on a case decided before the clock kept running after decisions."""
    if case.is_open:
        due = case.due()
        due[Clock.FEEDBACK] = current_app.extensions["portal_clocks"].feedback_due(utcnow())
        case.set_due(due)


@dataclass(frozen=True)
class Finding:
    """What a check-in found about one commitment: its status, and an internal note."""

    status: CommitmentStatus
    note: str | None = None


def record_monitoring_check(
    case: Case, actor: User, note: str | None, findings: dict[int, Finding] | None = None
) -> CaseEntry:
    """A remedy check-in at 6 and then 12 months after the decision. It marks every commitment due so far as met,
    partly met or missed (``findings``, by commitment id); commitments not yet due may be marked too."""
    if case.state != State.MONITORING:
        raise CaseworkRefused("not_monitoring")
    findings = findings or {}
    commitments = {commitment.id: commitment for commitment in Commitment.of_case(case.id)}
    if any(commitment_id not in commitments for commitment_id in findings):
        raise CaseworkRefused("unknown_commitment")
    if any(commitment.is_due and commitment.id not in findings for commitment in commitments.values()):
        raise CaseworkRefused("commitment_unmarked")
    settings = current_app.extensions["portal_clocks"]
    case.monitoring_checks_done += 1
    due = case.due()
    due[Clock.MONITORING] = (
        case.monitoring_due_at + timedelta(days=settings.monitoring_second_days - settings.monitoring_first_days)
        if case.monitoring_checks_done == 1 and case.monitoring_due_at
        else None
    )
    case.set_due(due)
    checks = []
    for commitment_id, finding in findings.items():
        check = CommitmentCheck(status=finding.status, checked_by_id=actor.id)
        check.note = (finding.note or "").strip() or None
        commitments[commitment_id].checks.append(check)
        checks.append(check)
    entry = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility=Visibility.INTERNAL, author_id=actor.id)
    entry.body = note
    case.entries.append(entry)
    db.session.flush()
    signals.monitoring_checked.send(case, entry=entry, checks=checks, actor=actor)
    return entry
