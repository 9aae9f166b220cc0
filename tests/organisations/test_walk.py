"""Issue 13's whole walk, on each database: the secretariat verifies a child-rights NGO; its admin invites a field
worker (a real mail); the worker files for three families about child labour with a guardian's consent; one family
follows the case with its own receipt; the committee asks a question and the NGO answers it; "Our cases" shows the
next step and its date; the NGO's child-labour theme lists a union's admitted case with public fields only; and the
weekly digest reaches the admin in French and the worker in Swahili through the real SMTP server."""

from __future__ import annotations

import re

import pyotp
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core.roles import Role
from portal.extensions import db
from portal.intake.progress import case_progress
from portal.organisations.models import OrganisationKind
from portal.users.models import User
from tests.organisations.conftest import _organisation, file_on_behalf
from tests.organisations.fixtures_cases import SECRET, admit, ask, file_for

LINK = re.compile(r"https?://\S+/org/invitation/([\w-]+)")
PASSWORD = "a long passphrase for the field"
UNION_NAME = "Ms Kabila, shift leader at the Kasulo pit"


def _enrol_invitee(app, smtp_server, email: str):
    """The invitee opens the mailed link, chooses a password and enrols TOTP: a signed-in client."""
    [mail] = smtp_server.to(email)
    token = LINK.search(mail.get_body(preferencelist=("plain",)).get_content()).group(1)
    newcomer = app.test_client()
    chosen = newcomer.post(f"/org/invitation/{token}", data={"new_password": PASSWORD, "new_password_again": PASSWORD})
    assert chosen.status_code == 303
    newcomer.get("/staff/enrol")
    with app.app_context():
        secret = db.session.scalar(select(User).where(User.email == email)).totp_secret
    assert newcomer.post("/staff/enrol", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert newcomer.get("/org/").status_code == 200
    return newcomer


def test_an_ngo_walks_a_child_labour_case_from_verification_to_the_weekly_digest(
    app, make_user, login_as, smtp_server, file_grievance
):
    ngo = _organisation(app, "Haki za Watoto Kolwezi", OrganisationKind.NGO, verified=False)
    union = _organisation(app, "Kasulo Mine Workers", OrganisationKind.UNION)
    admin = make_user(Role.ORGANISATION, "esther@haki.example", ngo.id, organisation_admin=True, locale="fr")
    secretariat = make_user(Role.SECRETARIAT, "officer@secretariat.example")
    chair = make_user(Role.CHAIR, "chair@secretariat.example")

    # The secretariat verifies the NGO; only then may it file for others.
    staff = login_as(app.test_client(), secretariat)
    assert staff.post(f"/staff/organisations/{ngo.id}/verification", data={"value": "1"}).status_code == 302

    # The admin invites a field worker, who enrols like staff.
    esther = login_as(app.test_client(), admin)
    invited = {"name": "Juma Field", "email": "juma@haki.example", "locale": "sw", "admin": ""}
    assert esther.post("/org/members/invite", data=invited).status_code == 302
    juma = _enrol_invitee(app, smtp_server, "juma@haki.example")

    # Juma files for three families about child labour, with a guardian's consent; one family gets its own receipt.
    response, reference, receipts = file_on_behalf(juma)
    assert response.status_code == 200 and reference and len(receipts) == 2
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.filed_by_organisation_id == ngo.id and case.households_represented == 3
        assert case.children_involved and case.guardian_consent_by and case.safeguarding and case.urgent

    family = app.test_client()
    assert family.post("/en/follow-up", data={"receipt": receipts[1]}).status_code == 302
    assert reference in family.get("/en/follow-up/case").get_data(as_text=True)

    # The committee asks; the NGO answers on its case page; the committee reads the answer.
    ask(app, reference, secretariat, "Which school do the children attend, if any?")
    page = juma.get(f"/org/cases/{reference}").get_data(as_text=True)
    assert "Which school do the children attend, if any?" in page
    assert (
        juma.post(f"/org/cases/{reference}", data={"message": "None of them: the school closed in May."}).status_code
        == 302
    )
    assert "None of them: the school closed in May." in staff.get(f"/staff/cases/{reference}").get_data(as_text=True)
    # The family, following with its own receipt, sees the committee's question too.
    assert "Which school do the children attend, if any?" in family.get("/en/follow-up/case").get_data(as_text=True)

    # "Our cases": the case with its next step and that step's date.
    with app.app_context(), force_locale("sw"):
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.state == State.ACKNOWLEDGED
        progress = case_progress(case)
        due = progress.next_date
    dashboard = juma.get("/org/cases").get_data(as_text=True)
    row = dashboard.split(reference, 2)[2].split("</tr>", 1)[0]
    next_cell = row.split('class="next">', 1)[1].split("</td>", 1)[0]
    assert next_cell.strip() and str(due.year) in next_cell

    # The NGO follows child labour; a union's admitted case shows with its public fields only.
    union_case = file_for(app, file_grievance, union.id, description=SECRET, name=UNION_NAME, anonymous="no")
    admit(app, union_case, chair)
    assert (
        juma.post("/org/trackers", data={"name": "Travail des enfants", "category": "child_labour"}).status_code == 302
    )
    trackers = juma.get("/org/trackers").get_data(as_text=True)
    tracker_url = re.search(r'href="(/org/trackers/\d+)"', trackers).group(1)
    theme = juma.get(tracker_url).get_data(as_text=True)
    assert union_case in theme and f"/register/{union_case}" in theme
    register_page = juma.get(f"/en/register/{union_case}").get_data(as_text=True)
    for page in (theme, trackers, register_page):
        assert SECRET not in page and UNION_NAME not in page
    assert juma.get(f"/org/cases/{union_case}").status_code == 404  # another organisation's case: nothing more

    # The weekly digest: the admin in French, the field worker in Swahili, through the real SMTP server.
    result = app.test_cli_runner().invoke(args=["portal", "send-digests"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        subjects = {}
        for locale in ("fr", "sw"):
            with force_locale(locale):
                subjects[locale] = _("This week in the themes you follow")
    assert subjects["fr"] != subjects["sw"]
    (to_juma,) = smtp_server.to("juma@haki.example")[1:]  # after the invitation
    (to_esther,) = smtp_server.to("esther@haki.example")
    assert to_juma["Subject"] == subjects["sw"] and to_esther["Subject"] == subjects["fr"]
    for mail in (to_juma, to_esther):
        body = mail.get_content()
        assert union_case in body and SECRET not in body and UNION_NAME not in body
