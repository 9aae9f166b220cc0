"""Monitoring with commitments, through the staff and follow-up pages as people use them (issue #10, point 5).

A settlement records what is owed, by whom, how much and by when (instalments as rows); each check-in marks each
commitment due; a missed one lets the chair reopen the dialogue or escalate to adjudication, telling the complainant;
the feedback clock keeps running while the case is open; the complainant can be asked and can answer in monitoring.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.commitments import Commitment, CommitmentCheck, to_minor_units
from portal.cases.committee import Decision, DecisionKind
from portal.cases.models import Case
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, Outcome, State
from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User

COMPENSATION = "Compensation for the night shifts worked by the children"
TODAY = date.today()
FIRST_DUE, SECOND_DUE = TODAY - timedelta(days=60), TODAY - timedelta(days=1)
INTERNAL_NOTE = "Bank slip for the first payment seen by the officer on site"


def _case(reference: str) -> Case:
    db.session.expire_all()
    return db.session.scalar(select(Case).where(Case.reference == reference))


@pytest.fixture
def settled(app, world):
    """The world's case settled in dialogue by the chair with a quorate panel: decided, review window open."""
    with app.app_context():
        case = _case(world.reference)
        secretariat, chair = (db.session.get_one(User, world.users[name]) for name in ("secretariat", "chair"))
        take_action(case, Action.START_DIALOGUE, secretariat, Role.SECRETARIAT)
        take_action(case, Action.SETTLE, chair, Role.CHAIR, given=ActionInput(reasons="The company will pay."))
        db.session.commit()
    return world


def _commitment_form(**changes) -> dict:
    form = {
        "what": COMPENSATION,
        "owed_by": "respondent",
        "other_party": "",
        "currency": "usd",
        "instalments-0-due_on": FIRST_DUE.isoformat(),
        "instalments-0-amount": "600",
        "instalments-1-due_on": SECOND_DUE.isoformat(),
        "instalments-1-amount": "600.50",
    }
    return {**form, **changes}


def _monitor_with_instalments(app, world, client_as) -> tuple[int, int]:
    staff = client_as("secretariat")
    base = f"/staff/cases/{world.reference}"
    assert staff.post(f"{base}/commitments", data=_commitment_form()).status_code == 302
    assert staff.post(f"{base}/actions/start_monitoring").status_code == 302
    with app.app_context():
        first, second = Commitment.of_case(_case(world.reference).id)
        return first.id, second.id


def _check_in(client, reference: str, **findings) -> int:
    return client.post(
        f"/staff/cases/{reference}/monitoring", data={"note": "Visited the site.", **findings}
    ).status_code


def test_a_settlement_records_its_commitments_in_two_instalments(app, settled, client_as):
    staff = client_as("secretariat")
    base = f"/staff/cases/{settled.reference}"
    # Refused with the reason shown, nothing typed lost: a comma in the amount, an amount without currency, another
    # party without a name, no due date at all.
    for wrong in (
        {"instalments-0-amount": "1,200"},
        {"currency": ""},
        {"currency": "XYZ"},
        {"owed_by": "other", "other_party": ""},
        {
            "instalments-0-due_on": "",
            "instalments-1-due_on": "",
            "instalments-0-amount": "",
            "instalments-1-amount": "",
        },
        {"instalments-1-due_on": "1 June"},
    ):
        response = staff.post(f"{base}/commitments", data=_commitment_form(**wrong))
        assert response.status_code == 400, wrong
        assert str(escape(COMPENSATION)) in response.get_data(as_text=True)
    with app.app_context():
        assert Commitment.of_case(_case(settled.reference).id) == []

    assert staff.post(f"{base}/commitments", data=_commitment_form()).status_code == 302
    other = _commitment_form(
        what="Reinstate the dismissed union delegate", owed_by="other", other_party="Kolwezi Contractors SARL",
        currency="", **{"instalments-0-amount": "", "instalments-1-due_on": "", "instalments-1-amount": ""},
    )  # fmt: skip
    assert staff.post(f"{base}/commitments", data=other).status_code == 302
    with app.app_context():
        case = _case(settled.reference)
        first, reinstate, second = Commitment.of_case(case.id)
        assert (first.instalment, first.instalments, first.due_on) == (1, 2, FIRST_DUE)
        assert (second.instalment, second.instalments, second.due_on) == (2, 2, SECOND_DUE)
        assert (first.amount_minor, first.currency, second.amount_minor) == (60000, "USD", 60050)
        assert first.owed_by_respondent and first.what == COMPENSATION
        assert COMPENSATION.encode() not in first.what_encrypted  # encrypted at rest
        assert (reinstate.instalment, reinstate.amount_minor, reinstate.currency) == (None, None, None)
        assert not reinstate.owed_by_respondent and reinstate.owed_by == "Kolwezi Contractors SARL"
        settlement = db.session.scalar(
            select(Decision).where(Decision.case_id == case.id, Decision.outcome.is_not(None))
        )
        assert first.decision_id == settlement.id
        audit = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "commitments-changed").order_by(AuditEntry.id)
        ).all()
        assert len(audit) == 2 and json.loads(audit[0].data)["commitment_ids"] == [first.id, second.id]
        assert COMPENSATION not in audit[0].data

    page = staff.get(base).get_data(as_text=True)
    assert "instalment 1 of 2" in page and "instalment 2 of 2" in page
    assert "$600.00" in page and "$600.50" in page and "Kolwezi Contractors SARL" in page
    # A committee member reads the case but records nothing.
    assert client_as("member_panel").post(f"{base}/commitments", data=_commitment_form()).status_code == 403


