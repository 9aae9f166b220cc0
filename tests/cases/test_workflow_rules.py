"""Guards and clocks of the pure workflow, state by state, with plain objects."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.cases.workflow import (
    TRANSITIONS,
    Action,
    CaseFacts,
    Clock,
    ClockSettings,
    InvalidTransition,
    PanelKind,
    Role,
    State,
    apply_clocks,
    check,
    unmet_guards,
)

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
SETTINGS = ClockSettings()
EVERYTHING = dict(
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
    review_window_over=True,
    actor_chairs=frozenset(PanelKind),
    commitment_missed=True,
)


def facts(state: State, **overrides) -> CaseFacts:
    return CaseFacts(state=state, **{**EVERYTHING, **overrides})


@pytest.mark.parametrize("action", list(Action))
def test_each_guard_blocks_on_its_own(action):
    transition = TRANSITIONS[action]
    state = sorted(transition.sources)[0]
    role = sorted(transition.roles)[0]
    assert check(action, facts(state), role) is transition
    for attribute in EVERYTHING:
        missing = facts(state, **{attribute: frozenset() if attribute == "actor_chairs" else False})
        if unmet_guards(transition, missing):
            with pytest.raises(InvalidTransition) as refused:
                check(action, missing, role)
            assert refused.value.reasons


@pytest.mark.parametrize(
    ("action", "missing", "reason"),
    [
        (Action.ADMIT, "panel_has_quorum", "quorum"),
        (Action.ADMIT, "reasons_given", "reasons"),
        (Action.ADMIT, "company_summary_written", "company_summary"),
        (Action.REJECT, "reasons_given", "reasons"),
        (Action.DECIDE, "panel_has_quorum", "quorum"),
        (Action.CONFIRM, "review_panel_is_different", "review_panel_different"),
        (Action.REQUEST_REVIEW, "within_review_window", "review_window"),
        (Action.REQUEST_INFO, "message_given", "message"),
        (Action.CLOSE_INCOMPLETE, "info_request_expired", "info_not_expired"),
        (Action.MERGE, "merge_target_given", "merge_target"),
        (Action.CLOSE, "review_window_over", "review_window_open"),
        (Action.REOPEN, "commitment_missed", "commitment_missed"),
        (Action.ESCALATE, "commitment_missed", "commitment_missed"),
    ],
)
def test_named_guards(action, missing, reason):
    transition = TRANSITIONS[action]
    state = sorted(transition.sources)[0]
    assert reason in unmet_guards(transition, facts(state, **{missing: False}))


def test_suspended_case_cannot_move_forward():
    with pytest.raises(InvalidTransition) as refused:
        check(Action.ACKNOWLEDGE, facts(State.SUBMITTED, suspended=True), Role.SECRETARIAT)
    assert refused.value.reasons == ("suspended",)


def test_admins_take_no_workflow_action_and_members_only_as_a_panel_s_chair():
    for transition in TRANSITIONS.values():
        assert Role.ADMIN not in transition.roles
        if Role.MEMBER in transition.roles:
            assert transition.panel is not None
            missing = facts(sorted(transition.sources)[0], actor_chairs=frozenset())
            assert "not_panel_chair" in unmet_guards(transition, missing)


def _due(**clocks):
    base = {clock: None for clock in Clock}
    base.update({Clock(name): at for name, at in clocks.items()})
    return base


def test_acknowledge_stops_acknowledge_and_starts_admissibility():
    due, paused = apply_clocks(TRANSITIONS[Action.ACKNOWLEDGE], _due(acknowledge=NOW, triage=NOW), None, NOW, SETTINGS)
    assert due[Clock.ACKNOWLEDGE] is None and due[Clock.TRIAGE] is None
    assert due[Clock.ADMISSIBILITY] == NOW + timedelta(days=42)
    assert due[Clock.FEEDBACK] == NOW + timedelta(days=90)
    assert paused is None


def test_question_pauses_and_answer_resumes_with_the_time_left():
    admissibility_due = NOW + timedelta(days=20)
    due, paused = apply_clocks(
        TRANSITIONS[Action.REQUEST_INFO], _due(admissibility=admissibility_due), None, NOW, SETTINGS
    )
    assert paused == NOW and due[Clock.INFO_REQUEST] == NOW + timedelta(days=30)
    later = NOW + timedelta(days=10)
    due, paused = apply_clocks(TRANSITIONS[Action.ANSWER], due, paused, later, SETTINGS)
    assert paused is None
    assert due[Clock.ADMISSIBILITY] == admissibility_due + timedelta(days=10)  # 20 days were left, still are
    assert due[Clock.INFO_REQUEST] is None


def test_admit_starts_company_clock_and_decisions_start_review_window():
    due, _ = apply_clocks(TRANSITIONS[Action.ADMIT], _due(admissibility=NOW), None, NOW, SETTINGS)
    assert due[Clock.COMPANY_RESPONSE] == NOW + timedelta(days=28) and due[Clock.ADMISSIBILITY] is None
    due, _ = apply_clocks(TRANSITIONS[Action.SETTLE], due, None, NOW, SETTINGS)
    assert due[Clock.REVIEW_WINDOW] == NOW + timedelta(days=30)
    due, _ = apply_clocks(TRANSITIONS[Action.START_MONITORING], due, None, NOW, SETTINGS)
    assert due[Clock.MONITORING] == NOW + timedelta(days=182) and due[Clock.REVIEW_WINDOW] is None


@pytest.mark.parametrize("action", [Action.CLOSE, Action.WITHDRAW, Action.MERGE, Action.CLOSE_INCOMPLETE])
def test_ending_a_case_stops_every_clock(action):
    running = _due(**{clock.value: NOW for clock in Clock})
    due, _ = apply_clocks(TRANSITIONS[action], running, None, NOW, SETTINGS)
    assert all(at is None for at in due.values())


def test_answer_returns_to_the_state_before_the_question():
    assert TRANSITIONS[Action.ANSWER].target is None  # operations restore state_before_question
