"""The complainant asks for a review on the follow-up page, with their receipt: within the window only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.cases.committee import Decision, DecisionKind
from portal.cases.models import Case, CaseEntry, EntryKind
from portal.cases.workflow import Outcome, State
from portal.core.db import utcnow
from portal.extensions import db

REASONS = "The panel did not read the payslips I sent."


@pytest.fixture
def decided_case(app, client, file_grievance, open_case, make_user):
    """A grievance decided by the committee, opened with its receipt; ``window`` sets when its review window ends."""
    chair = make_user("chair", nomination="independent")

    def make(window: timedelta, state: State = State.DECIDED) -> str:
        _, reference, receipt = file_grievance()
        with app.app_context():
            case = db.session.scalar(select(Case).where(Case.reference == reference))
            case.state = state
            case.outcome = Outcome.UNFOUNDED if state == State.DECIDED else None
            case.review_window_due_at = utcnow() + window
            decision = Decision(
                case_id=case.id,
                kind=DecisionKind.OUTCOME if state == State.DECIDED else DecisionKind.ADMISSIBILITY,
                admissible=False if state == State.INADMISSIBLE else None,
                outcome=case.outcome,
                signed_by_id=chair.id,
            )
            decision.reasons = "The evidence does not show the company's part."
            db.session.add(decision)
            db.session.commit()
        assert open_case(receipt).status_code == 302
        return reference

    return make


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def _review_entries(app, reference: str) -> list[CaseEntry]:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return list(
            db.session.scalars(
                select(CaseEntry).where(
                    CaseEntry.case_id == case.id,
                    CaseEntry.kind == EntryKind.STATE_CHANGE,
                    CaseEntry.new_state == State.REVIEW,
                )
            )
        )


@pytest.mark.parametrize("state", [State.DECIDED, State.INADMISSIBLE])
def test_a_review_request_within_the_window_is_accepted(app, client, decided_case, state):
    reference = decided_case(timedelta(days=3), state)
    page = client.get("/en/follow-up/case").get_data(as_text=True)
    assert 'action="/en/follow-up/review"' in page  # the form is offered
    response = client.post("/en/follow-up/review", data={"reasons": REASONS})
    assert response.status_code == 302 and response.headers["Location"] == "/en/follow-up/case"
    assert "Your request for a review was sent." in client.get("/en/follow-up/case").get_data(as_text=True)
    case = _case(app, reference)
    assert case.state == State.REVIEW and case.review_window_due_at is None
    with app.app_context():
        assert [entry.body for entry in _review_entries(app, reference)] == [REASONS]


def test_a_review_request_after_the_window_is_refused(app, client, decided_case):
    reference = decided_case(-timedelta(seconds=1))
    assert 'action="/en/follow-up/review"' not in client.get("/en/follow-up/case").get_data(as_text=True)
    response = client.post("/en/follow-up/review", data={"reasons": REASONS})
    assert response.status_code == 302 and response.headers["Location"] == "/en/follow-up/case"
    assert _case(app, reference).state == State.DECIDED
    assert _review_entries(app, reference) == []


def test_a_review_request_before_any_decision_is_refused(app, client, decided_case):
    reference = decided_case(timedelta(days=3), State.DIALOGUE)
    assert client.post("/en/follow-up/review", data={"reasons": REASONS}).status_code == 302
    assert _case(app, reference).state == State.DIALOGUE


def test_a_review_request_without_reasons_is_sent_back(app, client, decided_case):
    reference = decided_case(timedelta(days=3))
    response = client.post("/en/follow-up/review", data={"reasons": ""})
    assert response.status_code == 400
    assert _case(app, reference).state == State.DECIDED


def test_a_review_request_without_a_receipt_session_opens_nothing(app, client, decided_case):
    reference = decided_case(timedelta(days=3))
    client.post("/en/follow-up/leave")
    response = client.post("/en/follow-up/review", data={"reasons": REASONS})
    assert response.status_code == 302 and response.headers["Location"] == "/en/follow-up"
    assert _case(app, reference).state == State.DECIDED


@pytest.mark.parametrize("state", [State.DECIDED, State.INADMISSIBLE])
def test_after_the_window_the_page_says_when_the_time_to_ask_for_a_review_ended(app, client, decided_case, state):
    reference = decided_case(-timedelta(days=2), state)
    ended = _case(app, reference).review_window_due_at
    with app.test_request_context():
        from flask_babel import format_date

        date = format_date(ended, "long")
    page = client.get("/en/follow-up/case").get_data(as_text=True)
    assert f"The time to ask for a review of this decision ended on {date}." in page
    assert 'action="/en/follow-up/review"' not in page


def test_within_the_window_the_page_offers_the_form_not_the_end(app, client, decided_case):
    decided_case(timedelta(days=3), State.INADMISSIBLE)
    page = client.get("/en/follow-up/case").get_data(as_text=True)
    assert 'action="/en/follow-up/review"' in page and "The time to ask for a review" not in page


def test_an_inadmissible_case_is_closed_only_after_its_review_window(app, client, decided_case, make_user, login_as):
    """Closing inside the window would silently take the review form away from the complainant."""
    reference = decided_case(timedelta(days=3), State.INADMISSIBLE)
    staff = login_as(app.test_client(), make_user("secretariat"))
    close = {"close-reasons": "Nothing more to do."}
    response = staff.post(f"/staff/cases/{reference}/actions/close", data=close)
    assert response.status_code == 409
    assert "The complainant and the company can still ask for a review" in response.get_data(as_text=True)
    assert _case(app, reference).state == State.INADMISSIBLE
    assert 'action="/en/follow-up/review"' in client.get("/en/follow-up/case").get_data(as_text=True)

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.review_window_due_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert staff.post(f"/staff/cases/{reference}/actions/close", data=close).status_code == 302
    assert _case(app, reference).state == State.CLOSED
