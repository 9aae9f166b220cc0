"""The case lifecycle as data (docs/architecture.md §3): states, actions, who may act, guards and clocks.

This module imports neither Flask nor the database: it decides, from plain facts about a case, whether an action
is allowed and what it does to the clocks. ``portal/cases/operations.py`` is the only code that applies it.
Labels for people live in ``portal/cases/labels.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from portal.core.roles import CASE_STAFF, COMMITTEE, Role


class State(StrEnum):
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    INFO_REQUESTED = "info_requested"
    ASSESSMENT = "assessment"
    INADMISSIBLE = "inadmissible"
    COMPANY_RESPONSE = "company_response"
    DIALOGUE = "dialogue"
    ADJUDICATION = "adjudication"
    DECIDED = "decided"
    REVIEW = "review"
    MONITORING = "monitoring"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


FINAL_STATES = frozenset({State.CLOSED, State.WITHDRAWN, State.MERGED})
OPEN_STATES = frozenset(State) - FINAL_STATES
# States in which the committee is working and may ask the complainant a question.
QUESTION_STATES = frozenset(
    {
        State.ACKNOWLEDGED,
        State.ASSESSMENT,
        State.COMPANY_RESPONSE,
        State.DIALOGUE,
        State.ADJUDICATION,
        State.DECIDED,
        State.MONITORING,
    }
)


class Outcome(StrEnum):
    SETTLED = "settled"
    FOUNDED = "founded"
    PARTLY_FOUNDED = "partly_founded"
    UNFOUNDED = "unfounded"


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    REQUEST_INFO = "request_info"
    ANSWER = "answer"
    CLOSE_INCOMPLETE = "close_incomplete"
    OPEN_ASSESSMENT = "open_assessment"
    ADMIT = "admit"
    REJECT = "reject"
    START_DIALOGUE = "start_dialogue"
    REFER_TO_ADJUDICATION = "refer_to_adjudication"
    SETTLE = "settle"
    DECIDE = "decide"
    REQUEST_REVIEW = "request_review"
    CONFIRM = "confirm"
    REVISE = "revise"
    START_MONITORING = "start_monitoring"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    # A commitment of the settlement or decision was missed: back to dialogue, or on to adjudication.
    REOPEN = "reopen"
    ESCALATE = "escalate"


class PanelKind(StrEnum):
    """Which panel votes: the first one, or the review panel, which shares no member with it."""

    ORIGINAL = "original"
    REVIEW = "review"


class DecisionKind(StrEnum):
    ADMISSIBILITY = "admissibility"
    OUTCOME = "outcome"
    REVIEW = "review"


class Ask(StrEnum):
    """What the action's form asks of the person taking it. Whether it is required is the guards' business."""

    REASONS = "reasons"
    MESSAGE = "message"
    OUTCOME = "outcome"
    REFERRAL = "referral"
    PUBLIC_SUMMARY = "public_summary"
    MERGE_TARGET = "merge_target"
    VOTES = "votes"


class Clock(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    TRIAGE = "triage"
    ADMISSIBILITY = "admissibility"
    COMPANY_RESPONSE = "company_response"
    FEEDBACK = "feedback"
    DECISION = "decision"
    REVIEW_WINDOW = "review_window"
    MONITORING = "monitoring"
    INFO_REQUEST = "info_request"


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case, gathered by the operations from the database."""

    state: State
    reasons_given: bool = False
    message_given: bool = False
    panel_has_quorum: bool = False
    review_panel_has_quorum: bool = False
    review_panel_is_different: bool = False
    company_summary_written: bool = False
    respondent_named: bool = False
    within_review_window: bool = False
    info_request_expired: bool = False
    merge_target_given: bool = False
    suspended: bool = False
    # No review window is running: it never started, has ended, or a review was asked for (and so decided upon).
    review_window_over: bool = False
    # The panels on which the person acting holds the chair's seat (the chair or a vice-chair, §4).
    actor_chairs: frozenset[PanelKind] = frozenset()
    commitment_missed: bool = False


# A guard returns None when satisfied, else the key of the reason (labels.GUARD_REASONS gives the words).
Guard = Callable[[CaseFacts], str | None]


def needs(attribute: str, reason: str) -> Guard:
    def guard(facts: CaseFacts) -> str | None:
        return None if getattr(facts, attribute) else reason

    guard.__name__ = f"needs_{attribute}"
    return guard


def not_suspended(facts: CaseFacts) -> str | None:
    return "suspended" if facts.suspended else None


