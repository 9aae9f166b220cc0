"""axe-core (WCAG 2.2 A/AA) on every public page, in five languages, at phone and desktop widths."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import file_in_browser, words
from tests.samples import upload  # noqa: F401 - keeps the samples module importable for the journeys

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LOCALES = ["en", "ar", "sw", "zh_Hans", "hi"]
PAGES = ["/", "/procedure", "/privacy", "/report", "/follow-up", "/no-such-page"]
# The complaint form's pages a visitor can open before answering (the others need answers that lead to them).
STEP_PAGES = ["/report/what", "/report/kind", "/report/where", "/report/wish", "/report/contact"]

_axe = Axe()


def axe_violations(page) -> list[str]:
    page.wait_for_load_state()  # axe reads the whole document; a page still loading has none yet
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']}: {node['target']} {violation['help']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_public_pages_have_no_violations(axe_page, live_server, locale):
    found = {}
    for path in PAGES + STEP_PAGES:
        axe_page.goto(f"{live_server.url}/{locale}{path}")
        violations = axe_violations(axe_page)
        if violations:
            found[path] = violations
    assert found == {}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_form_with_errors_has_no_violations(axe_page, live_server, locale):
    found = {}
    for path in ["/report", *STEP_PAGES]:
        axe_page.goto(f"{live_server.url}/{locale}{path}")
        axe_page.locator("main form button.button-primary").click()
        if axe_page.locator(".error-summary").count():
            found[path] = axe_violations(axe_page)
    assert {"/report", "/report/what", "/report/kind", "/report/where"} <= set(found)
    assert {path: violations for path, violations in found.items() if violations} == {}


def test_receipt_and_case_pages_have_no_violations(axe_page, live_server):
    page = axe_page
    receipt, _ = file_in_browser(page, live_server.url)
    assert axe_violations(page) == []  # the receipt page
    page.goto(f"{live_server.url}/sw/follow-up")
    page.locator("#receipt").fill(receipt)
    page.locator("button[type=submit]").click()
    assert page.url.endswith("/sw/follow-up/case")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/sw/follow-up/withdraw")
    assert axe_violations(page) == []
    page.locator("form[action$=leave] button").click() if page.locator("form[action$=leave]").count() else None


def test_a_missing_label_is_caught(axe_page, live_server):
    """Prove the check can fail: remove one label's `for` and axe must object."""
    axe_page.goto(f"{live_server.url}/en/report/what")
    axe_page.evaluate("document.querySelector('label[for=description]').removeAttribute('for')")
    assert any(v.startswith("label:") for v in axe_violations(axe_page))


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_representation_group_with_errors_has_no_violations(axe_page, live_server, locale):
    """An NGO that says neither how many people it represents nor how they agreed: the group's errors pass axe."""
    axe_page.goto(f"{live_server.url}/{locale}/report")
    axe_page.locator("#filer_type-3").check()  # an NGO
    axe_page.locator("main form button.button-primary").click()
    axe_page.locator("#community").fill("Kasulo")
    axe_page.locator("main form button.button-primary").click()
    assert axe_page.locator("#mandate_consent-error").is_visible()
    assert axe_page.locator("#people_represented-error").is_visible()
    assert axe_violations(axe_page) == []


