"""`flask portal deadlines`: one reminder before a deadline, one escalation after it, never twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.cases.committee import Recusal
from portal.cases.workflow import Clock, State
from portal.core.db import utcnow
from portal.extensions import db
from portal.notifications.deadlines import ESCALATION, REMINDER, send_deadline_notices
from portal.notifications.models import ReminderSent
from portal.organisations.models import Organisation, OrganisationKind
from tests.conftest import VALID_GRIEVANCE
from tests.notifications.conftest import body_of


def _set_clock(app, reference, case_by_reference, clock: Clock, due_in: timedelta, **changes):
    """Move one of the case's clocks to ``now + due_in`` (keeping next_due_at right), and set other columns."""
    with app.app_context():
        case = case_by_reference(reference)
        for name, value in changes.items():
            setattr(case, name, value)
        due = case.due()
        due[clock] = utcnow() + due_in
        case.set_due(due)
        db.session.commit()


def _run(app):
    result = app.test_cli_runner().invoke(args=["portal", "deadlines"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _recorded(app, kind=None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(ReminderSent)
        if kind:
            query = query.where(ReminderSent.kind == kind)
        return db.session.scalar(query)


def test_overdue_acknowledgement_escalates_to_the_chair_once(app, smtp, file_grievance, make_user, case_by_reference):
    chair = make_user("chair")
    secretary = make_user("secretariat")
    inactive_chair = make_user("chair", active=False)
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(hours=-2))

    assert _run(app) == "reminders: 0, escalations: 1"
    assert smtp.recipients == [chair.email]
    assert secretary.email not in smtp.recipients and inactive_chair.email not in smtp.recipients
    body = body_of(smtp.messages[0])
    assert reference in body and "Acknowledge receipt" in body
    assert f"{app.config['PORTAL_BASE_URL']}/staff/cases/{reference}" in body
    assert VALID_GRIEVANCE["description"] not in body

    assert _run(app) == "reminders: 0, escalations: 0"
    assert len(smtp.messages) == 1
    assert _recorded(app, ESCALATION) == 1


def test_deadline_within_three_days_reminds_the_secretariat(app, smtp, file_grievance, make_user, case_by_reference):
    first = make_user("secretariat")
    second = make_user("secretariat", locale="fr")
    chair = make_user("chair")
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(days=2))

    assert _run(app) == "reminders: 1, escalations: 0"
    assert sorted(smtp.recipients) == sorted([first.email, second.email])
    assert chair.email not in smtp.recipients
    assert _run(app) == "reminders: 0, escalations: 0"
    assert len(smtp.messages) == 2


def test_reminder_goes_to_the_assigned_officer_only(app, smtp, file_grievance, make_user, case_by_reference):
    officer = make_user("secretariat")
    make_user("secretariat")
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(days=1), assigned_officer_id=officer.id)
    assert _run(app) == "reminders: 1, escalations: 0"
    assert smtp.recipients == [officer.email]


def test_deadline_further_away_sends_nothing(app, smtp, file_grievance, make_user):
    make_user("secretariat")
    make_user("chair")
    file_grievance()  # acknowledge in 7 days, feedback in 90
    assert _run(app) == "reminders: 0, escalations: 0"
    assert smtp.messages == []


def test_reminder_then_escalation_for_the_same_deadline(app, smtp, file_grievance, make_user, case_by_reference):
    secretary = make_user("secretariat")
    chair = make_user("chair")
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(days=1))
    with app.app_context():
        due_at = case_by_reference(reference).acknowledge_due_at
        assert send_deadline_notices().reminders == 1
        db.session.commit()
        later = send_deadline_notices(now=due_at + timedelta(minutes=1))
        db.session.commit()
    assert (later.reminders, later.escalations) == (0, 1)
    assert smtp.recipients == [secretary.email, chair.email]


