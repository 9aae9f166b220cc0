"""The company's side of a case (issue 15 §9): liaisons and the secretariat exchange messages that the complainant
never reads; during monitoring a liaison reports progress on each commitment; the page's wording fits the stage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.access import COMPANY_VISIBLE_STATES
from portal.cases.company_side import ProgressReport
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.operations import ActionInput, take_action
from portal.cases.remedy import Instalment, add_commitments
from portal.cases.workflow import Action, State
from portal.company.stage import EMPTY_TEXTS, STAGE_TEXTS, empty_text, stage_text
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User

LIAISON_MESSAGE = "Our auditor will visit the Kolwezi depot on Tuesday; can the secretariat join?"
STAFF_MESSAGE = "Yes, the case officer will join; please bring the shift registers."
PAID = "The first instalment was paid to the families on 3 March; bank slip 20931."


def _case(reference: str) -> Case:
    db.session.expire_all()
    return db.session.scalar(select(Case).where(Case.reference == reference))


@pytest.fixture
def monitored(app, world):
    """The world's case settled with two commitments owed by the company and one by a contractor, now monitored."""
    with app.app_context():
        case = _case(world.reference)
        secretariat, chair = (db.session.get_one(User, world.users[name]) for name in ("secretariat", "chair"))
        take_action(case, Action.START_DIALOGUE, secretariat, Role.SECRETARIAT)
        take_action(case, Action.SETTLE, chair, Role.CHAIR, given=ActionInput(reasons="The company will pay."))
        due = date.today() + timedelta(days=30)
        pay = add_commitments(
            case, secretariat, "Compensation for the night shifts", [Instalment(due, 60_000)], currency="USD"
        )
        school = add_commitments(case, secretariat, "School fees for the children", [Instalment(due)])
        other = add_commitments(case, secretariat, "Road repair", [Instalment(due)], owed_by="The district council")
        take_action(case, Action.START_MONITORING, secretariat, Role.SECRETARIAT)
        db.session.commit()
        return {"pay": pay[0].id, "school": school[0].id, "other": other[0].id}


def test_a_liaison_message_reaches_staff_and_never_the_complainant(app, world, client_as, client, open_case):
    liaison = client_as("liaison")
    response = liaison.post(f"/company/cases/{world.reference}/messages", data={"message": LIAISON_MESSAGE})
    assert response.status_code == 302 and response.headers["Location"].endswith("#messages")
    with app.app_context():
        entry = db.session.scalars(select(CaseEntry).order_by(CaseEntry.id.desc())).first()
        assert (entry.kind, entry.visibility, entry.author_id) == (
            EntryKind.FROM_COMPANY, Visibility.COMPANY, world.users["liaison"],
        )  # fmt: skip
        audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert audit.action == "company-responded" and '"entry_kind":"from_company"' in audit.data
        assert "Kolwezi" not in audit.data
    staff_page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert LIAISON_MESSAGE in staff_page and "From the company" in staff_page
    assert LIAISON_MESSAGE in liaison.get(f"/company/cases/{world.reference}").get_data(as_text=True)
    open_case(world.receipt)
    assert LIAISON_MESSAGE not in client.get("/en/follow-up/case").get_data(as_text=True)
    # A liaison of another company neither reads nor writes on this case.
    other = client_as("liaison_other")
    assert other.get(f"/company/cases/{world.reference}").status_code == 404
    assert other.post(f"/company/cases/{world.reference}/messages", data={"message": "x"}).status_code == 404


def test_an_empty_liaison_message_is_refused_with_the_reason(world, client_as):
    response = client_as("liaison").post(f"/company/cases/{world.reference}/messages", data={"message": "  "})
    assert response.status_code == 400 and "Please fill in this field." in response.get_data(as_text=True)


def test_the_secretariat_answers_the_company_and_the_complainant_never_reads_it(
    app, world, client_as, client, open_case
):
    staff = client_as("secretariat")
    response = staff.post(f"/staff/cases/{world.reference}/company-message", data={"company-text": STAFF_MESSAGE})
    assert response.status_code == 302
    company_page = client_as("liaison").get(f"/company/cases/{world.reference}").get_data(as_text=True)
    assert STAFF_MESSAGE in company_page and "From the secretariat" in company_page
    assert STAFF_MESSAGE not in client_as("liaison_other").get("/company/").get_data(as_text=True)
    open_case(world.receipt)
    assert STAFF_MESSAGE not in client.get("/en/follow-up/case").get_data(as_text=True)
    with app.app_context():
        audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert audit.action == "message-to-company" and "shift registers" not in audit.data
    # Only case staff who may manage the case write to the company; an empty message is refused.
    assert (
        client_as("member_panel")
        .post(f"/staff/cases/{world.reference}/company-message", data={"company-text": "x"})
        .status_code
        == 403
    )
    empty = staff.post(f"/staff/cases/{world.reference}/company-message", data={"company-text": ""})
    assert empty.status_code == 400


