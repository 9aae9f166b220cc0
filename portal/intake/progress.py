"""Where a case stands, for the person who filed it: the stages of the lifecycle (portal/cases/workflow.py) in
their words, the stage the case is in, what comes next and by when, and the committee's open question.

Pure reading of the case: nothing here changes it. The follow-up page (templates/intake/case.html) draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask_babel import lazy_gettext as _l

from portal.cases.labels import STATE_FOR_COMPLAINANT
from portal.cases.models import Case, CaseEntry, EntryKind
from portal.cases.workflow import State

# The main road of the lifecycle as the complainant sees it: several workflow states share one stage (the company's
# answer, the dialogue and the hearing are all "working with the company"; a review is part of the decision).
STAGES: tuple[tuple[frozenset[State], object], ...] = (
    (frozenset({State.SUBMITTED}), STATE_FOR_COMPLAINANT[State.SUBMITTED][0]),
    (frozenset({State.ACKNOWLEDGED}), STATE_FOR_COMPLAINANT[State.ACKNOWLEDGED][0]),
    (frozenset({State.ASSESSMENT, State.INADMISSIBLE}), STATE_FOR_COMPLAINANT[State.ASSESSMENT][0]),
    (
        frozenset({State.COMPANY_RESPONSE, State.DIALOGUE, State.ADJUDICATION}),
        _l("Working with the company"),
    ),
    (frozenset({State.DECIDED, State.REVIEW}), STATE_FOR_COMPLAINANT[State.DECIDED][0]),
    (frozenset({State.MONITORING}), STATE_FOR_COMPLAINANT[State.MONITORING][0]),
    (frozenset({State.CLOSED}), STATE_FOR_COMPLAINANT[State.CLOSED][0]),
)

# What comes next from each state, and which of the case's clocks says by when (None: the feedback clock).
_NEXT: dict[State, tuple[object, str | None]] = {
    State.SUBMITTED: (_l("We will confirm your grievance by %(date)s at the latest."), "acknowledge"),
    State.ACKNOWLEDGED: (
        _l("The committee will decide by %(date)s whether it can take up your grievance."),
        "admissibility",
    ),
    State.ASSESSMENT: (
        _l("The committee will decide by %(date)s whether it can take up your grievance."),
        "admissibility",
    ),
    State.COMPANY_RESPONSE: (_l("The company must answer by %(date)s."), "company_response"),
    State.ADJUDICATION: (_l("The committee will decide by %(date)s."), "decision"),
    State.REVIEW: (_l("The committee will decide by %(date)s."), "decision"),
}
_FEEDBACK = _l("You will hear from us by %(date)s at the latest.")
_URGENT = _l("Because someone may be in danger, we will look at your grievance by %(date)s.")


@dataclass(frozen=True)
class Stage:
    label: object
    # "done", "current" or "todo"
    status: str


@dataclass(frozen=True)
class Progress:
    stages: list[Stage]
    # The stage the case has reached (1-based) and how many there are, for the sentence read by screen readers.
    number: int
    count: int
    # Off the main road: not taken up, withdrawn, joined with another case. The road then stops where it left.
    stopped: bool
    # "What comes next": a sentence with %(date)s and its date; None when nothing is due.
    next_sentence: object | None
    next_date: datetime | None


def _stage_of(state: State) -> int | None:
    return next((index for index, (states, _) in enumerate(STAGES) if state in states), None)


def _last_stage_before(case: Case, leaving: State) -> int:
    """Where on the road a case was when it left it: the stage of its last state change on the road, not counting
    the change that left it (0, received, when there was none)."""
    for entry in reversed(case.entries):
        if entry.kind == EntryKind.STATE_CHANGE and entry.new_state and entry.new_state != leaving:
            index = _stage_of(State(entry.new_state))
            if index is not None:
                return index
    return 0


_MONITORED = next(index for index, (states, _) in enumerate(STAGES) if State.MONITORING in states)
_CLOSED = len(STAGES) - 1


def _position(case: Case, state: State) -> tuple[int, bool]:
    """The stage the case has reached, and whether it left the road there: not taken up, withdrawn, joined with
    another case, or closed before any remedy was monitored (closed as incomplete, or after "not taken up"). A case
    that left the road ends one step after the last stage it reached, with that step in its own words."""
    if state is State.CLOSED:
        before = _last_stage_before(case, State.CLOSED)
        return (_CLOSED, False) if before == _MONITORED else (before + 1, True)
    index = _stage_of(state)
    if index is None:
        return _last_stage_before(case, state) + 1, True
    return index, state is State.INADMISSIBLE


class Clocks(Protocol):
    """What "what comes next" reads of a case: a ``Case``, or a plain row whose columns have the same names (the
    lists read rows: portal/orgs/cases._ROW_COLUMNS, ``is_open`` a labelled column there). The ``<clock>_due_at``
    it names are read by name."""

    @property
    def state(self) -> str: ...
    @property
    def state_before_question(self) -> str | None: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def urgent(self) -> bool: ...
    @property
    def triage_due_at(self) -> datetime | None: ...
    @property
    def feedback_due_at(self) -> datetime | None: ...


def _road_state(case: Clocks) -> State:
    """The state whose stage the case is at: a question pauses the case where it was."""
    state = State(case.state)
    if state is State.INFO_REQUESTED:
        return State(case.state_before_question or State.ACKNOWLEDGED)
    return state


def next_step(case: Clocks) -> tuple[object | None, datetime | None]:
    """What comes next and by when, as ``case_progress`` says it, without the road: lists print only this, and it
    needs none of the case's timeline."""
    return _next_step(case, _road_state(case))


def case_progress(case: Case) -> Progress:
    state = _road_state(case)
    index, stopped = _position(case, state)
    road = STAGES[: index + 1] if stopped else STAGES
    stages = [
        Stage(label, "done" if position < index else "current" if position == index else "todo")
        for position, (_, label) in enumerate(road)
    ]
    # The stage the case is at says exactly where, in the words of its state ("In dialogue", "Waiting for your
    # answer"); a case off the road ends with the step that took it off ("Withdrawn").
    stages[index] = Stage(STATE_FOR_COMPLAINANT[State(case.state)][0], "current")
    sentence, due = _next_step(case, state)
    return Progress(stages, index + 1, len(stages), stopped, sentence, due)


def _next_step(case: Clocks, state: State) -> tuple[object | None, datetime | None]:
    if not case.is_open or case.paused_at is not None or state is State.INADMISSIBLE:
        # Nothing due; or a question is open (its own date is shown at the top); or only the review window runs
        # (shown with the decision).
        return None, None
    if state is State.SUBMITTED and case.urgent and case.triage_due_at is not None:
        return _URGENT, case.triage_due_at
    sentence, clock = _NEXT.get(state, (_FEEDBACK, None))
    due = getattr(case, f"{clock}_due_at") if clock else None
    if due is None:
        sentence, due = _FEEDBACK, case.feedback_due_at
    return (sentence, due) if due is not None else (None, None)


@dataclass(frozen=True)
class OpenQuestion:
    entry: CaseEntry
    due: datetime | None


def open_question(case: Case, entries: list[CaseEntry]) -> OpenQuestion | None:
    """The committee's question waiting for this person's answer: the last "ask the complainant" step of their own
    case while it waits (a question to the joint case's complainant is not theirs to answer)."""
    if case.state != State.INFO_REQUESTED:
        return None
    for entry in reversed(entries):
        if (
            entry.case_id == case.id
            and entry.kind == EntryKind.STATE_CHANGE
            and entry.new_state == State.INFO_REQUESTED
        ):
            return OpenQuestion(entry, case.info_request_due_at)
    return None
