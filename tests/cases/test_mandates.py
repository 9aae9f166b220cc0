"""Representation and mandates, through the HTML forms: a representative says whom they represent and gives a
mandate; case staff verify it or ask for more; the representative reads the request in their language and adds a
document; a company never sees the mandate."""

from __future__ import annotations

import json

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.labels import MANDATE_FOR_COMPLAINANT
from portal.cases.models import Attachment, Case, CaseEntry, MandateStatus
from portal.cases.operations import take_action
from portal.cases.workflow import Action
from portal.core.roles import Role
from portal.extensions import db
from portal.intake.models import DraftFile
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import User
from tests.samples import PDF_BYTES, upload
from tests.stores import stored_keys

KASULO = {
    "filer_type": "ngo",
    "people_represented": "40",
    "households_represented": "12",
    "community": "Kasulo community",
}
# The request for more, written by the officer in the representative's language, and the officer's working copy.
REQUESTS = [
    ("sw", "Tafadhali tuma orodha iliyosainiwa na familia zote kumi na mbili.", "Please send the list signed by all."),
    ("fr", "Merci d'envoyer la liste signée par les douze familles.", "Please send the list signed by all."),
]


@pytest.fixture
def officer(app, make_user, login_as):
    staff = app.test_client()
    login_as(staff, make_user("secretariat"))
    return staff


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def _mandates(app, reference: str) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Attachment.id, Attachment.purpose)
            .join(CaseEntry)
            .join(Case, CaseEntry.case_id == Case.id)
            .where(Case.reference == reference)
            .order_by(Attachment.id)
        )
        return [(row.id, row.purpose) for row in rows]


def _words(app, locale: str, status: MandateStatus) -> str:
    with app.test_request_context(), force_locale(locale):
        return str(escape(str(MANDATE_FOR_COMPLAINANT[status])))


def test_an_ngo_files_for_a_community_with_a_pdf_mandate_and_staff_see_it(app, file_grievance, officer):
    response, reference, _ = file_grievance(
        locale="sw", files=[upload(PDF_BYTES, "photo-of-site.pdf")], mandate=upload(PDF_BYTES, "mandate.pdf"), **KASULO
    )
    assert response.status_code == 200 and reference
    case = _case(app, reference)
    assert case.mandate_status == "provided"
    assert (case.people_represented, case.households_represented) == (40, 12)
    with app.app_context():
        assert b"Kasulo" not in db.session.get(Case, case.id).community_encrypted  # encrypted at rest
    [(evidence_id, evidence), (mandate_id, mandate)] = sorted(_mandates(app, reference), key=lambda r: r[1])
    assert (evidence, mandate) == ("evidence", "mandate")

    officer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    section = page[page.index('id="representation"') : page.index('id="timeline"')]
    assert "40 people" in section and "12 households" in section
    assert "Kasulo community" in section
    assert "Given, not yet verified" in section
    assert f"/staff/cases/{reference}/attachments/{mandate_id}" in section
    assert f"/attachments/{evidence_id}" not in section  # evidence is not a mandate
    download = officer.get(f"/staff/cases/{reference}/attachments/{mandate_id}")
    assert download.status_code == 200 and download.data == PDF_BYTES


def test_secretariat_verifies_the_mandate_and_the_audit_trail_records_it(app, file_grievance, officer):
    _, reference, _ = file_grievance(mandate=upload(PDF_BYTES, "mandate.pdf"), **KASULO)
    response = officer.post(f"/staff/cases/{reference}/mandate/verify")
    assert response.status_code == 302 and response.headers["Location"].endswith("#representation")
    case = _case(app, reference)
    assert case.mandate_status == "verified"
    page = officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Mark the mandate verified" not in page and ">Verified<" in page
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mandate-status-changed")).all()
        facts = json.loads(entry.data)
        assert (facts["old_status"], facts["status"], facts["case_id"]) == ("provided", "verified", case.id)
        assert entry.actor_id is not None
    again = officer.post(f"/staff/cases/{reference}/mandate/verify")
    assert again.status_code == 409
    assert "The mandate has already been verified." in again.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "request_text", "working"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_asking_for_more_reaches_the_representative_in_their_language_and_a_new_document_answers_it(
    app, client, file_grievance, open_case, officer, locale, request_text, working
):
    _, reference, receipt = file_grievance(
        locale=locale, mandate_consent="Tulikutana tarehe 3 Mei; wafanyakazi 40 walikubali.", **KASULO
    )
    assert _case(app, reference).mandate_status == "provided"
    before = _case(app, reference).feedback_due_at

    empty = officer.post(f"/staff/cases/{reference}/mandate/request", data={"text": " "})
    assert empty.status_code == 400 and _case(app, reference).mandate_status == "provided"
    data = {"text": request_text, "translation": working}
    assert officer.post(f"/staff/cases/{reference}/mandate/request", data=data).status_code == 302
    case = _case(app, reference)
    assert case.mandate_status == "more_requested"
    assert case.feedback_due_at > before  # a message to the complainant restarts the feedback clock

    assert open_case(receipt, locale).status_code == 302
    page = client.get(f"/{locale}/follow-up/case").get_data(as_text=True)
    assert str(escape(request_text)) in page and str(escape(working)) not in page
    assert _words(app, locale, MandateStatus.MORE_REQUESTED) in page
    assert 'name="mandate"' in page

    reply = {"message": "Orodha imeambatishwa.", "mandate": upload(PDF_BYTES, "orodha.pdf")}
    response = client.post(f"/{locale}/follow-up/case", data=reply, content_type="multipart/form-data")
    assert response.status_code == 302
    assert _case(app, reference).mandate_status == "provided"
    assert [purpose for _, purpose in _mandates(app, reference)] == ["mandate"]
    page = client.get(f"/{locale}/follow-up/case").get_data(as_text=True)
    assert _words(app, locale, MandateStatus.PROVIDED) in page