def test_progress_is_reported_per_commitment_and_read_by_staff(app, world, client_as, monitored):
    liaison = client_as("liaison")
    page = liaison.get(f"/company/cases/{world.reference}").get_data(as_text=True)
    assert "Report your progress on each commitment below." in page
    assert "You have not responded yet." not in page
    assert "Compensation for the night shifts" in page and "School fees for the children" in page
    assert "Road repair" not in page  # owed by another party: not the company's to report
    url = f"/company/cases/{world.reference}/commitments/{monitored['pay']}/progress"
    response = liaison.post(url, data={f"progress-{monitored['pay']}-progress": PAID})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#commitment-{monitored['pay']}")
    with app.app_context():
        reports = db.session.scalars(select(ProgressReport)).all()
        assert [(r.commitment_id, r.body, r.author_id) for r in reports] == [
            (monitored["pay"], PAID, world.users["liaison"])
        ]
        raw = db.session.execute(select(ProgressReport.body_encrypted)).scalar_one()
        assert b"bank slip" not in bytes(raw)
        audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert audit.action == "remedy-progress-reported"
        assert f'"commitment_id":{monitored["pay"]}' in audit.data and "bank" not in audit.data
    staff_page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    section = staff_page[staff_page.index('id="company-side"') :]
    assert f'id="progress-{monitored["pay"]}"' in section and PAID in section
    assert f'id="progress-{monitored["school"]}"' not in section  # nothing reported on that one
    assert PAID in liaison.get(f"/company/cases/{world.reference}").get_data(as_text=True)


def test_progress_on_someone_elses_commitment_is_not_found(world, client_as, monitored):
    liaison = client_as("liaison")
    for commitment_id in (monitored["other"], 999_999):
        url = f"/company/cases/{world.reference}/commitments/{commitment_id}/progress"
        assert liaison.post(url, data={f"progress-{commitment_id}-progress": PAID}).status_code == 404
    url = f"/company/cases/{world.reference}/commitments/{monitored['pay']}/progress"
    assert client_as("liaison_other").post(url, data={f"progress-{monitored['pay']}-progress": PAID}).status_code == 404
    empty = liaison.post(url, data={f"progress-{monitored['pay']}-progress": ""})
    assert empty.status_code == 400 and "Please fill in this field." in empty.get_data(as_text=True)


def test_no_progress_report_before_monitoring(world, client_as):
    url = f"/company/cases/{world.reference}/commitments/1/progress"
    assert client_as("liaison").post(url, data={"progress-1-progress": PAID}).status_code == 403


def test_the_company_page_wording_follows_the_stage(app, world, client_as):
    page = client_as("liaison").get(f"/company/cases/{world.reference}").get_data(as_text=True)
    # The world's company already responded once.
    assert "You have responded. You may add to your response until the deadline." in page


@pytest.mark.parametrize("state", sorted(COMPANY_VISIBLE_STATES))
def test_every_stage_the_company_sees_has_its_own_words(app, state):
    with app.test_request_context():
        before, after = stage_text(state, responded=False), stage_text(state, responded=True)
        assert before and after
        others = {stage_text(other, responded=False) for other in COMPANY_VISIBLE_STATES if other != state}
        assert before not in others
        if state == State.COMPANY_RESPONSE:
            assert before != after and empty_text(state) == "You have not responded yet."
        else:
            assert before == after and empty_text(state) == "No messages yet."
            assert "responded" not in before


def test_every_company_stage_is_worded():
    assert set(STAGE_TEXTS) == set(COMPANY_VISIBLE_STATES) and set(EMPTY_TEXTS) <= set(COMPANY_VISIBLE_STATES)


def test_stage_words_are_translated(app):
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            english = stage_text(State.MONITORING, responded=True)
        with force_locale("sw"):
            assert stage_text(State.MONITORING, responded=True) not in ("", english)


def test_the_liaisons_are_told_by_mail_of_a_message_from_the_secretariat(app, world, client_as, smtp_server):
    response = client_as("secretariat").post(
        f"/staff/cases/{world.reference}/company-message", data={"company-text": STAFF_MESSAGE}
    )
    assert response.status_code == 302
    assert smtp_server.recipients == ["liaison@world.test"]  # not the other company, not the complainant
    message = smtp_server.to("liaison@world.test")[0]
    body = message.get_content()
    assert world.reference in message["Subject"] and f"{app.config['PORTAL_BASE_URL']}/company/" in body
    assert "shift registers" not in body  # the words stay on the portal