def test_commitments_are_recorded_only_once_the_case_is_decided(app, world, client_as):
    response = client_as("chair").post(f"/staff/cases/{world.reference}/commitments", data=_commitment_form())
    assert response.status_code == 409
    assert "Commitments are recorded once the case is decided" in response.get_data(as_text=True)


def test_a_commitment_is_removed_only_until_a_check_in_looked_at_it(app, settled, client_as):
    first, second = _monitor_with_instalments(app, settled, client_as)
    staff = client_as("secretariat")
    base = f"/staff/cases/{settled.reference}"
    assert staff.post(f"{base}/commitments/{second}/remove").status_code == 302
    assert _check_in(staff, settled.reference, **{f"status-{first}": "met"}) == 302
    assert staff.post(f"{base}/commitments/{first}/remove").status_code == 302  # refused, with a flash
    assert staff.post(f"{base}/commitments/99999/remove").status_code == 404
    with app.app_context():
        assert [c.id for c in Commitment.of_case(_case(settled.reference).id)] == [first]


def test_a_check_in_marks_each_commitment_and_the_complainant_reads_it(app, settled, client_as, client, open_case):
    first, second = _monitor_with_instalments(app, settled, client_as)
    staff = client_as("secretariat")
    with app.app_context():
        monitoring_due = _case(settled.reference).monitoring_due_at
    # Every commitment due must be marked.
    assert _check_in(staff, settled.reference, **{f"status-{first}": "met"}) == 409
    assert _check_in(staff, settled.reference, **{f"status-{first}": "met", f"status-{second}": "late"}) == 409
    marks = {f"status-{first}": "met", f"note-{first}": INTERNAL_NOTE, f"status-{second}": "missed"}
    assert _check_in(staff, settled.reference, **marks) == 302
    with app.app_context():
        case = _case(settled.reference)
        assert case.monitoring_checks_done == 1
        assert case.monitoring_due_at - monitoring_due == timedelta(days=365 - 182)  # the second check-in's date
        one, two = Commitment.of_case(case.id)
        assert (one.status, two.status) == ("met", "missed") and one.latest.note == INTERNAL_NOTE
        assert INTERNAL_NOTE.encode() not in one.latest.note_encrypted
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "monitoring-checked"))
        assert json.loads(audit.data)["checks"] == {str(first): "met", str(second): "missed"}
    page = staff.get(f"/staff/cases/{settled.reference}").get_data(as_text=True)
    assert "Missed" in page and INTERNAL_NOTE in page

    # The complainant reads what was promised, the amounts and the status in plain words, never the notes.
    assert open_case(settled.receipt).status_code == 302
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert "What was promised to you" in html and str(escape(COMPENSATION)) in html
    assert "Part 1 of 2" in html and "$600.00" in html and "$600.50" in html
    assert "<strong>Done</strong>" in html and "<strong>Not done</strong>" in html
    assert INTERNAL_NOTE not in html and "Visited the site." not in html
    french = client.get("/fr/follow-up/case").get_data(as_text=True)
    assert "<strong>Fait</strong>" in french and "<strong>Pas fait</strong>" in french


@pytest.mark.parametrize(
    ("action", "state", "clocks"),
    [("reopen", State.DIALOGUE, ("feedback",)), ("escalate", State.ADJUDICATION, ("feedback", "decision"))],
)
def test_a_missed_commitment_lets_the_chair_reopen_or_escalate(
    app, settled, client_as, client, open_case, action, state, clocks
):
    first, second = _monitor_with_instalments(app, settled, client_as)
    chair, staff = client_as("chair"), client_as("secretariat")
    base = f"/staff/cases/{settled.reference}"
    reasons = {f"{action}-reasons": "The second instalment was not paid."}
    with_translation = {**reasons, f"{action}-reasons_translation": "La deuxième tranche n'a pas été payée."}
    # Nothing missed yet: refused, with the reason on the page.
    assert _check_in(staff, settled.reference, **{f"status-{first}": "met", f"status-{second}": "partly_met"}) == 302
    response = chair.post(f"{base}/actions/{action}", data=with_translation)
    assert response.status_code == 409
    assert "No check-in has recorded a commitment as missed." in response.get_data(as_text=True)
    # Missed at the next check-in: still refused without reasons, and never for the secretariat.
    assert _check_in(staff, settled.reference, **{f"status-{first}": "met", f"status-{second}": "missed"}) == 302
    response = chair.post(f"{base}/actions/{action}", data={f"{action}-reasons": ""})
    assert response.status_code == 409 and "Reasons are required." in response.get_data(as_text=True)
    assert staff.post(f"{base}/actions/{action}", data=with_translation).status_code == 403
    assert chair.post(f"{base}/actions/{action}", data=with_translation).status_code == 302
    with app.app_context():
        case = _case(settled.reference)
        assert case.state == state and case.outcome is None and case.monitoring_due_at is None
        assert case.monitoring_checks_done == 0
        for clock in clocks:
            assert getattr(case, f"{clock}_due_at") > utcnow() + timedelta(days=40)
        outcomes = db.session.scalars(
            select(Decision.outcome).where(Decision.case_id == case.id, Decision.kind == DecisionKind.OUTCOME)
        ).all()
        assert outcomes == [Outcome.SETTLED]  # the earlier decision stays on file
    # The complainant is told, in their language.
    open_case(settled.receipt)
    html = client.get("/fr/follow-up/case").get_data(as_text=True)
    assert str(escape("La deuxième tranche n'a pas été payée.")) in html


