"""Emails leave after the commit, in the recipient's language, and never carry what a complainant wrote."""

from __future__ import annotations

import logging
from email.header import decode_header, make_header
from email.utils import parseaddr
from pathlib import Path

from flask_babel import force_locale, gettext

from portal.cases.committee import PanelKind, PanelSeat, Recusal, SeatKind
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, State
from portal.core import signals
from portal.core.roles import Role
from portal.extensions import db
from portal.notifications import receivers
from portal.notifications.mail import OUTBOX_DIRECTORY, pending_mails, queue_mail
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import Nomination
from tests.conftest import VALID_GRIEVANCE
from tests.notifications.conftest import COMPLAINANT, body_of

UPDATE_SUBJECT = "An update is waiting for you"
UPDATE_TEXT = "There is an update on your grievance. Open the portal and enter your receipt to read it."


def _sender(mail) -> tuple[str, str]:
    """The From header decoded as RFC 2047 says (adjacent encoded words join without a space), as mail clients do;
    Python's own parser puts a space where a long name was folded."""
    raw = dict(mail.raw_items())["From"]
    return parseaddr(str(make_header(decode_header(raw))))


def _acknowledge(app, reference, staff_user, case_by_reference, user_by_id, commit=True):
    with app.app_context():
        take_action(
            case_by_reference(reference), Action.ACKNOWLEDGE, actor=user_by_id(staff_user), role=Role.SECRETARIAT
        )
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def test_complainant_gets_one_mail_in_their_language_without_case_content(
    app, smtp, file_grievance, make_user, case_by_reference, user_by_id
):
    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(locale="en", preferred_language="fr", **COMPLAINANT)
    assert reference and smtp.messages == []  # filing itself tells nobody (not urgent)

    _acknowledge(app, reference, officer, case_by_reference, user_by_id)

    mails = smtp.to(COMPLAINANT["email"])
    assert len(mails) == 1
    with app.test_request_context(), force_locale("fr"):
        expected_subject = gettext(UPDATE_SUBJECT)
        expected_text = gettext(UPDATE_TEXT)
    assert mails[0]["Subject"] == expected_subject
    body = body_of(mails[0])
    assert expected_text in body
    assert f"{app.config['PORTAL_BASE_URL']}/fr/follow-up" in body
    for secret in (VALID_GRIEVANCE["description"], "cobalt", COMPLAINANT["name"], "Amani", reference):
        assert secret not in body and secret not in mails[0]["Subject"]
    # The sender's name is in their language too; the address is the configured one.
    assert _sender(mails[0]) == (
        "Portail des plaintes de la convention",
        parseaddr(app.config["MAIL_DEFAULT_SENDER"])[1],
    )
    assert smtp.recipients == [COMPLAINANT["email"]]  # and nobody else


def test_state_change_and_message_in_one_transaction_send_one_mail(
    app, smtp, file_grievance, make_user, case_by_reference, user_by_id
):
    from portal.cases.casework import send_message

    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(**COMPLAINANT)
    with app.app_context():
        case, actor = case_by_reference(reference), user_by_id(officer)
        take_action(case, Action.ACKNOWLEDGE, actor=actor, role=Role.SECRETARIAT)
        send_message(case, actor, "We have read your grievance and will write again soon.")
        db.session.commit()
    assert len(smtp.to(COMPLAINANT["email"])) == 1


def test_message_to_complainant_alone_sends_the_update(
    app, smtp, file_grievance, make_user, case_by_reference, user_by_id
):
    from portal.cases.casework import send_message

    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(**COMPLAINANT)
    with app.app_context():
        send_message(case_by_reference(reference), user_by_id(officer), "A question about the night shifts.")
        db.session.commit()
    (mail,) = smtp.to(COMPLAINANT["email"])
    assert "night shifts" not in body_of(mail) and UPDATE_TEXT in body_of(mail)


def test_anonymous_complainant_gets_nothing(app, smtp, file_grievance, make_user, case_by_reference, user_by_id):
    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance()  # anonymous by default
    _acknowledge(app, reference, officer, case_by_reference, user_by_id)
    assert smtp.messages == []


def test_named_complainant_without_email_gets_nothing(
    app, smtp, file_grievance, make_user, case_by_reference, user_by_id
):
    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(anonymous="no", name="Amani Kabila", phone="+243 81 000 0000")
    _acknowledge(app, reference, officer, case_by_reference, user_by_id)
    assert smtp.messages == []


def test_rolled_back_transaction_sends_nothing(app, smtp, file_grievance, make_user, case_by_reference, user_by_id):
    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(**COMPLAINANT)
    _acknowledge(app, reference, officer, case_by_reference, user_by_id, commit=False)
    with app.app_context():
        assert pending_mails(db.session) == []
        db.session.commit()  # a later commit must not send what was rolled back
        assert case_by_reference(reference).state == State.SUBMITTED
    assert smtp.messages == []


