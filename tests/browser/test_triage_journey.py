"""An officer triages at 1280 px with the keyboard alone: finds cases with the go-to box, selects three, assigns
them to a colleague in bulk, reads the summary, tags them in bulk; then the changed pages pass axe at 360 and
1280 px (dashboard with charts, list, search, bulk summary, tags, case page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bench.seed import seed
from portal.cases.models import Case
from portal.cases.tags import Tag
from portal.cases.workflow import FINAL_STATES
from portal.extensions import db
from portal.users.models import User
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import words
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_staff_journey import _log_in, _officer


def _world(app) -> None:
    with app.app_context():
        if db.session.scalar(select(Case.id).limit(1)) is None:
            seed(40, receipts_path=None)
        if db.session.scalar(select(User.id).where(User.name == "Zawadi Colleague")) is None:
            db.session.add(
                User(email="zawadi@triage.test", name="Zawadi Colleague", role="secretariat", password_hash="-")
            )
        if db.session.scalar(select(Tag.id)) is None:
            db.session.add(Tag(labels={"en": "Tailings dam", "fr": "Barrage de résidus", "ar": "سد المخلفات"}))
        db.session.commit()


def _tab_to(page, locator, limit: int = 400) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user does; fail if it is never reached."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("element => document.activeElement === element", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never reached with Tab: {locator}")


def test_an_officer_triages_with_the_keyboard(browser, live_server, shoot):
    app = live_server.app
    en = words(app, "en")
    _world(app)
    with app.app_context():
        open_in_zambia = list(
            db.session.scalars(
                select(Case.reference)
                .where(Case.country == "ZM", Case.state.notin_(FINAL_STATES))
                .order_by(Case.created_at.desc(), Case.id.desc())
            )
        )
        colleague = db.session.scalar(select(User.id).where(User.name == "Zawadi Colleague"))
    assert len(open_in_zambia) >= 2
    secret = _officer(app, "triage@journey.test", "en")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _log_in(page, live_server.url, "triage@journey.test", secret, en)

    # The go-to box, from the header of every staff page: a word searches.
    _tab_to(page, page.get_by_label(en("Go to a reference or search")))
    page.keyboard.type("Zambia")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/staff/cases?q=Zambia")
    shoot(page, "searched")
    chosen = open_in_zambia[:2]
    for reference in chosen:
        _tab_to(page, page.locator(f"#select-{reference}"))
        page.keyboard.press("Space")
    _tab_to(page, page.locator("#bulk-action"))
    page.keyboard.type(en("Assign to an officer")[:6])  # a closed select follows the letters typed
    page.keyboard.press("Tab")
    expect(page.locator("#bulk-officer")).to_be_focused()
    page.keyboard.type("Zawadi")
    _tab_to(page, page.get_by_role("button", name=en("Apply to the selected cases")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(en("Done for %(num)d cases.").replace("%(num)d", "2"))
    shoot(page, "assigned")
    with app.app_context():
        assigned = set(db.session.scalars(select(Case.reference).where(Case.assigned_officer_id == colleague)))
    assert assigned == set(chosen)

    # Back to the list, the same two, a tag this time.
    _tab_to(page, page.get_by_role("link", name=en("Back to the cases")))
    page.keyboard.press("Enter")
    _tab_to(page, page.get_by_label(en("Go to a reference or search")))
    page.keyboard.type("Zambia")
    page.keyboard.press("Enter")
    for reference in chosen:
        _tab_to(page, page.locator(f"#select-{reference}"))
        page.keyboard.press("Space")
    _tab_to(page, page.locator("#bulk-action"))
    page.keyboard.type(en("Add a tag")[:5])
    _tab_to(page, page.locator("#bulk-tag"))
    page.keyboard.type("Tailings")
    _tab_to(page, page.get_by_role("button", name=en("Apply to the selected cases")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(en("Done for %(num)d cases.").replace("%(num)d", "2"))

    # An exact reference in the box opens the case, which shows its tag.
    _tab_to(page, page.get_by_label(en("Go to a reference or search")))
    page.keyboard.type(chosen[0])
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/staff/cases/{chosen[0]}")
    expect(page.locator("#tags .badge", has_text="Tailings dam")).to_be_visible()
    shoot(page, "case")
    context.close()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_list_pages_have_no_accessibility_violations(axe_page, live_server, locale):
    app = live_server.app
    _world(app)
    email = f"axe-lists-{locale}-{axe_page.viewport_size['width']}@journey.test"
    secret = _officer(app, email, locale)
    _log_in(axe_page, live_server.url, email, secret, words(app, "en"))  # the login page: the browser's language
    with app.app_context():
        reference = db.session.scalar(select(Case.reference).where(Case.state.notin_(FINAL_STATES)).limit(1))
    found = {}
    for path in [
        "/staff/",
        "/staff/cases",
        "/staff/cases?q=Zambia&sort=due",
        "/staff/tags",
        f"/staff/cases/{reference}",
    ]:
        axe_page.goto(f"{live_server.url}{path}")
        violations = axe_violations(axe_page)
        if violations:
            found[path] = violations
    # The bulk summary, with a refusal: acknowledging every case on the first page.
    axe_page.goto(f"{live_server.url}/staff/cases")
    axe_page.locator("input[name=case]").first.check()
    axe_page.locator("input[name=case]").nth(1).check()
    axe_page.locator("#bulk select[name=action]").select_option("acknowledge")
    axe_page.locator("#bulk button").click()
    # The summary is a new page: axe must not run while the list is being replaced (it read a null document once).
    expect(axe_page.locator("#bulk-back")).to_be_visible()
    violations = axe_violations(axe_page)
    if violations:
        found["bulk"] = violations
    axe_page.locator("form[action='/staff/logout'] button").click()  # the next locale logs in afresh
    assert found == {}