REASONS = needs("reasons_given", "reasons")
MESSAGE = needs("message_given", "message")
QUORUM = needs("panel_has_quorum", "quorum")
REVIEW_QUORUM = needs("review_panel_has_quorum", "review_quorum")
REVIEW_PANEL_DIFFERENT = needs("review_panel_is_different", "review_panel_different")
SUMMARY = needs("company_summary_written", "company_summary")
RESPONDENT = needs("respondent_named", "respondent")
IN_REVIEW_WINDOW = needs("within_review_window", "review_window")
INFO_EXPIRED = needs("info_request_expired", "info_not_expired")
MERGE_TARGET = needs("merge_target_given", "merge_target")
REVIEW_WINDOW_OVER = needs("review_window_over", "review_window_open")


def chairs(panel: PanelKind) -> Guard:
    """Only the person seated in the chair's seat of ``panel`` signs for it, whatever their account role."""

    def guard(facts: CaseFacts) -> str | None:
        return None if panel in facts.actor_chairs else "not_panel_chair"

    guard.__name__ = f"chairs_{panel.value}_panel"
    return guard


CHAIRS_ORIGINAL = chairs(PanelKind.ORIGINAL)
CHAIRS_REVIEW = chairs(PanelKind.REVIEW)
# Who may sign for a panel: the account role of whoever can sit in a chair's seat (the chair, or a member who is a
# vice-chair); the guards above then require the seat itself.
PANEL_CHAIRS = COMMITTEE
COMMITMENT_MISSED = needs("commitment_missed", "commitment_missed")


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    # None: the case returns to the state it had before (answering a question).
    target: State | None
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    starts: tuple[Clock, ...] = ()
    stops: tuple[Clock, ...] = ()
    pauses: bool = False
    resumes: bool = False
    tells_complainant: bool = True
    outcomes: frozenset[Outcome] = field(default_factory=frozenset)
    # The panel whose votes the decision records, and the kind of decision; None for actions that decide nothing.
    panel: PanelKind | None = None
    decision: DecisionKind | None = None
    # Inputs asked beyond those the guards require (``asks`` below gives all of them).
    extra_asks: frozenset[Ask] = field(default_factory=frozenset)

    @property
    def asks(self) -> frozenset[Ask]:
        """Every input the action's form shows: what the guards need, what a decision needs, and the extras."""
        needed = {ask for guard, ask in _GUARD_ASKS.items() if guard in self.guards}
        if len(self.outcomes) > 1:
            needed.add(Ask.OUTCOME)
        if self.panel is not None:
            needed.add(Ask.VOTES)
        return frozenset(needed) | self.extra_asks


_GUARD_ASKS = {REASONS: Ask.REASONS, MESSAGE: Ask.MESSAGE, MERGE_TARGET: Ask.MERGE_TARGET}


def _t(action, sources, target, roles, asks=(), **kwargs) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), extra_asks=frozenset(asks), **kwargs)


ORIGINAL_PANEL = {"panel": PanelKind.ORIGINAL}
REVIEW_PANEL = {"panel": PanelKind.REVIEW, "decision": DecisionKind.REVIEW}