def test_mail_queued_inside_a_rolled_back_savepoint_is_forgotten(app, smtp):
    with app.app_context():
        queue_mail(db.session, "kept@example.org", "Kept", "Kept body")
        savepoint = db.session.begin_nested()
        queue_mail(db.session, "dropped@example.org", "Dropped", "Dropped body")
        savepoint.rollback()
        inner = db.session.begin_nested()
        queue_mail(db.session, "released@example.org", "Released", "Released body")
        inner.commit()  # releasing a savepoint sends nothing yet
        assert smtp.messages == []
        db.session.commit()
    assert sorted(smtp.recipients) == ["kept@example.org", "released@example.org"]


def test_a_refused_address_does_not_hold_back_the_others(app, smtp, caplog):
    with app.app_context(), caplog.at_level(logging.ERROR, logger="portal.notifications.mail"):
        queue_mail(db.session, "someone@refused.example", "First", "First body")
        queue_mail(db.session, "officer@example.org", "Second", "Second body")
        db.session.commit()
    assert smtp.recipients == ["officer@example.org"]
    assert "refused.example" in caplog.text and "someone@" not in caplog.text


def test_a_failing_mail_server_does_not_break_the_committed_request(
    app, file_grievance, make_user, case_by_reference, user_by_id, caplog
):
    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(**COMPLAINANT)
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    try:
        with caplog.at_level(logging.ERROR, logger="portal.notifications.mail"):
            _acknowledge(app, reference, officer, case_by_reference, user_by_id)
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
    with app.app_context():
        assert case_by_reference(reference).state == State.ACKNOWLEDGED
    assert "Could not send" in caplog.text and COMPLAINANT["email"] not in caplog.text


def test_urgent_case_tells_the_secretariat_in_their_language(app, smtp, file_grievance, make_user):
    french = make_user("secretariat", locale="fr")
    english = make_user("secretariat")
    inactive = make_user("secretariat", active=False)
    chair = make_user("chair")
    _, reference, _receipt = file_grievance(children_involved="y")
    assert sorted(smtp.recipients) == sorted([french.email, english.email])
    assert inactive.email not in smtp.recipients and chair.email not in smtp.recipients
    (mail,) = smtp.to(french.email)
    with app.test_request_context(), force_locale("fr"):
        assert mail["Subject"] == gettext("Urgent grievance %(reference)s", reference=reference)
    assert _sender(mail)[0] == "Portail des plaintes de la convention"
    assert _sender(smtp.to(english.email)[0])[0] == "Covenant grievance portal"
    body = body_of(mail)
    assert f"{app.config['PORTAL_BASE_URL']}/staff/cases/{reference}" in body
    assert VALID_GRIEVANCE["description"] not in body


def test_ordinary_case_tells_nobody_on_filing(smtp, file_grievance, make_user):
    make_user("secretariat")
    file_grievance()
    assert smtp.messages == []


def _reply(client, open_case, receipt, text):
    open_case(receipt)
    return client.post("/en/follow-up/case", data={"message": text})


def test_complainant_reply_tells_the_assigned_officer_only(
    app, client, smtp, file_grievance, open_case, make_user, case_by_reference
):
    officer = make_user("secretariat")
    colleague = make_user("secretariat")
    _, reference, receipt = file_grievance(**COMPLAINANT)
    with app.app_context():
        case_by_reference(reference).assigned_officer_id = officer.id
        db.session.commit()

    response = _reply(client, open_case, receipt, "The night shift started again yesterday.")

    assert response.status_code == 302
    assert smtp.recipients == [officer.email]
    assert colleague.email not in smtp.recipients
    body = body_of(smtp.messages[0])
    assert reference in body and "night shift" not in body and COMPLAINANT["name"] not in body


def test_complainant_reply_without_officer_skips_the_recused(
    app, client, smtp, file_grievance, open_case, make_user, case_by_reference
):
    free = make_user("secretariat")
    recused = make_user("secretariat")
    _, reference, receipt = file_grievance()
    with app.app_context():
        db.session.add(Recusal(case_id=case_by_reference(reference).id, user_id=recused.id, reason="conflict"))
        db.session.commit()

    _reply(client, open_case, receipt, "The night shift started again yesterday.")

    assert smtp.recipients == [free.email]


def test_recused_officer_is_replaced_by_the_secretariat(
    app, client, smtp, file_grievance, open_case, make_user, case_by_reference
):
    officer = make_user("secretariat")
    colleague = make_user("secretariat")
    _, reference, receipt = file_grievance()
    with app.app_context():
        case = case_by_reference(reference)
        case.assigned_officer_id = officer.id
        db.session.add(Recusal(case_id=case.id, user_id=officer.id, reason="conflict"))
        db.session.commit()

    _reply(client, open_case, receipt, "The night shift started again yesterday.")

    assert smtp.recipients == [colleague.email]