def test_paused_and_suspended_cases_are_skipped(app, smtp, file_grievance, make_user, case_by_reference):
    make_user("secretariat")
    make_user("chair")
    _, paused, _receipt = file_grievance()
    _, suspended, _receipt = file_grievance()
    _, closed, _receipt = file_grievance()
    _set_clock(app, paused, case_by_reference, Clock.ACKNOWLEDGE, timedelta(days=-1))
    _set_clock(app, suspended, case_by_reference, Clock.ACKNOWLEDGE, timedelta(days=-1))
    _set_clock(app, closed, case_by_reference, Clock.ACKNOWLEDGE, timedelta(days=-1))
    with app.app_context():
        # Set behind the operations' back, as a crash between two writes might: the command must still skip them.
        case_by_reference(paused).paused_at = utcnow()
        case_by_reference(suspended).suspended = True
        case_by_reference(closed).state = State.WITHDRAWN
        db.session.commit()
    assert _run(app) == "reminders: 0, escalations: 0"
    assert smtp.messages == []


def test_recused_chair_is_not_told(app, smtp, file_grievance, make_user, case_by_reference):
    free = make_user("chair")
    recused = make_user("chair")
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(hours=-1))
    with app.app_context():
        db.session.add(Recusal(case_id=case_by_reference(reference).id, user_id=recused.id, reason="conflict"))
        db.session.commit()
    assert _run(app) == "reminders: 0, escalations: 1"
    assert smtp.recipients == [free.email]


def test_nobody_to_tell_is_tried_again_next_run(app, smtp, file_grievance, make_user, case_by_reference):
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(hours=-1))
    assert _run(app) == "reminders: 0, escalations: 0"  # no chair yet
    assert _recorded(app) == 0
    chair = make_user("chair")
    assert _run(app) == "reminders: 0, escalations: 1"
    assert smtp.recipients == [chair.email]


def test_company_response_reminder_also_tells_the_liaisons(app, smtp, file_grievance, make_user, case_by_reference):
    officer = make_user("secretariat")
    with app.app_context():
        company = Organisation(name="Depot Mining Company", kind=OrganisationKind.COMPANY)
        db.session.add(company)
        db.session.commit()
        company_id = company.id
    liaison = make_user("company", organisation_id=company_id)
    _, reference, _receipt = file_grievance()
    with app.app_context():
        case = case_by_reference(reference)
        case.set_due({clock: None for clock in Clock})
        db.session.commit()
    _set_clock(
        app,
        reference,
        case_by_reference,
        Clock.COMPANY_RESPONSE,
        timedelta(days=3) - timedelta(minutes=5),
        state=State.COMPANY_RESPONSE,
        respondent_organisation_id=company_id,
        assigned_officer_id=officer.id,
    )

    assert _run(app) == "reminders: 1, escalations: 0"
    assert sorted(smtp.recipients) == sorted([officer.email, liaison.email])
    liaison_body = body_of(smtp.to(liaison.email)[0])
    assert f"{app.config['PORTAL_BASE_URL']}/company/" in liaison_body and "/staff/" not in liaison_body
    assert _recorded(app, REMINDER) == 1


def test_many_cases_in_batches(app, smtp, file_grievance, make_user, case_by_reference, monkeypatch):
    from portal.notifications import deadlines

    monkeypatch.setattr(deadlines, "BATCH_SIZE", 2)
    chair = make_user("chair")
    references = [file_grievance()[1] for _ in range(5)]
    for reference in references:
        _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(hours=-1))
    assert _run(app) == "reminders: 0, escalations: 5"
    assert smtp.recipients == [chair.email] * 5
    told = [reference for message in smtp.messages for reference in references if reference in body_of(message)]
    assert sorted(told) == sorted(references)


def test_without_a_mail_server_the_command_writes_the_outbox(app, file_grievance, make_user, case_by_reference):
    from pathlib import Path

    from portal.notifications.mail import OUTBOX_DIRECTORY

    chair = make_user("chair")
    outbox = Path(app.config["INSTANCE_PATH"]) / OUTBOX_DIRECTORY
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    _, reference, _receipt = file_grievance()
    _set_clock(app, reference, case_by_reference, Clock.ACKNOWLEDGE, timedelta(hours=-1))
    assert _run(app) == "reminders: 0, escalations: 1"
    (written,) = set(outbox.glob("*.eml")) - before
    assert f"To: {chair.email}" in written.read_text()
