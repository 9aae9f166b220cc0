"""Workflow operations on the database: quorum, suspension and the review window, with literal dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from portal.cases.committee import PanelKind, PanelSeat, Recusal, SeatKind
from portal.cases.operations import ActionInput, has_quorum, set_suspended, take_action
from portal.cases.workflow import Action, InvalidTransition, Outcome, Role, State
from portal.extensions import db
from portal.intake.operations import request_review
from portal.users.models import Affiliation, Nomination

SEATED = {SeatKind.CHAIR: "chair", SeatKind.INDUSTRY: "member_panel", SeatKind.CIVIL_SOCIETY: "member_union"}


def _at(month: int, day: int, hour: int = 12, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, 0, second, tzinfo=UTC)


# Quorum ----------------------------------------------------------------------------------------------------------


def test_the_seated_panel_has_quorum_and_an_empty_review_panel_has_none(case):
    assert has_quorum(case, PanelKind.ORIGINAL) is True
    assert has_quorum(case, PanelKind.REVIEW) is False


@pytest.mark.parametrize("seat", list(SeatKind))
def test_no_quorum_with_a_seat_empty(case, seat):
    db.session.execute(delete(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.seat == seat))
    assert has_quorum(case, PanelKind.ORIGINAL) is False


@pytest.mark.parametrize("seat", list(SeatKind))
def test_no_quorum_with_a_recorded_recusal_on_a_seat(case, person, seat):
    db.session.add(Recusal(case_id=case.id, user_id=person(SEATED[seat]).id, reason="declared"))
    db.session.flush()
    assert has_quorum(case, PanelKind.ORIGINAL) is False


@pytest.mark.parametrize("seat", list(SeatKind))
def test_no_quorum_when_a_seated_member_is_tied_to_the_company(case, person, world, seat):
    """A tie declared after seating, not yet recorded as a recusal, still breaks the quorum."""
    member = person(SEATED[seat])
    member.affiliations.append(Affiliation(organisation_id=world.organisations["century"]))
    db.session.flush()
    assert has_quorum(case, PanelKind.ORIGINAL) is False


@pytest.mark.parametrize("seat", list(SeatKind))
def test_no_quorum_with_an_inactive_member_on_a_seat(case, person, seat):
    person(SEATED[seat]).active = False
    db.session.flush()
    assert has_quorum(case, PanelKind.ORIGINAL) is False


def test_no_quorum_when_the_chair_seat_is_held_by_someone_who_may_not_chair(case, person):
    chair = person("chair")
    chair.role = "member"  # a former chair, now an ordinary member
    db.session.flush()
    assert has_quorum(case, PanelKind.ORIGINAL) is False
    chair.vice_chair = True
    assert has_quorum(case, PanelKind.ORIGINAL) is True


@pytest.mark.parametrize(("seat", "nomination"), [("member_panel", "civil_society"), ("member_union", "industry")])
def test_no_quorum_when_a_seat_is_held_by_the_wrong_side(case, person, seat, nomination):
    person(seat).nomination = Nomination(nomination)
    db.session.flush()
    assert has_quorum(case, PanelKind.ORIGINAL) is False


def test_without_quorum_the_chair_cannot_reject(case, person):
    case.state = State.ASSESSMENT
    db.session.execute(delete(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.seat == SeatKind.INDUSTRY))
    with pytest.raises(InvalidTransition) as refused:
        take_action(case, Action.REJECT, person("chair"), Role.CHAIR, reasons="Out of scope.")
    assert refused.value.reasons == ("quorum",)
    assert case.state == State.ASSESSMENT


# Suspension ------------------------------------------------------------------------------------------------------


def test_suspending_stops_the_clocks_and_resuming_keeps_the_time_left(case, person, frozen_time):
    chair = person("chair")
    case.company_response_due_at = _at(5, 29)
    case.feedback_due_at = _at(7, 30)
    frozen_time.now = _at(5, 1)
    set_suspended(case, True, chair)
    assert case.suspended is True and case.paused_at == _at(5, 1)
    assert case.next_due_at is None  # nothing is overdue while suspended
    frozen_time.now = _at(5, 11)
    set_suspended(case, False, chair)
    assert case.suspended is False and case.paused_at is None
    assert case.company_response_due_at == _at(6, 8)  # 28 days were left, 28 days are left
    assert case.feedback_due_at == _at(8, 9)
    assert case.admissibility_due_at is None  # a stopped clock stays stopped
    assert case.next_due_at == _at(6, 8)


def test_a_suspended_case_cannot_move_forward(case, person, frozen_time):
    set_suspended(case, True, person("chair"))
    with pytest.raises(InvalidTransition) as refused:
        take_action(case, Action.START_DIALOGUE, person("secretariat"), Role.SECRETARIAT)
    assert refused.value.reasons == ("suspended",)


def test_suspending_twice_or_resuming_a_running_case_changes_nothing(case, person, frozen_time):
    chair = person("chair")
    case.company_response_due_at = _at(5, 29)
    frozen_time.now = _at(5, 1)
    set_suspended(case, False, chair)
    assert case.paused_at is None and case.company_response_due_at == _at(5, 29)
    set_suspended(case, True, chair)
    frozen_time.now = _at(5, 5)
    set_suspended(case, True, chair)
    assert case.paused_at == _at(5, 1)


def test_a_closed_case_is_never_suspended(case, person):
    case.state = State.CLOSED
    set_suspended(case, True, person("chair"))
    assert case.suspended is False and case.paused_at is None


def test_a_case_waiting_for_an_answer_stays_paused_after_the_suspension(case, person, frozen_time):
    """The question paused the clocks; lifting a suspension does not restart them before the answer comes."""
    officer, chair = person("secretariat"), person("chair")
    case.company_response_due_at = _at(5, 29)
    case.feedback_due_at = _at(7, 30)
    frozen_time.now = _at(5, 1)
    take_action(case, Action.REQUEST_INFO, officer, Role.SECRETARIAT, given=ActionInput(message="Since when?"))
    assert case.state == State.INFO_REQUESTED and case.paused_at == _at(5, 1)
    assert case.info_request_due_at == _at(5, 31)
    frozen_time.now = _at(5, 3)
    set_suspended(case, True, chair)
    frozen_time.now = _at(5, 6)
    set_suspended(case, False, chair)
    assert case.suspended is False and case.paused_at == _at(5, 1)
    assert case.company_response_due_at == _at(5, 29) and case.feedback_due_at == _at(7, 30)
    assert case.next_due_at is None
    frozen_time.now = _at(5, 11)
    take_action(case, Action.ANSWER, None, Role.COMPLAINANT, reasons="Since March.")
    assert case.state == State.COMPANY_RESPONSE and case.paused_at is None
    assert case.company_response_due_at == _at(6, 8) and case.feedback_due_at == _at(8, 9)
    assert case.info_request_due_at is None


# The review window -----------------------------------------------------------------------------------------------


@pytest.fixture
def decided(case, person, frozen_time):
    """The world's case decided on 1 May 2026 at noon: the review window closes on 31 May at noon."""
    chair = person("chair")
    frozen_time.now = _at(5, 1)
    take_action(case, Action.REFER_TO_ADJUDICATION, chair, Role.CHAIR, reasons="No agreement in sight.")
    take_action(case, Action.DECIDE, chair, Role.CHAIR, given=ActionInput(reasons="Founded.", outcome=Outcome.FOUNDED))
    assert case.state == State.DECIDED and case.review_window_due_at == _at(5, 31)
    return case