def _admissible_case(app, reference, case_by_reference, make_user):
    """A case in assessment with a respondent, a summary and a full panel; returns (chair, company, liaison)."""
    chair = make_user("chair")
    industry = make_user("member", nomination=Nomination.INDUSTRY)
    civil = make_user("member", nomination=Nomination.CIVIL_SOCIETY)
    with app.app_context():
        company = Organisation(name="Depot Mining Company", kind=OrganisationKind.COMPANY)
        other = Organisation(name="Another Smelter", kind=OrganisationKind.COMPANY)
        db.session.add_all([company, other])
        db.session.flush()
        company_id, other_id = company.id, other.id
        case = case_by_reference(reference)
        case.state = State.ASSESSMENT
        case.respondent_organisation_id = company_id
        case.company_summary = "A redacted summary for the company."
        for user, seat in ((chair, SeatKind.CHAIR), (industry, SeatKind.INDUSTRY), (civil, SeatKind.CIVIL_SOCIETY)):
            db.session.add(PanelSeat(case_id=case.id, user_id=user.id, seat=seat, panel=PanelKind.ORIGINAL))
        db.session.commit()
    liaison = make_user("company", organisation_id=company_id, locale="fr")
    inactive_liaison = make_user("company", organisation_id=company_id, active=False)
    stranger = make_user("company", organisation_id=other_id)
    return chair, liaison, (inactive_liaison, stranger)


def test_admission_tells_the_company_liaisons_and_the_complainant(
    app, smtp, file_grievance, make_user, case_by_reference, user_by_id
):
    _, reference, _receipt = file_grievance(**COMPLAINANT)
    chair, liaison, _others = _admissible_case(app, reference, case_by_reference, make_user)
    with app.app_context():
        take_action(
            case_by_reference(reference),
            Action.ADMIT,
            actor=user_by_id(chair),
            role=Role.CHAIR,
            given=ActionInput(reasons="Covered by the covenant."),
        )
        db.session.commit()

    assert sorted(smtp.recipients) == sorted([liaison.email, COMPLAINANT["email"]])
    (mail,) = smtp.to(liaison.email)
    with app.test_request_context(), force_locale("fr"):
        assert mail["Subject"] == gettext("A grievance concerning your company was admitted")
    body = body_of(mail)
    assert f"{app.config['PORTAL_BASE_URL']}/company/" in body
    assert "/staff/" not in body and COMPLAINANT["name"] not in body and "cobalt" not in body


def test_company_response_tells_the_officer(app, smtp, file_grievance, make_user, case_by_reference, user_by_id):
    from portal.cases.casework import company_respond

    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance()
    with app.app_context():
        company = Organisation(name="Depot Mining Company", kind=OrganisationKind.COMPANY)
        db.session.add(company)
        db.session.flush()
        case = case_by_reference(reference)
        case.state, case.respondent_organisation_id, case.assigned_officer_id = (
            State.COMPANY_RESPONSE,
            company.id,
            officer.id,
        )
        db.session.commit()
        company_id = company.id
    liaison = make_user("company", organisation_id=company_id)
    with app.app_context():
        company_respond(case_by_reference(reference), user_by_id(liaison), "We have investigated the depot.", [])
        db.session.commit()
    assert smtp.recipients == [officer.email]
    assert "investigated" not in body_of(smtp.messages[0])


def test_connect_twice_does_not_duplicate(app, smtp, file_grievance, make_user):
    receivers.connect()
    receivers.connect()
    assert list(signals.case_submitted.receivers_for(object())).count(receivers.on_case_submitted) == 1
    secretary = make_user("secretariat")
    file_grievance(children_involved="y")
    assert smtp.recipients == [secretary.email]


def test_without_a_mail_server_mails_land_in_the_outbox(
    app, file_grievance, make_user, case_by_reference, user_by_id, caplog
):
    assert not app.config["MAIL_SERVER"]
    outbox = Path(app.config["INSTANCE_PATH"]) / OUTBOX_DIRECTORY
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    officer = make_user("secretariat")
    _, reference, _receipt = file_grievance(**COMPLAINANT)
    with caplog.at_level(logging.INFO, logger="portal.notifications.mail"):
        _acknowledge(app, reference, officer, case_by_reference, user_by_id)

    (written,) = set(outbox.glob("*.eml")) - before
    text = written.read_text()
    assert f"To: {COMPLAINANT['email']}" in text and "cobalt" not in text
    assert "example.net" in caplog.text
    assert COMPLAINANT["email"] not in caplog.text and UPDATE_TEXT not in caplog.text


def test_the_sender_name_is_in_arabic_for_an_arabic_reader(app, smtp, make_user, file_grievance):
    arabic = make_user("secretariat", locale="ar")
    file_grievance(children_involved="y")
    (mail,) = smtp.to(arabic.email)
    with app.test_request_context(), force_locale("ar"):
        expected = gettext("Covenant grievance portal")
    assert expected != "Covenant grievance portal"
    assert _sender(mail) == (expected, parseaddr(app.config["MAIL_DEFAULT_SENDER"])[1])