DECIDED_OUTCOMES = frozenset({Outcome.FOUNDED, Outcome.PARTLY_FOUNDED, Outcome.UNFOUNDED})
ALL_CLOCKS = tuple(Clock)
# Reopening a case after a missed commitment clears its outcome until the new decision (the old one stays on file).
REOPENS = frozenset({Action.REOPEN, Action.ESCALATE})

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.ACKNOWLEDGE, {State.SUBMITTED}, State.ACKNOWLEDGED, CASE_STAFF,
           guards=(not_suspended,), asks={Ask.REASONS}, starts=(Clock.ADMISSIBILITY, Clock.FEEDBACK),
           stops=(Clock.ACKNOWLEDGE, Clock.TRIAGE)),
        _t(Action.REQUEST_INFO, QUESTION_STATES, State.INFO_REQUESTED, CASE_STAFF,
           guards=(MESSAGE,), pauses=True, starts=(Clock.INFO_REQUEST,)),
        _t(Action.ANSWER, {State.INFO_REQUESTED}, None, {Role.COMPLAINANT},
           resumes=True, stops=(Clock.INFO_REQUEST,), tells_complainant=False),
        _t(Action.CLOSE_INCOMPLETE, {State.INFO_REQUESTED}, State.CLOSED, CASE_STAFF,
           guards=(INFO_EXPIRED, REASONS), stops=ALL_CLOCKS),
        _t(Action.OPEN_ASSESSMENT, {State.ACKNOWLEDGED}, State.ASSESSMENT, CASE_STAFF, guards=(not_suspended,),
           asks={Ask.REASONS}),
        _t(Action.ADMIT, {State.ASSESSMENT}, State.COMPANY_RESPONSE, PANEL_CHAIRS,
           guards=(CHAIRS_ORIGINAL, QUORUM, REASONS, RESPONDENT, SUMMARY, not_suspended),
           **ORIGINAL_PANEL, decision=DecisionKind.ADMISSIBILITY,
           starts=(Clock.COMPANY_RESPONSE, Clock.FEEDBACK), stops=(Clock.ADMISSIBILITY,)),
        _t(Action.REJECT, {State.ASSESSMENT}, State.INADMISSIBLE, PANEL_CHAIRS,
           guards=(CHAIRS_ORIGINAL, QUORUM, REASONS), starts=(Clock.REVIEW_WINDOW,),
           stops=(Clock.ADMISSIBILITY,),
           **ORIGINAL_PANEL, decision=DecisionKind.ADMISSIBILITY, asks={Ask.REFERRAL}),
        _t(Action.START_DIALOGUE, {State.COMPANY_RESPONSE}, State.DIALOGUE, CASE_STAFF,
           guards=(not_suspended,), stops=(Clock.COMPANY_RESPONSE,), starts=(Clock.FEEDBACK,), asks={Ask.REASONS}),
        _t(Action.REFER_TO_ADJUDICATION, {State.COMPANY_RESPONSE, State.DIALOGUE}, State.ADJUDICATION, {Role.CHAIR},
           guards=(REASONS, not_suspended), stops=(Clock.COMPANY_RESPONSE,), starts=(Clock.DECISION, Clock.FEEDBACK)),
        _t(Action.SETTLE, {State.DIALOGUE}, State.DECIDED, PANEL_CHAIRS,
           guards=(CHAIRS_ORIGINAL, QUORUM, REASONS), starts=(Clock.REVIEW_WINDOW,),
           stops=(Clock.DECISION,),
           outcomes=frozenset({Outcome.SETTLED}),
           **ORIGINAL_PANEL, decision=DecisionKind.OUTCOME, asks={Ask.PUBLIC_SUMMARY}),
        _t(Action.DECIDE, {State.ADJUDICATION}, State.DECIDED, PANEL_CHAIRS,
           guards=(CHAIRS_ORIGINAL, QUORUM, REASONS), starts=(Clock.REVIEW_WINDOW,),
           stops=(Clock.DECISION,),
           outcomes=DECIDED_OUTCOMES,
           **ORIGINAL_PANEL, decision=DecisionKind.OUTCOME, asks={Ask.PUBLIC_SUMMARY}),
        _t(Action.REQUEST_REVIEW, {State.DECIDED, State.INADMISSIBLE}, State.REVIEW,
           {Role.COMPLAINANT, Role.COMPANY, Role.SECRETARIAT},
           guards=(IN_REVIEW_WINDOW, REASONS), stops=(Clock.REVIEW_WINDOW,), starts=(Clock.DECISION, Clock.FEEDBACK)),
        _t(Action.CONFIRM, {State.REVIEW}, State.DECIDED, PANEL_CHAIRS,
           guards=(CHAIRS_REVIEW, REVIEW_QUORUM, REVIEW_PANEL_DIFFERENT, REASONS),
           stops=(Clock.DECISION,),
           **REVIEW_PANEL, asks={Ask.PUBLIC_SUMMARY}),
        _t(Action.REVISE, {State.REVIEW}, State.DECIDED, PANEL_CHAIRS,
           guards=(CHAIRS_REVIEW, REVIEW_QUORUM, REVIEW_PANEL_DIFFERENT, REASONS),
           stops=(Clock.DECISION,),
           outcomes=frozenset(Outcome), **REVIEW_PANEL, asks={Ask.PUBLIC_SUMMARY}),
        _t(Action.START_MONITORING, {State.DECIDED}, State.MONITORING, CASE_STAFF,
           stops=(Clock.REVIEW_WINDOW,), starts=(Clock.MONITORING,), asks={Ask.REASONS}),
        _t(Action.CLOSE, {State.MONITORING, State.INADMISSIBLE}, State.CLOSED, CASE_STAFF,
           guards=(REVIEW_WINDOW_OVER, REASONS), stops=ALL_CLOCKS),
        _t(Action.WITHDRAW, OPEN_STATES, State.WITHDRAWN, {Role.COMPLAINANT, Role.SECRETARIAT}, stops=ALL_CLOCKS,
           asks={Ask.REASONS}),
        _t(Action.MERGE, OPEN_STATES, State.MERGED, {Role.SECRETARIAT},
           guards=(MERGE_TARGET, REASONS), stops=ALL_CLOCKS),
        _t(Action.REOPEN, {State.MONITORING}, State.DIALOGUE, {Role.CHAIR},
           guards=(COMMITMENT_MISSED, REASONS), stops=(Clock.MONITORING,), starts=(Clock.FEEDBACK,)),
        _t(Action.ESCALATE, {State.MONITORING}, State.ADJUDICATION, {Role.CHAIR},
           guards=(COMMITMENT_MISSED, REASONS), stops=(Clock.MONITORING,), starts=(Clock.DECISION, Clock.FEEDBACK)),
    ]
}  # fmt: skip


