"""The committee writes to the organisation that filed a case: to it alone (never the company, never the people's
receipts) or to it and the people it represents; its members are told by mail in their language. A committee
member tied to the filing organisation is recused like any other tie."""

from __future__ import annotations

from sqlalchemy import select

from portal.cases import access
from portal.cases.casework import link_case
from portal.cases.models import Case, CaseEntry, Visibility
from portal.cases.operations import take_action
from portal.cases.workflow import Action
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.orgs.operations import messages_for_organisation
from portal.users.models import Affiliation, Nomination, User
from tests.organisations.conftest import file_on_behalf

ONLY_ORG = "Please send us the names of the three schools the children should attend."
TO_PEOPLE = "The committee will visit the Kasulo depot on 12 December with an interpreter."


def _filed(app, client, login_as, member) -> tuple[str, list[str]]:
    login_as(client, member)
    _response, reference, receipts = file_on_behalf(client)
    assert reference
    return reference, receipts


def _admit_with_company(app, reference: str, company_id: int, staff_id: int) -> None:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        staff = db.session.get(User, staff_id)
        link_case(case, staff, company_id, [])
        case.company_summary = "Children are reported at a depot."
        for action in (Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT):
            take_action(case, action, actor=staff, role=Role.SECRETARIAT)
        case.state = "company_response"  # admission itself is the panel's (tests/cases); here only what follows
        db.session.commit()


def test_message_visibility_company_never_people_only_when_meant(
    app, client, make_user, login_as, ngo_member, ngo_admin, smtp_server
):
    reference, receipts = _filed(app, client, login_as, ngo_member)
    with app.app_context():
        company = Organisation(name="Kasulo Trading", kind=OrganisationKind.COMPANY)
        db.session.add(company)
        db.session.commit()
        company_id = company.id
    secretariat = make_user(Role.SECRETARIAT)
    liaison = make_user(Role.COMPANY, organisation_id=company_id)
    _admit_with_company(app, reference, company_id, secretariat.id)
    smtp_server.messages.clear()

    staff = login_as(app.test_client(), secretariat)
    page = staff.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "Filed by Bana ya Kolwezi Child Rights" in page and "The three mothers" in page
    empty = staff.post(
        f"/staff/cases/{reference}/organisation-message",
        data={"organisation-text": "", "organisation-audience": "organisation"},
    )
    assert empty.status_code == 400
    sent = staff.post(
        f"/staff/cases/{reference}/organisation-message",
        data={"organisation-text": ONLY_ORG, "organisation-audience": "organisation"},
    )
    assert sent.status_code == 303
    staff.post(
        f"/staff/cases/{reference}/organisation-message",
        data={"organisation-text": TO_PEOPLE, "organisation-audience": "people"},
    )

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        visibilities = {entry.body: entry.visibility for entry in case.entries if entry.body}
        assert visibilities[ONLY_ORG] == Visibility.ORGANISATION
        assert visibilities[TO_PEOPLE] == Visibility.COMPLAINANT
        assert [e.body for e in messages_for_organisation(case) if e.body in (ONLY_ORG, TO_PEOPLE)] == [
            ONLY_ORG,
            TO_PEOPLE,
        ]
        assert db.session.scalar(select(CaseEntry.id).where(CaseEntry.visibility == "organisation")) is not None

    # The company sees neither message.
    company_page = login_as(app.test_client(), liaison).get(f"/company/cases/{reference}").get_data(as_text=True)
    assert reference in company_page
    assert ONLY_ORG not in company_page and TO_PEOPLE not in company_page
    # A family with its own receipt reads only what was meant for the people.
    family = app.test_client()
    family.post("/en/follow-up", data={"receipt": receipts[1]})
    family_page = family.get("/en/follow-up/case").get_data(as_text=True)
    assert TO_PEOPLE in family_page and ONLY_ORG not in family_page

    # Every member was told, in their own language, without the words.
    assert len(smtp_server.to("field@bana.example")) == 2 and len(smtp_server.to("admin@bana.example")) == 2
    french = smtp_server.to("field@bana.example")[0]
    english = smtp_server.to("admin@bana.example")[0]
    assert french["Subject"] != english["Subject"] and reference in french["Subject"]
    assert ONLY_ORG not in french.get_body(preferencelist=("plain",)).get_content()
    # The audit trail has the message to the organisation, with its author.
    from portal.audit.models import AuditEntry

    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "message-to-organisation"))
        assert entry.actor_id == secretariat.id


def test_a_committee_member_tied_to_the_filing_organisation_is_recused(
    app, client, make_user, login_as, ngo_member, verified_ngo
):
    reference, _ = _filed(app, client, login_as, ngo_member)
    nominated = make_user(Role.MEMBER, organisation_id=verified_ngo.id, nomination=Nomination.CIVIL_SOCIETY)
    declared = make_user(Role.SECRETARIAT)
    other = make_user(Role.SECRETARIAT)
    with app.app_context():
        db.session.add(Affiliation(user_id=declared.id, organisation_id=verified_ngo.id))
        db.session.commit()
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        for person, recused in ((nominated, True), (declared, True), (other, False)):
            user = db.session.get(User, person.id)
            assert (access.recusal_reason(case, user) == "filer") is recused
            listed = db.session.scalar(select(Case.id).where(Case.id == case.id, access.visible_cases(user)))
            assert (listed is None) is recused
    assert login_as(app.test_client(), declared).get(f"/staff/cases/{reference}").status_code == 404
    assert login_as(app.test_client(), other).get(f"/staff/cases/{reference}").status_code == 200


def test_another_organisation_cannot_reach_a_case_or_its_messages(app, client, login_as, ngo_member, union_member):
    reference, _ = _filed(app, client, login_as, ngo_member)
    union = login_as(app.test_client(), union_member)
    for path in (f"/staff/cases/{reference}", f"/company/cases/{reference}"):
        assert union.get(path).status_code in (403, 404)
    assert reference not in union.get("/org/").get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert not access.can_view(case, db.session.get(User, union_member.id))


def test_a_panel_member_reads_whom_an_organisation_represents_in_kind_never_by_name(
    app, client, make_user, login_as, ngo_member
):
    """Names the NGO gave the committee, who consented and which guardian: the secretariat's, never a panel
    member's (a child's identity above all)."""
    from portal.cases.committee import PanelSeat, SeatKind

    login_as(client, ngo_member)
    _response, reference, _ = file_on_behalf(
        client, represented_named="named", represented_names="Furaha Kasongo, Neema Kasongo"
    )
    assert reference
    member = make_user(Role.MEMBER, nomination=Nomination.CIVIL_SOCIETY)
    secretariat = make_user(Role.SECRETARIAT)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.add(PanelSeat(case_id=case.id, user_id=member.id, seat=SeatKind.CIVIL_SOCIETY))
        db.session.commit()
    names = ("Furaha Kasongo", "The three mothers", "Mama Furaha")
    seen_by_member = login_as(app.test_client(), member).get(f"/staff/cases/{reference}")
    assert seen_by_member.status_code == 200
    page = seen_by_member.get_data(as_text=True)
    assert not any(name in page for name in names)  # the filing section is for case staff (staff/case.html)
    page = login_as(app.test_client(), secretariat).get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert all(name in page for name in names)