def test_a_review_request_on_the_last_moment_of_the_window_is_accepted(decided, frozen_time):
    frozen_time.now = _at(5, 31)
    request_review(decided, "The panel ignored the payslips.", "en")
    assert decided.state == State.REVIEW
    assert decided.review_window_due_at is None
    assert decided.decision_due_at == _at(7, 12) and decided.feedback_due_at == _at(8, 29)


def test_a_review_request_after_the_window_is_refused(decided, frozen_time):
    frozen_time.now = _at(5, 31, second=1)
    with pytest.raises(InvalidTransition) as refused:
        request_review(decided, "The panel ignored the payslips.", "en")
    assert refused.value.reasons == ("review_window",)
    assert decided.state == State.DECIDED and decided.review_window_due_at == _at(5, 31)


def test_a_review_request_needs_reasons(decided, frozen_time):
    frozen_time.now = _at(5, 2)
    with pytest.raises(InvalidTransition) as refused:
        request_review(decided, "   ", "en")
    assert refused.value.reasons == ("reasons",)


def test_the_company_may_ask_for_a_review_within_the_window(decided, person, frozen_time):
    frozen_time.now = _at(5, 30)
    take_action(decided, Action.REQUEST_REVIEW, person("liaison"), Role.COMPANY, reasons="Facts were wrong.")
    assert decided.state == State.REVIEW


def test_the_window_ends_thirty_days_after_the_decision(decided):
    assert decided.review_window_due_at - _at(5, 1) == timedelta(days=30)
