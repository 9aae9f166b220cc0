"""The pure state machine: no Flask, no database."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.cases.workflow import (
    FINAL_STATES,
    OPEN_STATES,
    Action,
    ClockSettings,
    InvalidTransition,
    Role,
    State,
    transition_for,
)


def test_withdraw_is_possible_from_every_open_state_and_no_final_one():
    for state in OPEN_STATES:
        assert transition_for(Action.WITHDRAW, state, Role.COMPLAINANT).target == State.WITHDRAWN
    for state in FINAL_STATES:
        with pytest.raises(InvalidTransition):
            transition_for(Action.WITHDRAW, state, Role.COMPLAINANT)


def test_clocks_follow_the_settings():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clocks = ClockSettings.from_config({"acknowledge": 10, "feedback": 60}, urgent_triage_hours=24)
    assert clocks.acknowledge_due(start) == start + timedelta(days=10)
    assert clocks.triage_due(start) == start + timedelta(hours=24)
    assert clocks.feedback_due(start) == start + timedelta(days=60)
    assert ClockSettings().acknowledge_days == 7 and ClockSettings().urgent_triage_hours == 48
