"""The rules of procedure, written out by hand, held against the workflow.

Nothing here is derived from ``workflow.TRANSITIONS``: every expected result is spelled out literally, as the
published rules of procedure (portal/templates/public/procedure.html, DESIGN §2-§3) say it. A wrong transition
table, a dropped guard or a clock that no longer starts turns a test here red. Only the workflow's functions are
used (``transition_for``, ``check``, ``unmet_guards``, ``allowed_actions``, ``apply_clocks``), never the fields of
a transition, so the tests survive changes to how a transition is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.cases.workflow import (
    Action,
    CaseFacts,
    Clock,
    ClockSettings,
    InvalidTransition,
    Outcome,
    PanelKind,
    Role,
    State,
    allowed_actions,
    apply_clocks,
    check,
    offered_actions,
    transition_for,
    unmet_guards,
)

S, A, R = State, Action, Role
BEFORE_QUESTION = None  # the answer returns the case to the state it had before the question

# (state, action, role) -> the state the case enters. Every allowed triple is here; everything else is refused.
RULES: dict[tuple[State, Action, Role], State | None] = {
    # 1. Receipt and acknowledgement: the secretariat (or the chair) confirms receipt.
    (S.SUBMITTED, A.ACKNOWLEDGE, R.SECRETARIAT): S.ACKNOWLEDGED,
    (S.SUBMITTED, A.ACKNOWLEDGE, R.CHAIR): S.ACKNOWLEDGED,
    # Questions to the complainant, while the committee is working on the case.
    (S.ACKNOWLEDGED, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.ACKNOWLEDGED, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    (S.ASSESSMENT, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.ASSESSMENT, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    (S.COMPANY_RESPONSE, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.COMPANY_RESPONSE, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    (S.DIALOGUE, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.DIALOGUE, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    (S.ADJUDICATION, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.ADJUDICATION, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    (S.DECIDED, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.DECIDED, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    (S.MONITORING, A.REQUEST_INFO, R.SECRETARIAT): S.INFO_REQUESTED,
    (S.MONITORING, A.REQUEST_INFO, R.CHAIR): S.INFO_REQUESTED,
    # Only the complainant answers; without an answer the case may be closed as incomplete.
    (S.INFO_REQUESTED, A.ANSWER, R.COMPLAINANT): BEFORE_QUESTION,
    (S.INFO_REQUESTED, A.CLOSE_INCOMPLETE, R.SECRETARIAT): S.CLOSED,
    (S.INFO_REQUESTED, A.CLOSE_INCOMPLETE, R.CHAIR): S.CLOSED,
    # 2. Admissibility: the secretariat opens the assessment, the chair signs the panel's decision.
    (S.ACKNOWLEDGED, A.OPEN_ASSESSMENT, R.SECRETARIAT): S.ASSESSMENT,
    (S.ACKNOWLEDGED, A.OPEN_ASSESSMENT, R.CHAIR): S.ASSESSMENT,
    # The panel's chair signs: the chair, or a vice-chair (a member) seated in the chair's seat of that panel.
    (S.ASSESSMENT, A.ADMIT, R.CHAIR): S.COMPANY_RESPONSE,
    (S.ASSESSMENT, A.REJECT, R.CHAIR): S.INADMISSIBLE,
    (S.ASSESSMENT, A.ADMIT, R.MEMBER): S.COMPANY_RESPONSE,
    (S.ASSESSMENT, A.REJECT, R.MEMBER): S.INADMISSIBLE,
    # 3.-4. Response of the company, then dialogue or a decision after a hearing.
    (S.COMPANY_RESPONSE, A.START_DIALOGUE, R.SECRETARIAT): S.DIALOGUE,
    (S.COMPANY_RESPONSE, A.START_DIALOGUE, R.CHAIR): S.DIALOGUE,
    (S.COMPANY_RESPONSE, A.REFER_TO_ADJUDICATION, R.CHAIR): S.ADJUDICATION,
    (S.DIALOGUE, A.REFER_TO_ADJUDICATION, R.CHAIR): S.ADJUDICATION,
    (S.DIALOGUE, A.SETTLE, R.CHAIR): S.DECIDED,
    (S.ADJUDICATION, A.DECIDE, R.CHAIR): S.DECIDED,
    (S.DIALOGUE, A.SETTLE, R.MEMBER): S.DECIDED,
    (S.ADJUDICATION, A.DECIDE, R.MEMBER): S.DECIDED,
    # 5. Review: the complainant or the company may ask (the secretariat files it for them); another panel decides.
    (S.DECIDED, A.REQUEST_REVIEW, R.COMPLAINANT): S.REVIEW,
    (S.DECIDED, A.REQUEST_REVIEW, R.COMPANY): S.REVIEW,
    (S.DECIDED, A.REQUEST_REVIEW, R.SECRETARIAT): S.REVIEW,
    (S.INADMISSIBLE, A.REQUEST_REVIEW, R.COMPLAINANT): S.REVIEW,
    (S.INADMISSIBLE, A.REQUEST_REVIEW, R.COMPANY): S.REVIEW,
    (S.INADMISSIBLE, A.REQUEST_REVIEW, R.SECRETARIAT): S.REVIEW,
    (S.REVIEW, A.CONFIRM, R.CHAIR): S.DECIDED,
    (S.REVIEW, A.REVISE, R.CHAIR): S.DECIDED,
    (S.REVIEW, A.CONFIRM, R.MEMBER): S.DECIDED,
    (S.REVIEW, A.REVISE, R.MEMBER): S.DECIDED,
    # 6. Remedy and monitoring, then closure (an inadmissible case is closed once its review window has passed).
    (S.DECIDED, A.START_MONITORING, R.SECRETARIAT): S.MONITORING,
    (S.DECIDED, A.START_MONITORING, R.CHAIR): S.MONITORING,
    (S.MONITORING, A.CLOSE, R.SECRETARIAT): S.CLOSED,
    (S.MONITORING, A.CLOSE, R.CHAIR): S.CLOSED,
    (S.INADMISSIBLE, A.CLOSE, R.SECRETARIAT): S.CLOSED,
    (S.INADMISSIBLE, A.CLOSE, R.CHAIR): S.CLOSED,
    # A commitment recorded missed: the chair reopens the dialogue or escalates to adjudication.
    (S.MONITORING, A.REOPEN, R.CHAIR): S.DIALOGUE,
    (S.MONITORING, A.ESCALATE, R.CHAIR): S.ADJUDICATION,
    # The complainant may withdraw from every open state (the secretariat records it for them).
    (S.SUBMITTED, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.ACKNOWLEDGED, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.INFO_REQUESTED, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.ASSESSMENT, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.INADMISSIBLE, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.COMPANY_RESPONSE, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.DIALOGUE, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.ADJUDICATION, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.DECIDED, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.REVIEW, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.MONITORING, A.WITHDRAW, R.COMPLAINANT): S.WITHDRAWN,
    (S.SUBMITTED, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.ACKNOWLEDGED, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.INFO_REQUESTED, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.ASSESSMENT, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.INADMISSIBLE, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.COMPANY_RESPONSE, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.DIALOGUE, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.ADJUDICATION, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.DECIDED, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.REVIEW, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    (S.MONITORING, A.WITHDRAW, R.SECRETARIAT): S.WITHDRAWN,
    # The secretariat joins a grievance about the same events to another case, from every open state.
    (S.SUBMITTED, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.ACKNOWLEDGED, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.INFO_REQUESTED, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.ASSESSMENT, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.INADMISSIBLE, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.COMPANY_RESPONSE, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.DIALOGUE, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.ADJUDICATION, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.DECIDED, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.REVIEW, A.MERGE, R.SECRETARIAT): S.MERGED,
    (S.MONITORING, A.MERGE, R.SECRETARIAT): S.MERGED,
}

# Every fact a guard can ask for, satisfied; each guard test takes exactly one of them away.
SATISFIED = dict(
    reasons_given=True,
    message_given=True,
    panel_has_quorum=True,
    review_panel_has_quorum=True,
    review_panel_is_different=True,
    company_summary_written=True,
    respondent_named=True,
    within_review_window=True,
    info_request_expired=True,
    merge_target_given=True,
    suspended=False,
    review_window_over=True,
    actor_chairs=frozenset(PanelKind),
    commitment_missed=True,
)
# The reason a refusal gives -> the one fact that, missing, causes it.
MISSING = {
    "reasons": {"reasons_given": False},
    "message": {"message_given": False},
    "quorum": {"panel_has_quorum": False},
    "review_quorum": {"review_panel_has_quorum": False},
    "review_panel_different": {"review_panel_is_different": False},
    "company_summary": {"company_summary_written": False},
    "respondent": {"respondent_named": False},
    "review_window": {"within_review_window": False},
    "info_not_expired": {"info_request_expired": False},
    "merge_target": {"merge_target_given": False},
    "suspended": {"suspended": True},
    "review_window_open": {"review_window_over": False},
    "not_panel_chair": {"actor_chairs": frozenset()},
    "commitment_missed": {"commitment_missed": False},
}
# What each action needs before it may be taken. An action not refused for a reason here must not be.
GUARDS: dict[Action, set[str]] = {
    A.ACKNOWLEDGE: {"suspended"},
    A.REQUEST_INFO: {"message"},
    A.ANSWER: set(),
    A.CLOSE_INCOMPLETE: {"info_not_expired", "reasons"},
    A.OPEN_ASSESSMENT: {"suspended"},
    A.ADMIT: {"not_panel_chair", "quorum", "reasons", "respondent", "company_summary", "suspended"},
    A.REJECT: {"not_panel_chair", "quorum", "reasons"},
    A.START_DIALOGUE: {"suspended"},
    A.REFER_TO_ADJUDICATION: {"reasons", "suspended"},
    A.SETTLE: {"not_panel_chair", "quorum", "reasons"},
    A.DECIDE: {"not_panel_chair", "quorum", "reasons"},
    A.REQUEST_REVIEW: {"review_window", "reasons"},
    A.CONFIRM: {"not_panel_chair", "review_quorum", "review_panel_different", "reasons"},
    A.REVISE: {"not_panel_chair", "review_quorum", "review_panel_different", "reasons"},
    A.START_MONITORING: set(),
    A.CLOSE: {"review_window_open", "reasons"},
    A.WITHDRAW: set(),
    A.MERGE: {"merge_target", "reasons"},
    A.REOPEN: {"commitment_missed", "reasons"},
    A.ESCALATE: {"commitment_missed", "reasons"},
}

# One place each action can be taken from, by whom (a row of RULES), for the guard and clock tests.
WHERE = {
    A.ACKNOWLEDGE: (S.SUBMITTED, R.SECRETARIAT),
    A.REQUEST_INFO: (S.ASSESSMENT, R.SECRETARIAT),
    A.ANSWER: (S.INFO_REQUESTED, R.COMPLAINANT),
    A.CLOSE_INCOMPLETE: (S.INFO_REQUESTED, R.SECRETARIAT),
    A.OPEN_ASSESSMENT: (S.ACKNOWLEDGED, R.SECRETARIAT),
    A.ADMIT: (S.ASSESSMENT, R.CHAIR),
    A.REJECT: (S.ASSESSMENT, R.CHAIR),
    A.START_DIALOGUE: (S.COMPANY_RESPONSE, R.SECRETARIAT),
    A.REFER_TO_ADJUDICATION: (S.DIALOGUE, R.CHAIR),
    A.SETTLE: (S.DIALOGUE, R.CHAIR),
    A.DECIDE: (S.ADJUDICATION, R.CHAIR),
    A.REQUEST_REVIEW: (S.DECIDED, R.COMPLAINANT),
    A.CONFIRM: (S.REVIEW, R.CHAIR),
    A.REVISE: (S.REVIEW, R.CHAIR),
    A.START_MONITORING: (S.DECIDED, R.SECRETARIAT),
    A.CLOSE: (S.MONITORING, R.SECRETARIAT),
    A.WITHDRAW: (S.DIALOGUE, R.COMPLAINANT),
    A.MERGE: (S.REVIEW, R.SECRETARIAT),
    A.REOPEN: (S.MONITORING, R.CHAIR),
    A.ESCALATE: (S.MONITORING, R.CHAIR),
}


def _facts(state: State, **changes) -> CaseFacts:
    return CaseFacts(state=state, **{**SATISFIED, **changes})


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


# The names of the states, actions, roles, clocks and outcomes are stored in the database and in URLs.


def test_the_names_of_states_actions_roles_clocks_and_outcomes():
    assert [state.value for state in State] == [
        "submitted", "acknowledged", "info_requested", "assessment", "inadmissible", "company_response",
        "dialogue", "adjudication", "decided", "review", "monitoring", "closed", "withdrawn", "merged",
    ]  # fmt: skip
    assert [action.value for action in Action] == [
        "acknowledge", "request_info", "answer", "close_incomplete", "open_assessment", "admit", "reject",
        "start_dialogue", "refer_to_adjudication", "settle", "decide", "request_review", "confirm", "revise",
        "start_monitoring", "close", "withdraw", "merge", "reopen", "escalate",
    ]  # fmt: skip
    assert [role.value for role in Role] == [
        "complainant", "secretariat", "chair", "member", "company", "organisation", "admin"
    ]  # fmt: skip
    assert [clock.value for clock in Clock] == [
        "acknowledge", "triage", "admissibility", "company_response", "feedback", "decision", "review_window",
        "monitoring", "info_request",
    ]  # fmt: skip
    assert [outcome.value for outcome in Outcome] == ["settled", "founded", "partly_founded", "unfounded"]


# Who may take which action from which state ---------------------------------------------------------------------

EVERY_COMBINATION = [(state, action, role) for state in State for action in Action for role in Role]


@pytest.mark.parametrize(("state", "action", "role"), EVERY_COMBINATION)
def test_every_state_action_role(state, action, role):
    if (state, action, role) in RULES:
        assert transition_for(action, state, role).target == RULES[state, action, role]
        assert check(action, _facts(state), role).target == RULES[state, action, role]
        assert action in allowed_actions(state, role)
    else:
        with pytest.raises(InvalidTransition) as refused:
            transition_for(action, state, role)
        assert refused.value.reasons == ()  # refused outright, not for a missing fact
        with pytest.raises(InvalidTransition):
            check(action, _facts(state), role)
        assert action not in allowed_actions(state, role)


@pytest.mark.parametrize(("state", "role"), [(state, role) for state in State for role in Role])
def test_allowed_actions_lists_each_possible_action_once(state, role):
    expected = [action for action in Action if (state, action, role) in RULES]
    assert sorted(allowed_actions(state, role)) == sorted(expected)


def test_final_states_allow_nothing_and_members_and_admins_take_no_action():
    for role in Role:
        for state in (S.CLOSED, S.WITHDRAWN, S.MERGED):
            assert allowed_actions(state, role) == []
    for state in State:
        assert allowed_actions(state, R.ADMIN) == []
        # A member acts only as a panel's chair (a vice-chair in the chair's seat), and only on that panel.
        assert offered_actions(state, R.MEMBER, frozenset()) == []


def test_a_panel_decision_is_signed_by_that_panel_s_chair_and_offered_to_nobody_else():
    original, review = frozenset({PanelKind.ORIGINAL}), frozenset({PanelKind.REVIEW})
    for role in (R.CHAIR, R.MEMBER):
        assert {A.ADMIT, A.REJECT} <= set(offered_actions(S.ASSESSMENT, role, original))
        assert A.CONFIRM not in offered_actions(S.REVIEW, role, original)
        assert {A.CONFIRM, A.REVISE} <= set(offered_actions(S.REVIEW, role, review))
        assert A.ADMIT not in offered_actions(S.ASSESSMENT, role, review)
    assert offered_actions(S.REVIEW, R.MEMBER, review) == [A.CONFIRM, A.REVISE]
    assert A.REFER_TO_ADJUDICATION in offered_actions(S.DIALOGUE, R.CHAIR, frozenset())  # not a panel's decision
    # The chair of the first panel cannot sign the review: refused for that reason alone.
    with pytest.raises(InvalidTransition) as refused:
        check(A.CONFIRM, _facts(S.REVIEW, actor_chairs=original), R.CHAIR)
    assert refused.value.reasons == ("not_panel_chair",)
    assert check(A.CONFIRM, _facts(S.REVIEW, actor_chairs=review), R.MEMBER).target == S.DECIDED


def test_a_refusal_says_what_why_and_for_whom():
    with pytest.raises(InvalidTransition) as refused:
        check(A.REJECT, _facts(S.ASSESSMENT, panel_has_quorum=False), R.CHAIR)
    assert str(refused.value) == "reject is not allowed from assessment for chair: quorum"
    assert (refused.value.action, refused.value.state, refused.value.role) == (A.REJECT, S.ASSESSMENT, R.CHAIR)
    assert refused.value.reasons == ("quorum",)
    with pytest.raises(InvalidTransition) as refused:
        check(A.REJECT, _facts(S.ASSESSMENT, panel_has_quorum=False, reasons_given=False), R.CHAIR)
    assert str(refused.value) == "reject is not allowed from assessment for chair: quorum, reasons"
    with pytest.raises(InvalidTransition) as refused:
        transition_for(A.ADMIT, S.SUBMITTED, R.CHAIR)
    assert str(refused.value) == "admit is not allowed from submitted for chair"
    assert refused.value.reasons == ()


# What each action needs (guards) --------------------------------------------------------------------------------

GUARD_CASES = [
    pytest.param(action, reason, id=f"{action}-{'refused' if reason in GUARDS[action] else 'allowed'}-{reason}")
    for action in Action
    for reason in MISSING
]


@pytest.mark.parametrize(("action", "reason"), GUARD_CASES)
def test_each_guard_with_exactly_one_fact_missing(action, reason):
    """E.g. "reject refused without quorum", "admit refused when suspended", "withdraw allowed when suspended"."""
    state, role = WHERE[action]
    assert RULES[state, action, role] is not None or action == A.ANSWER
    transition = transition_for(action, state, role)
    facts = _facts(state, **MISSING[reason])
    if reason in GUARDS[action]:
        assert unmet_guards(transition, facts) == (reason,)
        with pytest.raises(InvalidTransition) as refused:
            check(action, facts, role)
        assert refused.value.reasons == (reason,)
    else:
        assert unmet_guards(transition, facts) == ()
        assert check(action, facts, role).target == RULES[state, action, role]


@pytest.mark.parametrize("action", list(Action))
def test_with_nothing_given_every_guard_refuses(action):
    state, role = WHERE[action]
    transition = transition_for(action, state, role)
    nothing = CaseFacts(state=state, suspended=True)  # every other fact defaults to missing
    assert set(unmet_guards(transition, nothing)) == GUARDS[action]
    assert len(unmet_guards(transition, nothing)) == len(GUARDS[action])
    assert set(unmet_guards(transition, CaseFacts(state=state))) == GUARDS[action] - {"suspended"}
    assert unmet_guards(transition, _facts(state)) == ()


# Which clocks each action starts, stops, pauses and resumes -------------------------------------------------------

NOW = _at(5, 1)
# Every clock running, each with its own due date.
RUNNING = {
    Clock.ACKNOWLEDGE: _at(5, 5),
    Clock.TRIAGE: _at(5, 2),
    Clock.ADMISSIBILITY: _at(6, 1),
    Clock.COMPANY_RESPONSE: _at(6, 2),
    Clock.FEEDBACK: _at(6, 3),
    Clock.DECISION: _at(6, 4),
    Clock.REVIEW_WINDOW: _at(6, 5),
    Clock.MONITORING: _at(6, 6),
    Clock.INFO_REQUEST: _at(6, 7),
}
STOPPED_ALL = {clock: None for clock in Clock}
# Started on 1 May 2026 with the default settings: 7 days to acknowledge, 42 for admissibility, 28 for the company,
# 90 between messages, 42 for a decision, 30 for a review request, 182 to the first check-in, 30 for an answer.
CLOCKS: dict[Action, tuple[dict[Clock, datetime | None], str]] = {
    A.ACKNOWLEDGE: (
        {Clock.ACKNOWLEDGE: None, Clock.TRIAGE: None, Clock.ADMISSIBILITY: _at(6, 12), Clock.FEEDBACK: _at(7, 30)},
        "runs",
    ),
    A.REQUEST_INFO: ({Clock.INFO_REQUEST: _at(5, 31)}, "pauses"),
    A.ANSWER: ({Clock.INFO_REQUEST: None}, "resumes"),
    A.CLOSE_INCOMPLETE: (STOPPED_ALL, "runs"),
    A.OPEN_ASSESSMENT: ({}, "runs"),
    A.ADMIT: (
        {Clock.ADMISSIBILITY: None, Clock.COMPANY_RESPONSE: _at(5, 29), Clock.FEEDBACK: _at(7, 30)},
        "runs",
    ),
    # The feedback clock keeps running until the case is final: deciding does not stop it.
    A.REJECT: ({Clock.ADMISSIBILITY: None, Clock.REVIEW_WINDOW: _at(5, 31)}, "runs"),
    A.START_DIALOGUE: ({Clock.COMPANY_RESPONSE: None, Clock.FEEDBACK: _at(7, 30)}, "runs"),
    A.REFER_TO_ADJUDICATION: (
        {Clock.COMPANY_RESPONSE: None, Clock.DECISION: _at(6, 12), Clock.FEEDBACK: _at(7, 30)},
        "runs",
    ),
    A.SETTLE: ({Clock.DECISION: None, Clock.REVIEW_WINDOW: _at(5, 31)}, "runs"),
    A.DECIDE: ({Clock.DECISION: None, Clock.REVIEW_WINDOW: _at(5, 31)}, "runs"),
    A.REQUEST_REVIEW: (
        {Clock.REVIEW_WINDOW: None, Clock.DECISION: _at(6, 12), Clock.FEEDBACK: _at(7, 30)},
        "runs",
    ),
    A.CONFIRM: ({Clock.DECISION: None}, "runs"),
    A.REVISE: ({Clock.DECISION: None}, "runs"),
    A.START_MONITORING: ({Clock.REVIEW_WINDOW: None, Clock.MONITORING: _at(10, 30)}, "runs"),
    A.CLOSE: (STOPPED_ALL, "runs"),
    A.WITHDRAW: (STOPPED_ALL, "runs"),
    A.MERGE: (STOPPED_ALL, "runs"),
    A.REOPEN: ({Clock.MONITORING: None, Clock.FEEDBACK: _at(7, 30)}, "runs"),
    A.ESCALATE: ({Clock.MONITORING: None, Clock.DECISION: _at(6, 12), Clock.FEEDBACK: _at(7, 30)}, "runs"),
}


def _transition(action: Action):
    state, role = WHERE[action]
    return transition_for(action, state, role)


@pytest.mark.parametrize("action", list(Action))
def test_clocks_of_each_action_while_running(action):
    changes, effect = CLOCKS[action]
    due, paused_at = apply_clocks(_transition(action), RUNNING, None, NOW, ClockSettings())
    assert due == {**RUNNING, **changes}
    assert paused_at == (NOW if effect == "pauses" else None)


PAUSED_AT = _at(4, 21)  # ten days before NOW


@pytest.mark.parametrize("action", list(Action))
def test_clocks_of_each_action_while_paused(action):
    """Only the answer resumes paused clocks; a question pauses them again; nothing else touches the pause."""
    changes, effect = CLOCKS[action]
    due, paused_at = apply_clocks(_transition(action), RUNNING, PAUSED_AT, NOW, ClockSettings())
    if effect == "resumes":
        assert paused_at is None
    else:
        assert due == {**RUNNING, **changes}
        assert paused_at == (NOW if effect == "pauses" else PAUSED_AT)


def test_the_answer_gives_back_the_time_the_question_took():
    paused = {**RUNNING, Clock.MONITORING: None, Clock.INFO_REQUEST: _at(5, 21)}
    due, paused_at = apply_clocks(_transition(A.ANSWER), paused, PAUSED_AT, NOW, ClockSettings())
    assert paused_at is None
    assert due == {
        Clock.ACKNOWLEDGE: _at(5, 15),
        Clock.TRIAGE: _at(5, 12),
        Clock.ADMISSIBILITY: _at(6, 11),
        Clock.COMPANY_RESPONSE: _at(6, 12),
        Clock.FEEDBACK: _at(6, 13),
        Clock.DECISION: _at(6, 14),
        Clock.REVIEW_WINDOW: _at(6, 15),
        Clock.MONITORING: None,  # a clock that was not running stays stopped
        Clock.INFO_REQUEST: None,
    }


def test_an_answer_without_a_pause_moves_no_clock():
    due, paused_at = apply_clocks(_transition(A.ANSWER), RUNNING, None, NOW, ClockSettings())
    assert due == {**RUNNING, Clock.INFO_REQUEST: None} and paused_at is None


def test_clocks_follow_other_settings():
    settings = ClockSettings(admissibility_days=10, feedback_days=20, monitoring_first_days=5, urgent_triage_hours=1)
    due, _ = apply_clocks(_transition(A.ACKNOWLEDGE), RUNNING, None, NOW, settings)
    assert due[Clock.ADMISSIBILITY] == _at(5, 11) and due[Clock.FEEDBACK] == _at(5, 21)
    due, _ = apply_clocks(_transition(A.START_MONITORING), RUNNING, None, NOW, settings)
    assert due[Clock.MONITORING] == _at(5, 6)


def test_the_published_deadlines():
    """The defaults the procedure page prints (DESIGN §2)."""
    clocks = ClockSettings()
    assert clocks == ClockSettings(
        acknowledge_days=7,
        urgent_triage_hours=48,
        admissibility_days=42,
        company_response_days=28,
        company_extension_days=14,
        feedback_days=90,
        decision_days=42,
        review_window_days=30,
        monitoring_first_days=182,
        monitoring_second_days=365,
        info_request_days=30,
    )
    assert (clocks.company_extension_days, clocks.monitoring_second_days) == (14, 365)
    assert {clock: clocks.duration(clock) for clock in Clock} == {
        Clock.ACKNOWLEDGE: timedelta(days=7),
        Clock.TRIAGE: timedelta(hours=48),
        Clock.ADMISSIBILITY: timedelta(days=42),
        Clock.COMPANY_RESPONSE: timedelta(days=28),
        Clock.FEEDBACK: timedelta(days=90),
        Clock.DECISION: timedelta(days=42),
        Clock.REVIEW_WINDOW: timedelta(days=30),
        Clock.MONITORING: timedelta(days=182),
        Clock.INFO_REQUEST: timedelta(days=30),
    }
    assert clocks.acknowledge_due(NOW) == _at(5, 8)
    assert clocks.triage_due(NOW) == _at(5, 3)
    assert clocks.feedback_due(NOW) == _at(7, 30)


def test_clock_settings_from_configuration():
    clocks = ClockSettings.from_config({"acknowledge": 3, "review_window": 5}, urgent_triage_hours=6)
    assert clocks.acknowledge_days == 3 and clocks.review_window_days == 5 and clocks.urgent_triage_hours == 6
    assert clocks.admissibility_days == 42  # the rest keep their defaults
    assert clocks.triage_due(NOW) == NOW + timedelta(hours=6)