class InvalidTransition(Exception):
    """The action is not possible from the case's state, or not for this role, or a guard is not satisfied."""

    def __init__(self, action: Action, state: State, role: Role, reasons: tuple[str, ...] = ()):
        super().__init__(
            f"{action} is not allowed from {state} for {role}" + (f": {', '.join(reasons)}" if reasons else "")
        )
        self.action, self.state, self.role, self.reasons = action, state, role, reasons


def transition_for(action: Action, state: State, role: Role) -> Transition:
    """The transition, if ``role`` may take ``action`` from ``state`` at all (guards not yet checked)."""
    transition = TRANSITIONS.get(action)
    if transition is None or state not in transition.sources or role not in transition.roles:
        raise InvalidTransition(action, state, role)
    return transition


def unmet_guards(transition: Transition, facts: CaseFacts) -> tuple[str, ...]:
    return tuple(reason for guard in transition.guards if (reason := guard(facts)) is not None)


def check(action: Action, facts: CaseFacts, role: Role) -> Transition:
    """Raise ``InvalidTransition`` unless ``role`` may take ``action`` now; return the transition."""
    transition = transition_for(action, facts.state, role)
    reasons = unmet_guards(transition, facts)
    if reasons:
        raise InvalidTransition(action, facts.state, role, reasons)
    return transition


def allowed_actions(state: State, role: Role) -> list[Action]:
    """Actions this role could take from this state, before guards (for showing what is possible)."""
    return [t.action for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


def offered_actions(state: State, role: Role, chairs: frozenset[PanelKind]) -> list[Action]:
    """What a person is offered: ``allowed_actions``, a panel's decisions only on the panels whose chair they hold."""
    return [
        action
        for action in allowed_actions(state, role)
        if (panel := TRANSITIONS[action].panel) is None or panel in chairs
    ]


@dataclass(frozen=True)
class ClockSettings:
    """The legal clocks (docs/architecture.md §2). Built once from configuration; the procedure page prints these
    same values."""

    acknowledge_days: int = 7
    urgent_triage_hours: int = 48
    admissibility_days: int = 42
    company_response_days: int = 28
    company_extension_days: int = 14
    feedback_days: int = 90
    decision_days: int = 42
    review_window_days: int = 30
    monitoring_first_days: int = 182
    monitoring_second_days: int = 365
    info_request_days: int = 30

    @classmethod
    def from_config(cls, days: dict[str, int], urgent_triage_hours: int) -> ClockSettings:
        return cls(urgent_triage_hours=urgent_triage_hours, **{f"{key}_days": value for key, value in days.items()})

    def duration(self, clock: Clock) -> timedelta:
        if clock is Clock.TRIAGE:
            return timedelta(hours=self.urgent_triage_hours)
        if clock is Clock.MONITORING:
            return timedelta(days=self.monitoring_first_days)
        return timedelta(days=getattr(self, f"{clock.value}_days"))

    def acknowledge_due(self, submitted_at: datetime) -> datetime:
        return submitted_at + self.duration(Clock.ACKNOWLEDGE)

    def triage_due(self, submitted_at: datetime) -> datetime:
        return submitted_at + self.duration(Clock.TRIAGE)

    def feedback_due(self, since: datetime) -> datetime:
        return since + self.duration(Clock.FEEDBACK)


def apply_clocks(
    transition: Transition,
    due: dict[Clock, datetime | None],
    paused_at: datetime | None,
    now: datetime,
    settings: ClockSettings,
) -> tuple[dict[Clock, datetime | None], datetime | None]:
    """The case's due dates after ``transition``: paused clocks keep their remaining time (docs/architecture.md §2)."""
    due = dict(due)
    if transition.resumes and paused_at is not None:
        shift = now - paused_at
        due = {
            clock: (at + shift if at is not None and clock is not Clock.INFO_REQUEST else at)
            for clock, at in due.items()
        }
        paused_at = None
    for clock in transition.stops:
        due[clock] = None
    if transition.pauses:
        paused_at = now
    for clock in transition.starts:
        due[clock] = now + settings.duration(clock)
    return due, paused_at
