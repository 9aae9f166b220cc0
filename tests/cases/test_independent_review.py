"""Independent review (issue 10, point 4), through the staff case page's forms: the review panel shares nobody
with the first, and its decision is signed by whoever sits in its chair's seat — here a vice-chair."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cases.committee import Decision, DecisionKind
from portal.cases.models import Case
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, Outcome, Role, State
from portal.extensions import db
from portal.users.models import Nomination, User
from tests.cases.conftest import _user


@pytest.fixture
def in_review(app, world):
    """The world's case settled by the first panel and under review; a vice-chair and a second industry member."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        secretariat, chair = (db.session.get(User, world.users[name]) for name in ("secretariat", "chair"))
        take_action(case, Action.START_DIALOGUE, secretariat, Role.SECRETARIAT)
        take_action(case, Action.SETTLE, chair, Role.CHAIR, given=ActionInput(reasons="Wages will be paid."))
        take_action(case, Action.REQUEST_REVIEW, secretariat, Role.SECRETARIAT, reasons="The company asks.")
        vice = _user("vice", Role.MEMBER, nomination=Nomination.CIVIL_SOCIETY, vice_chair=True)
        industry = _user("industry2", Role.MEMBER, nomination=Nomination.INDUSTRY)
        db.session.commit()
        assert case.state == State.REVIEW
        return {"vice": vice.id, "industry2": industry.id}


def _client(app, user_id: int):
    from portal.users.sessions import stamp

    client = app.test_client()
    with app.app_context(), client.session_transaction() as session:
        stamp(session, db.session.get(User, user_id))
        session["_fresh"] = True
    return client


def _seat(client, base, user_id, seat):
    return client.post(f"{base}/panel", data={"user_id": user_id, "seat": seat, "panel": "review"})


def test_a_vice_chair_chairing_the_review_panel_confirms_and_signs(app, world, in_review, client_as):
    base = f"/staff/cases/{world.reference}"
    staff = client_as("secretariat")
    for user_id, seat in [
        (in_review["vice"], "chair"),
        (in_review["industry2"], "industry"),
        (world.users["member_off_panel"], "civil_society"),
    ]:
        assert _seat(staff, base, user_id, seat).status_code == 302

    vice = _client(app, in_review["vice"])
    page = vice.get(base).get_data(as_text=True)
    assert f"{base}/actions/confirm" in page and f"{base}/actions/revise" in page

    chair = client_as("chair")  # the committee's chair, who chaired the first panel only
    page = chair.get(base).get_data(as_text=True)
    assert "/actions/confirm" not in page and "/actions/revise" not in page
    assert chair.post(f"{base}/actions/confirm", data={"confirm-reasons": "Confirmed."}).status_code == 403
    assert chair.post(f"{base}/actions/revise", data={"revise-reasons": "No."}).status_code == 403

    votes = {f"vote-{in_review['vice']}": "for", f"vote-{in_review['industry2']}": "for"}
    response = vice.post(f"{base}/actions/confirm", data={"confirm-reasons": "The settlement stands.", **votes})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        assert case.state == State.DECIDED and case.outcome == Outcome.SETTLED
        review = db.session.scalar(
            select(Decision).where(Decision.case_id == case.id, Decision.kind == DecisionKind.REVIEW)
        )
        assert review.signed_by_id == in_review["vice"]
        assert {vote.user_id for vote in review.votes} == {in_review["vice"], in_review["industry2"]}


def test_a_member_of_the_first_panel_cannot_be_seated_on_the_review_panel(app, world, in_review, client_as):
    base = f"/staff/cases/{world.reference}"
    staff = client_as("secretariat")
    response = _seat(staff, base, world.users["member_union"], "civil_society")
    assert response.status_code == 409
    assert "A review panel needs members who did not sit on the original panel." in response.get_data(as_text=True)
    response = _seat(staff, base, world.users["chair"], "chair")
    assert response.status_code == 409


def test_the_committee_chair_is_not_offered_the_review_without_its_chair_seat(app, world, in_review, client_as):
    """Even with nobody in the review panel's chair seat, the committee's chair is not offered to sign it."""
    base = f"/staff/cases/{world.reference}"
    chair = client_as("chair")
    assert "/actions/confirm" not in chair.get(base).get_data(as_text=True)
    assert chair.post(f"{base}/actions/confirm", data={"confirm-reasons": "Confirmed."}).status_code == 403