def test_representation_on_the_staff_and_follow_up_pages_has_no_violations(axe_page, live_server):
    """The staff case page's "Representation" section (with the request form open and answered with an error) and
    the representative's follow-up page with their mandate's status and the mandate field."""
    from tests.browser.test_staff_journey import _log_in, _officer

    page = axe_page

    def group(page):
        page.locator("#people_represented").fill("40")
        page.locator("#households_represented").fill("12")
        page.locator("#community").fill("Jamii ya Kasulo")
        page.locator("#mandate_consent").fill("Tulikutana tarehe 3 Mei; wafanyakazi 40 walikubali.")

    receipt, reference = file_in_browser(
        page,
        live_server.url,
        description="Kampuni imezungushia uzio mashamba na visima vya kijiji chetu tangu Machi.",
        fill={"who": lambda page: page.locator("#filer_type-3").check(), "group": group},
    )
    page.goto(f"{live_server.url}/sw/follow-up")
    page.locator("#receipt").fill(receipt)
    page.locator("button[type=submit]").click()
    assert page.locator("#mandate-status").is_visible()
    assert axe_violations(page) == []
    page.locator("form[action$=leave] button").click()

    email = f"mandate-{page.viewport_size['width']}@journey.test"
    _log_in(page, live_server.url, email, _officer(live_server.app, email, "en"), words(live_server.app, "en"))
    page.goto(f"{live_server.url}/staff/cases/{reference}")
    assert page.locator("#representation").is_visible()
    page.locator("#representation summary").click()
    assert axe_violations(page) == []
    page.locator("form[action$='mandate/request'] button[type=submit]").click()  # empty: an error comes back
    page.wait_for_load_state()  # the answer is a long page: read it once it has loaded
    assert page.locator("#representation .error").is_visible()
    assert axe_violations(page) == []
    page.locator("form[action$=logout] button").click()


@pytest.mark.parametrize("locale", ["sw", "ar"])
def test_meetings_on_the_staff_case_page_and_the_follow_up_page_have_no_violations(axe_page, live_server, locale):
    """The "Language and interpreter" and "Meetings" sections (every form opened) and a follow-up page that lists an
    upcoming hearing."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from portal.cases.meetings import MeetingInput, MeetingKind, schedule_meeting, set_language_needs
    from portal.cases.models import Case
    from portal.extensions import db
    from portal.users.models import User
    from tests.browser.test_staff_journey import _log_in, _officer

    page, app = axe_page, live_server.app
    spoken = "Kikechua" if locale == "sw" else "Quechua"
    receipt, reference = file_in_browser(
        page, live_server.url, locale, fill={"contact": lambda form: form.locator("#spoken_language").fill(spoken)}
    )

    email = f"meetings-{locale}@journey.test"
    secret = _officer(app, email, locale)
    with app.test_request_context():
        officer = db.session.scalar(select(User).where(User.email == email))
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        set_language_needs(case, officer, case.language, True, "swc", "Prefers a woman interpreter.")
        given = MeetingInput(
            kind=MeetingKind.HEARING,
            starts_at=datetime.now(UTC) + timedelta(days=20),
            timezone="Africa/Lubumbashi",
            duration_minutes=90,
            place="Salle communale, Kolwezi",
            joining="Signal: +243 800 000 111",
            interpreter_language="swc",
            participants="The complainant and a companion; the panel",
            company_invited=False,
        )
        schedule_meeting(case, officer, given)
        db.session.commit()

    page.goto(f"{live_server.url}/{locale}/follow-up")
    page.locator("#receipt").fill(receipt)
    page.locator("button[type=submit]").click()
    assert page.locator("#meetings").is_visible()
    assert axe_violations(page) == []
    page.locator("form[action$=leave] button").click()

    _log_in(page, live_server.url, email, secret, words(app, "en"))  # the login page follows the browser: English
    page.goto(f"{live_server.url}/staff/cases/{reference}")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.locator("#interpreter").is_visible() and page.locator("#meetings").is_visible()
    assert axe_violations(page) == []
    # The forms' own pages (portal/cases/meeting_views.py), reached from the case page's links, and one with errors.
    found = {}
    for link in ("#interpreter a", "#meetings article a", "#meetings > p a.button"):
        page.goto(f"{live_server.url}/staff/cases/{reference}")
        page.locator(link).first.click()
        expect(page.locator("main form[novalidate]")).to_be_visible()
        if violations := axe_violations(page):
            found[link] = violations
    page.locator("main form[novalidate] button[type=submit]").click()  # the new meeting, empty: errors
    expect(page.locator(".error-summary")).to_be_visible()
    if violations := axe_violations(page):
        found["errors"] = violations
    assert found == {}
    page.locator("form[action$=logout] button").click()
