"""Filing on behalf of people through the same stepwise form: whom, the consent recorded, children with a
guardian's consent and the safeguarding flag (urgent), the organisation on the case, and a receipt of their own for
the people represented."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases import access
from portal.cases.models import Case, FilerType, MandateStatus
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User
from tests.organisations.conftest import file_on_behalf


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def test_a_member_files_for_three_families_about_child_labour(app, client, login_as, ngo_member, verified_ngo):
    login_as(client, ngo_member)
    response, reference, receipts = file_on_behalf(client)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert reference and len(receipts) == 2  # the organisation's and one family's own
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.filed_by_organisation_id == verified_ngo.id
        assert case.filer_type == FilerType.NGO and case.submission_locale == "fr"
        assert case.represented_kind == "households" and case.households_represented == 3
        assert case.people_represented == 11 and case.represented_names is None
        assert case.consent_by == "The three mothers" and case.consent_method == "thumbprint"
        assert str(case.consent_on) == "2026-11-02" and case.consent_language == "sw"
        assert case.guardian_consent_method == "spoken" and "Mama Furaha" in case.guardian_consent_by
        assert case.children_involved and case.safeguarding and case.urgent and case.triage_due_at is not None
        assert case.mandate_status == MandateStatus.PROVIDED
        assert case.categories == ["child_labour"]
        submitted = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "case-submitted", AuditEntry.target == f"case:{case.id}")
        )
        assert submitted.actor_id == ngo_member.id  # the member who filed is in the audit trail


def test_each_receipt_opens_the_same_complainant_view(app, client, login_as, ngo_member):
    login_as(client, ngo_member)
    _response, reference, receipts = file_on_behalf(client)
    pages = []
    for receipt in receipts:
        family = app.test_client()
        opened = family.post("/en/follow-up", data={"receipt": receipt})
        assert opened.status_code == 302
        page = family.get("/en/follow-up/case")
        assert page.status_code == 200
        pages.append(page.get_data(as_text=True))
    assert reference in pages[0] and reference in pages[1]
    assert app.test_client().post("/en/follow-up", data={"receipt": "1234 5678 9012 3456"}).status_code == 400


def test_named_people_and_a_guardians_consent_are_required_when_they_apply(client, login_as, ngo_member):
    login_as(client, ngo_member)
    response, reference, _ = file_on_behalf(client, represented_named="named", represented_names="")
    assert response.status_code == 400 and reference is None
    assert "Please write their names" in response.get_data(as_text=True) or "noms" in response.get_data(as_text=True)
    login_as(client, ngo_member)
    response, reference, _ = file_on_behalf(client, guardian_consent_method="", guardian_consent_by="")
    assert response.status_code == 400 and reference is None


def test_consent_is_recorded_whole_or_a_document_is_given(client, login_as, ngo_member):
    login_as(client, ngo_member)
    response, reference, _ = file_on_behalf(client, consent_method="", consent_on="")
    assert response.status_code == 400 and reference is None  # who without how and when


def test_nobody_else_gets_the_organisation_pages_of_the_form(app, client, file_grievance):
    # A visitor's form never shows the organisation's pages, and cannot put an organisation into its draft.
    _response, reference, _receipt = file_grievance(on_behalf_of="1", represented_kind="community")
    assert reference is not None
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.filed_by_organisation_id is None and case.represented_kind is None
    assert client.get("/en/report/behalf").status_code == 303


def test_a_member_removed_before_sending_files_nothing_in_the_organisations_name(app, client, login_as, ngo_member):
    login_as(client, ngo_member)
    client.post("/org/file")
    with app.app_context():
        db.session.get(User, ngo_member.id).organisation.verified = False
        db.session.commit()
    _response, reference, _ = file_on_behalf(client)
    assert reference is None
    with app.app_context():
        assert db.session.scalar(select(Case.id)) is None


def test_a_childs_identity_never_reaches_the_company(app, make_user):
    with app.app_context():
        case = Case(anonymous=False, share_identity_with_company=True, children_involved=True)
        liaison = User(role=Role.COMPANY, active=True)
        assert access.can_view_identity.__doc__
        case.respondent_organisation_id = liaison.organisation_id = 1
        case.state = "company_response"
        assert not access.can_view_identity(case, liaison)
        case.children_involved = False
        assert access.can_view_identity(case, liaison)
