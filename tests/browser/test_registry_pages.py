"""The registry's staff pages pass axe (WCAG 2.2 A/AA) at phone and desktop widths in the five languages the
accessibility suite uses: lists, detail pages, both forms, and a form that answered with errors."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.registry import operations
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import words
from tests.browser.test_accessibility import LOCALES, axe_violations
from tests.browser.test_staff_journey import _log_in, _officer


def _records(app) -> tuple[int, int]:
    """One organisation and one site with a relation, made once for every run."""
    with app.app_context():
        company = db.session.scalar(db.select(Organisation).where(Organisation.name == "Axe Aluminium BV"))
        if company is None:
            company, _ = operations.save_organisation(
                operations.OrganisationInput(
                    name="Axe Aluminium BV", kind="company", country="NL", identifiers=[("NL-KVK", "40000099")]
                ),
                None,
            )
            site, _ = operations.save_entity(
                operations.EntityInput(
                    name="Axe smelter", kind="smelter", country="NL", region="NL-ZE", commodities=["aluminium"],
                    operator_organisation_id=company.id, rmi_id="CID909090", latitude=51.45, longitude=3.67,
                ),
                None,
            )  # fmt: skip
            operations.add_relation(site, "owned_by", company, None)
            db.session.commit()
        site_id = db.session.scalar(db.select(SupplyChainEntity.id).where(SupplyChainEntity.name == "Axe smelter"))
        return company.id, site_id


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_registry_pages_have_no_accessibility_violations(browser, live_server, locale, viewport):
    app = live_server.app
    company, site = _records(app)
    email = f"registry-{locale.lower()}-{viewport['width']}@journey.test"
    secret = _officer(app, email, locale)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _log_in(page, live_server.url, email, secret, words(app, "en"))
    found = {}
    paths = [
        "/staff/registry/",
        "/staff/registry/entities?commodity=aluminium",
        f"/staff/registry/organisations/{company}",
        f"/staff/registry/entities/{site}",
        "/staff/registry/organisations/new",
        f"/staff/registry/entities/{site}/edit",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    page.goto(f"{live_server.url}/staff/registry/entities/new")
    page.locator("#region").fill("XX-1")
    page.locator("#latitude").fill("100")
    page.locator("form[novalidate] button[type=submit]").first.click()  # not the log-out button
    assert page.locator(".error").count() >= 2
    violations = axe_violations(page)
    if violations:
        found["entity form with errors"] = violations
    assert page.locator("html").get_attribute("lang") == locale.replace("_", "-")
    assert found == {}
    context.close()
