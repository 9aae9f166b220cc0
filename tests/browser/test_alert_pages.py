"""The desk's pages pass axe (WCAG 2.2 A/AA) at phone (360 px) and desktop (1280 px) widths, in English and in
Arabic (right to left): the dashboard with its pattern alerts, the alert list, an alert page, a case page with
duplicate suggestions (its merge form open), and a site's registry page with its cases and alerts. The alert's
buttons are reached with the keyboard alone."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.cases.alert_models import Alert
from portal.cases.casework import link_case
from portal.cases.models import Case
from portal.extensions import db
from portal.intake.operations import submit_grievance
from portal.organisations.models import SupplyChainEntity
from portal.users.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import words
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_staff_journey import _log_in, _officer
from tests.cases.test_alerts import CATEGORIES, build_registry, grievance
from tests.cases.test_duplicates import DUPLICATE, ORIGINAL


def _desk(app, email: str) -> dict:
    """Once per server: the registry, three grievances at the depot (an alert), a grievance and its duplicate."""
    with app.app_context():
        depot = db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.name == "Kolwezi depot"))
        if depot is None:
            build_registry(app)
            depot = db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.name == "Kolwezi depot"))
            officer = db.session.scalar(select(User).where(User.email == email))
            for categories in CATEGORIES[:3]:
                case, _ = submit_grievance(grievance(categories=categories), files=[])
                link_case(case, officer, None, [depot.id])
            for text, day in ((ORIGINAL, 3), (DUPLICATE, 4)):
                submit_grievance(
                    grievance(description=text, categories=["security_violence"], place="Kolwezi depot",
                              incident_date=date(2026, 3, day), country="ZM"),
                    files=[],
                )  # fmt: skip
            db.session.commit()
        alert = db.session.scalar(select(Alert).where(Alert.entity_id == depot.id))
        duplicate = db.session.scalar(select(Case).where(Case.country == "ZM").order_by(Case.id.desc()))
        return {"alert": alert.id, "duplicate": duplicate.reference, "site": depot.id}


@pytest.mark.parametrize(
    ("viewport", "locale"), [(PHONE, "en"), (DESKTOP, "en"), (PHONE, "ar")], ids=["phone", "desktop", "phone-ar"]
)
def test_desk_pages_have_no_accessibility_violations(browser, live_server, viewport, locale):
    app = live_server.app
    email = f"desk-{locale}-{viewport['width']}@journey.test"
    secret = _officer(app, email, locale)
    desk = _desk(app, email)
    t = words(app, locale)

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _log_in(page, live_server.url, email, secret, words(app, "en"))  # the login page precedes the account's language
    found = {}
    pages = {
        "dashboard": "/staff/",
        "alert list": "/staff/alerts",
        "alert": f"/staff/alerts/{desk['alert']}",
        "site": f"/staff/registry/entities/{desk['site']}",
        "case with suggestions": f"/staff/cases/{desk['duplicate']}",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state()
        if name == "dashboard":
            assert page.locator(f"#alerts a[href$='/staff/alerts/{desk['alert']}']").count() == 1
        if name == "case with suggestions":
            assert page.locator("#duplicates li").count() >= 1
            page.locator("#duplicates summary").first.click()  # the merge form
        if violations := axe_violations(page):
            found[name] = violations
    assert found == {}

    # Keyboard only: from the top of the alert page, Tab reaches "Acknowledge", and Enter presses it.
    page.goto(f"{live_server.url}/staff/alerts/{desk['alert']}")
    acknowledge = t("Acknowledge")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == acknowledge:
            break
    else:
        pytest.fail("the Acknowledge button is not reachable with the keyboard")
    if locale == "ar":  # acknowledge once (the other runs find it still open)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert t("The alert is acknowledged.") in page.content()
    context.close()
