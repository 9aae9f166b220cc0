"""The changed company pages and the secretariat's template page pass axe (WCAG 2.2 A/AA) at phone and desktop
widths (issue 15 §8, §9, §10): the liaison's case page in monitoring with its commitments, progress reports and
messages (also answering with errors), the company list, the template management page and its edit form, and the
staff case page with the description translation, the template picker and the exchange with the company."""

from __future__ import annotations

from datetime import date, timedelta

import pyotp
import pytest

from portal.cases.commitments import Commitment
from portal.cases.company_side import ProgressReport
from portal.cases.message_templates import seed_defaults
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.cases.workflow import State
from portal.core.db import utcnow
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import exact, file_in_browser, words
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_staff_journey import PASSWORD, _log_in, _officer

DESCRIPTION = "Watoto wanafanya kazi usiku kwenye ghala la kobalti."


def _liaison(app, email: str) -> str:
    with app.app_context():
        century = db.session.scalar(db.select(Organisation).where(Organisation.name == "Century (browser)"))
        if century is None:
            century = Organisation(name="Century (browser)", kind=OrganisationKind.COMPANY)
            db.session.add(century)
            db.session.flush()
        user = User(email=email, name="Liaison", role="company", locale="en", organisation_id=century.id)
        user.set_password(PASSWORD)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user.totp_secret


def _monitored(app, reference: str, officer_email: str, liaison_email: str) -> None:
    """Test set-up only: the case named against the liaison's company, put in monitoring with two commitments,
    a progress report and a message each way."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        officer = db.session.scalar(db.select(User).where(User.email == officer_email))
        liaison = db.session.scalar(db.select(User).where(User.email == liaison_email))
        case.respondent_organisation_id = liaison.organisation_id
        case.company_summary = "Night work by children is reported at a depot."
        case.state, case.outcome = State.MONITORING, "settled"
        due = date.today() + timedelta(days=30)
        commitments = []
        for what, amount in (("Compensation for the night shifts", 60_000), ("School fees", None)):
            commitment = Commitment(
                case_id=case.id, amount_minor=amount, currency="USD" if amount else None, due_on=due,
                created_by_id=officer.id, owed_by_respondent=True,
            )  # fmt: skip
            commitment.what = what
            db.session.add(commitment)
            commitments.append(commitment)
        db.session.flush()
        report = ProgressReport(case_id=case.id, commitment_id=commitments[0].id, author_id=liaison.id)
        report.body = "First instalment paid on 3 March."
        db.session.add(report)
        for kind, author, body in (
            (EntryKind.FROM_COMPANY, liaison, "Can the secretariat join the site visit?"),
            (EntryKind.TO_COMPANY, officer, "Yes, the officer will join."),
        ):
            entry = CaseEntry(kind=kind, visibility=Visibility.COMPANY, author_id=author.id)
            entry.body = body
            case.entries.append(entry)
        seed_defaults()
        db.session.commit()


def _log_in_liaison(page, base_url: str, email: str, secret: str, t) -> None:
    page.goto(f"{base_url}/staff/login")
    page.get_by_label(exact(t("Email"))).fill(email)
    page.get_by_label(exact(t("Password"))).fill(PASSWORD)
    page.get_by_role("button", name=t("Continue")).click()
    page.get_by_label(t("6-digit code from your authenticator app")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=t("Log in")).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_company_and_template_pages_have_no_accessibility_violations(browser, live_server, viewport):
    app = live_server.app
    en = words(app, "en")
    worker = browser.new_context(viewport=viewport)
    _, reference = file_in_browser(worker.new_page(), live_server.url, description=DESCRIPTION)
    officer_email = f"desk-officer-{viewport['width']}@journey.test"
    liaison_email = f"liaison-{viewport['width']}@journey.test"
    officer_secret = _officer(app, officer_email, "en")
    liaison_secret = _liaison(app, liaison_email)
    _monitored(app, reference, officer_email, liaison_email)
    found = {}

    liaison = browser.new_context(viewport=viewport).new_page()
    _log_in_liaison(liaison, live_server.url, liaison_email, liaison_secret, en)
    liaison.goto(f"{live_server.url}/company/")
    if violations := axe_violations(liaison):
        found["company list"] = violations
    liaison.goto(f"{live_server.url}/company/cases/{reference}")
    assert liaison.locator("#commitments article").count() == 2
    assert (
        liaison.get_by_text(en("The remedy is being monitored. Report your progress on each commitment below.")).count()
        == 1
    )
    if violations := axe_violations(liaison):
        found["company case page"] = violations
    liaison.locator("#commitments form button[type=submit]").first.click()  # nothing written: errors
    liaison.wait_for_load_state()
    assert liaison.locator("#commitments .error").count() == 1
    if violations := axe_violations(liaison):
        found["progress form with errors"] = violations
    liaison.locator("#messages form button[type=submit]").click()
    liaison.wait_for_load_state()
    assert liaison.locator("#messages .error").count() == 1
    if violations := axe_violations(liaison):
        found["message form with errors"] = violations

    officer = browser.new_context(viewport=viewport).new_page()
    _log_in(officer, live_server.url, officer_email, officer_secret, en)
    officer.goto(f"{live_server.url}/staff/message-templates")
    assert officer.locator("section[id^=step-] li").count() == 40
    if violations := axe_violations(officer):
        found["template page"] = violations
    officer.goto(f"{live_server.url}/staff/message-templates?step=acknowledge&locale=ar")
    if violations := axe_violations(officer):
        found["template edit form"] = violations
    officer.goto(f"{live_server.url}/staff/cases/{reference}")
    officer.locator("#message-templates button[type=submit]").click()  # the picker, without script
    officer.wait_for_load_state()
    assert reference in officer.locator("#message textarea#text").input_value()
    officer.locator("#description-translation summary").click()
    officer.locator("#company-side summary").click()
    if violations := axe_violations(officer):
        found["staff case page"] = violations
    assert found == {}