def test_the_feedback_clock_runs_until_the_case_is_final(app, settled, client_as):
    staff = client_as("secretariat")
    base = f"/staff/cases/{settled.reference}"
    with app.app_context():
        decided = _case(settled.reference)
        assert decided.state == State.DECIDED and decided.feedback_due_at is not None
        decided.feedback_due_at = utcnow() + timedelta(days=3)  # almost due
        decided.set_due(decided.due())
        db.session.commit()
    assert staff.post(f"{base}/actions/start_monitoring").status_code == 302
    with app.app_context():
        monitoring = _case(settled.reference)
        assert monitoring.feedback_due_at < utcnow() + timedelta(days=4)  # still running, not stopped
        assert monitoring.next_due_at == monitoring.feedback_due_at
    assert staff.post(f"{base}/message", data={"text": "The first payment is due soon."}).status_code == 302
    with app.app_context():
        assert _case(settled.reference).feedback_due_at > utcnow() + timedelta(days=89)
    assert staff.post(f"{base}/actions/close", data={"close-reasons": "Remedy delivered."}).status_code == 302
    with app.app_context():
        assert _case(settled.reference).feedback_due_at is None


def test_a_message_restarts_a_feedback_clock_stopped_by_an_earlier_decision(app, settled, client_as):
    """Cases decided before the clock kept running have none; the next message starts it again."""
    with app.app_context():
        case = _case(settled.reference)
        case.feedback_due_at = None
        case.set_due(case.due())
        db.session.commit()
    staff = client_as("secretariat")
    assert staff.post(f"/staff/cases/{settled.reference}/message", data={"text": "News."}).status_code == 302
    with app.app_context():
        assert _case(settled.reference).feedback_due_at is not None


@pytest.mark.parametrize("monitor", [False, True], ids=["decided", "monitoring"])
def test_a_question_asked_and_answered_after_the_decision(app, settled, client_as, client, open_case, monitor):
    staff = client_as("secretariat")
    base = f"/staff/cases/{settled.reference}"
    if monitor:
        assert staff.post(f"{base}/actions/start_monitoring").status_code == 302
    expected = State.MONITORING if monitor else State.DECIDED
    question = "Did you receive the first payment in person?"
    assert staff.post(f"{base}/actions/request_info", data={"request_info-message": question}).status_code == 302
    with app.app_context():
        asked = _case(settled.reference)
        assert asked.state == State.INFO_REQUESTED and asked.state_before_question == expected
        assert asked.paused_at is not None
    open_case(settled.receipt)
    assert question in client.get("/en/follow-up/case").get_data(as_text=True)
    assert client.post("/en/follow-up/case", data={"message": "Yes, on Monday."}).status_code == 302
    with app.app_context():
        answered = _case(settled.reference)
        assert answered.state == expected and answered.paused_at is None and answered.feedback_due_at is not None
        assert (answered.monitoring_due_at is not None) == monitor


def test_amounts_are_whole_minor_units_of_the_currency():
    assert to_minor_units("1200", "USD") == 120000
    assert to_minor_units("600.5", "USD") == 60050
    assert to_minor_units("1200", "JPY") == 1200
    assert to_minor_units("0.001", "KWD") == 1  # three decimals
    for wrong in ("1,200", "12,50", "0", "-5", "1e3", "600.001", "abc", ""):
        assert to_minor_units(wrong, "USD") is None, wrong
    assert to_minor_units("1.5", "JPY") is None


def test_check_in_rows_keep_their_status_in_the_database(app, settled, client_as):
    """The CHECK constraint: a status outside met / partly met / missed is refused by the database itself."""
    first, _ = _monitor_with_instalments(app, settled, client_as)
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(CommitmentCheck(commitment_id=first, status="late", checked_by_id=settled.users["chair"]))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
