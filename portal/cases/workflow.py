"""The case lifecycle as data (DESIGN §3): states, actions, the transition table and the clocks.

This module imports neither Flask nor the database, so it can be tested with plain objects. Labels for people
live in ``portal/cases/labels.py``; the only code that applies a transition is ``portal/cases/operations.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


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


class Role(StrEnum):
    COMPLAINANT = "complainant"
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    MEMBER = "member"
    COMPANY = "company"
    ADMIN = "admin"


class Action(StrEnum):
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]


# The transition table. The committee's actions (acknowledge, admit, decide, ...) join it with the workflow issue.
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(Action.WITHDRAW, OPEN_STATES, State.WITHDRAWN, frozenset({Role.COMPLAINANT})),
    ]
}


class InvalidTransition(Exception):
    """The action is not possible from the case's state, or not for this role."""

    def __init__(self, action: Action, state: State, role: Role):
        super().__init__(f"{action} is not allowed from {state} for {role}")
        self.action, self.state, self.role = action, state, role


def transition_for(action: Action, state: State, role: Role) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None or state not in transition.sources or role not in transition.roles:
        raise InvalidTransition(action, state, role)
    return transition


def allowed_actions(state: State, role: Role) -> list[Action]:
    return [t.action for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


@dataclass(frozen=True)
class ClockSettings:
    """The legal clocks (DESIGN §2). Built once from configuration; the procedure page prints these same values."""

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

    def acknowledge_due(self, submitted_at: datetime) -> datetime:
        return submitted_at + timedelta(days=self.acknowledge_days)

    def triage_due(self, submitted_at: datetime) -> datetime:
        return submitted_at + timedelta(hours=self.urgent_triage_hours)

    def feedback_due(self, since: datetime) -> datetime:
        return since + timedelta(days=self.feedback_days)
