"""The staff case page and the company page in the states issue 10 added words to pass axe (WCAG 2.2 A/AA): the
hints saying who reads a field, a refused settlement explaining the missing quorum with its link to the panel
section, the company's extension form (also with an error) and the staff page showing the extension's reason."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from portal.cases.casework import link_case, seat_panel_member, write_company_summary
from portal.cases.committee import PanelKind, SeatKind
from portal.cases.models import Case
from portal.cases.operations import ActionInput, grant_company_extension, take_action
from portal.cases.workflow import Action, Role
from portal.core.db import utcnow
from portal.extensions import db
from portal.intake import operations as intake
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import Nomination, User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import words
from tests.browser.test_accessibility import LOCALES, axe_violations
from tests.browser.test_staff_journey import PASSWORD, _log_in

COMPANY = "Axe Review Metals BV"


def _account(email: str, role: str, locale: str, **fields) -> User:
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=email.split("@")[0], role=role, locale=locale, **fields)
        user.set_password(PASSWORD)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.add(user)
        db.session.flush()
    return user


def _cases(app) -> tuple[str, str]:
    """Once per run: a case in dialogue whose panel lacks its industry member, and an admitted case whose company
    took its extension with a reason. Returns their references."""
    with app.app_context():
        company = db.session.scalar(db.select(Organisation).where(Organisation.name == COMPANY))
        if company is not None:
            refs = db.session.scalars(
                db.select(Case.reference).where(Case.respondent_organisation_id == company.id).order_by(Case.id)
            ).all()
            return refs[0], refs[1]
        company = Organisation(name=COMPANY, kind=OrganisationKind.COMPANY)
        db.session.add(company)
        officer = _account("axe-review-officer@journey.test", Role.SECRETARIAT, "en")
        chair = _account("axe-review-chair@journey.test", Role.CHAIR, "en", nomination=Nomination.INDEPENDENT)
        industry = _account("axe-review-industry@journey.test", Role.MEMBER, "en", nomination=Nomination.INDUSTRY)
        union = _account("axe-review-union@journey.test", Role.MEMBER, "en", nomination=Nomination.CIVIL_SOCIETY)
        liaison = _account("axe-review-liaison@journey.test", Role.COMPANY, "en")
        db.session.flush()
        liaison.organisation_id = company.id
        references = []
        for extended in (False, True):
            grievance = intake.GrievanceInput(
                filer_type="affected_person", anonymous=True, identity={}, share_identity_with_company=False,
                categories=["wages_hours"], country="NL", commodity="aluminium", place=None, companies=None,
                incident_date=None, incident_period=None, ongoing=True, description="Unpaid overtime at the mill.",
                people_affected=None, children_involved=False, retaliation_risk=False, desired_remedy=None, locale="en",
            )  # fmt: skip
            case, _ = intake.submit_grievance(grievance, files=[])
            link_case(case, officer, company.id, [])
            write_company_summary(case, officer, "Overtime is reported unpaid.")
            take_action(case, Action.ACKNOWLEDGE, officer, Role.SECRETARIAT)
            take_action(case, Action.OPEN_ASSESSMENT, officer, Role.SECRETARIAT)
            for user, seat in [(chair, SeatKind.CHAIR), (industry, SeatKind.INDUSTRY), (union, SeatKind.CIVIL_SOCIETY)]:
                seat_panel_member(case, user, seat, PanelKind.ORIGINAL, officer)
            take_action(case, Action.ADMIT, chair, Role.CHAIR, given=ActionInput(reasons="Within scope."))
            if extended:
                case.company_response_due_at = utcnow() + timedelta(days=2)
                grant_company_extension(case, liaison, "Our auditor visits the mill next week.")
            else:
                take_action(case, Action.START_DIALOGUE, officer, Role.SECRETARIAT)
                db.session.execute(
                    db.delete(db.Model.metadata.tables["panel_seats"]).where(
                        db.Model.metadata.tables["panel_seats"].c.case_id == case.id,
                        db.Model.metadata.tables["panel_seats"].c.seat == SeatKind.INDUSTRY,
                    )
                )
            references.append(case.reference)
        db.session.commit()
        return references[0], references[1]


def _person(app, email: str, role: str, locale: str, **fields) -> str:
    with app.app_context():
        user = _account(email, role, locale, **fields)
        if role == Role.COMPANY:
            user.organisation_id = db.session.scalar(db.select(Organisation.id).where(Organisation.name == COMPANY))
        db.session.commit()
        return user.totp_secret


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_case_and_company_pages_in_these_states_have_no_violations(browser, live_server, locale, viewport):
    app = live_server.app
    in_dialogue, extended = _cases(app)
    t = words(app, "en")
    found = {}

    # The chair: a settlement refused for want of quorum, on the staff case page.
    email = f"axe-review-chair-{locale.lower()}-{viewport['width']}@journey.test"
    secret = _person(app, email, Role.CHAIR, locale, nomination=Nomination.INDEPENDENT)
    with app.app_context():  # this run's chair account takes the chair's seat
        case = db.session.scalar(db.select(Case).where(Case.reference == in_dialogue))
        seat_panel_member(case, db.session.scalar(db.select(User).where(User.email == email)), SeatKind.CHAIR,
                          PanelKind.ORIGINAL, None)  # fmt: skip
        db.session.commit()
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _log_in(page, live_server.url, email, secret, t)
    page.goto(f"{live_server.url}/staff/cases/{in_dialogue}")
    assert page.locator('p.hint[id$="-reasons-hint"]').count() >= 1
    page.locator("details:has(form[action$='/actions/settle']) > summary").click()
    page.locator("#settle-reasons").fill("The company pays the overtime.")
    page.locator("form[action$='/actions/settle'] button[type=submit]").click()
    page.wait_for_load_state()  # the answer is a long page: read it once it has loaded
    assert page.locator(".error-summary a[href='#panel']").count() == 1
    if violations := axe_violations(page):
        found["refused settlement"] = violations
    page.goto(f"{live_server.url}/staff/cases/{extended}")
    assert page.locator("#extension .message").count() == 1
    if violations := axe_violations(page):
        found["staff page with the extension"] = violations
    context.close()

    # The company's liaison: the extension form, then the same form sent back empty.
    email = f"axe-review-liaison-{locale.lower()}-{viewport['width']}@journey.test"
    secret = _person(app, email, Role.COMPANY, locale)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    with pytest.raises(AssertionError, match="/company/"):  # a liaison lands on the company pages, not /staff/
        _log_in(page, live_server.url, email, secret, t)
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == extended))
        case.company_extension_used = False  # offer it again for this run
        db.session.commit()
    page.goto(f"{live_server.url}/company/cases/{extended}")
    if violations := axe_violations(page):
        found["company page"] = violations
    page.locator("form[action$='/extension'] button[type=submit]").click()
    page.wait_for_load_state()  # the answer is a long page: read it once it has loaded
    assert page.locator("form[action$='/extension'] .error").count() == 1
    if violations := axe_violations(page):
        found["extension form with an error"] = violations
    assert page.locator("html").get_attribute("lang") == locale.replace("_", "-")
    context.close()
    with app.app_context():
        db.session.scalar(db.select(Case).where(Case.reference == extended)).company_extension_used = True
        db.session.commit()
    assert found == {}