def test_a_verified_mandate_stays_verified_when_another_document_is_added(
    app, client, file_grievance, open_case, officer
):
    _, reference, receipt = file_grievance(mandate_consent="By a show of hands.", **KASULO)
    officer.post(f"/staff/cases/{reference}/mandate/verify")
    open_case(receipt)
    reply = {"message": "The signed list, too.", "mandate": upload(PDF_BYTES, "list.pdf")}
    assert client.post("/en/follow-up/case", data=reply, content_type="multipart/form-data").status_code == 302
    assert _case(app, reference).mandate_status == "verified"


def test_a_representative_without_document_or_statement_is_told_what_to_do_and_keeps_what_they_typed(
    app, file_grievance
):
    description = "The company fenced our fields and the wells of the whole village last March."
    response, reference, _ = file_grievance(locale="fr", description=description, **KASULO)
    assert response.status_code == 400 and reference is None
    html = response.get_data(as_text=True)
    assert 'id="mandate_consent-error"' in html
    with app.test_request_context(), force_locale("fr"):
        english = (
            "Please show that the people agreed that you speak for them: attach a letter, a signed list or "
            "meeting minutes, or write here how they agreed."
        )
        assert str(escape(gettext(english))) in html and english not in html
    # Asked on its own page, before what happened: what was typed there comes back.
    assert "Kasulo community" in html and 'value="40"' in html and 'value="12"' in html
    with app.app_context():
        assert db.session.scalar(select(Case)) is None


def test_no_mandate_file_is_stored_when_the_form_fails(app, file_grievance):
    response, reference, _ = file_grievance(consent=None, mandate=upload(PDF_BYTES, "mandate.pdf"), **KASULO)
    assert response.status_code == 400 and reference is None
    html = response.get_data(as_text=True)
    assert "mandate.pdf" in html and "choose them again" not in html  # held, encrypted, in the draft until sent
    with app.app_context():
        assert db.session.scalar(select(Attachment)) is None
        assert db.session.scalar(select(DraftFile.purpose)) == "mandate"
    assert stored_keys(app) == []


def test_a_refused_mandate_file_is_named_at_the_mandate_field(app, file_grievance):
    response, reference, _ = file_grievance(mandate=upload(b"MZ" + b"\x00" * 200, "mandate.pdf"), **KASULO)
    assert reference is None and response.status_code == 400
    assert 'id="mandate-error"' in response.get_data(as_text=True)


def test_an_affected_person_is_not_asked_and_nothing_of_representation_is_kept(
    app, client, file_grievance, open_case, officer
):
    response, reference, receipt = file_grievance(
        community="Kasulo community", households_represented="3", mandate=upload(PDF_BYTES, "letter.pdf")
    )
    assert response.status_code == 200
    case = _case(app, reference)
    assert case.mandate_status == "none"
    assert (case.people_represented, case.households_represented, case.community_encrypted) == (None, None, None)
    assert _mandates(app, reference) == []  # the file was not stored as anything
    assert 'id="representation"' not in officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    open_case(receipt)
    page = client.get("/en/follow-up/case").get_data(as_text=True)
    assert 'id="mandate-status"' not in page and 'name="mandate"' not in page
    assert officer.post(f"/staff/cases/{reference}/mandate/verify").status_code == 409


@pytest.mark.parametrize("shared", [False, True])
def test_a_company_never_sees_the_mandate_and_sees_the_community_only_when_identity_is_shared(
    app, file_grievance, make_user, login_as, shared
):
    identity = {"anonymous": "no", "name": "Mwana Haki", "share_identity": "y"} if shared else {}
    _, reference, _ = file_grievance(mandate=upload(PDF_BYTES, "mandate.pdf"), **KASULO, **identity)
    with app.app_context():
        company = Organisation(name="Kasulo Mining", kind=OrganisationKind.COMPANY)
        db.session.add(company)
        db.session.flush()
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.respondent_organisation_id = company.id
        case.company_summary = "Fields fenced near the mine."
        chair = User(email="c@world.test", name="Chair", role=Role.CHAIR, password_hash="-")
        db.session.add(chair)
        db.session.flush()
        for action in (Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT):
            take_action(case, action, chair, Role.CHAIR)
        case.state = "company_response"  # admitted (the panel's vote is not what this test is about)
        db.session.commit()
        company_id = company.id
    [(mandate_id, _)] = _mandates(app, reference)
    liaison = app.test_client()
    login_as(liaison, make_user("company", organisation_id=company_id))
    page = liaison.get(f"/company/cases/{reference}").get_data(as_text=True)
    assert "Filed on behalf of 40 people." in page
    assert ("Kasulo community" in page) is shared
    assert "mandate.pdf" not in page and f"/attachments/{mandate_id}" not in page
    assert liaison.get(f"/company/cases/{reference}/attachments/{mandate_id}").status_code == 404
