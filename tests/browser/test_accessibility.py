"""axe-core (WCAG 2.2 A/AA) on every public page, in five languages, at phone and desktop widths."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE
from tests.samples import upload  # noqa: F401 - keeps the samples module importable for the journeys

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LOCALES = ["en", "ar", "sw", "zh_Hans", "hi"]
PAGES = ["/", "/procedure", "/privacy", "/report", "/follow-up", "/no-such-page"]

_axe = Axe()


def axe_violations(page) -> list[str]:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']}: {node['target']} {violation['help']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.fixture(scope="module", params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def axe_page(request, browser):
    context = browser.new_context(viewport=request.param)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_public_pages_have_no_violations(axe_page, live_server, locale):
    found = {}
    for path in PAGES:
        axe_page.goto(f"{live_server.url}/{locale}{path}")
        violations = axe_violations(axe_page)
        if violations:
            found[path] = violations
    assert found == {}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_form_with_errors_has_no_violations(axe_page, live_server, locale):
    axe_page.goto(f"{live_server.url}/{locale}/report")
    axe_page.locator("button[type=submit]").click()
    assert axe_page.locator(".error-summary").is_visible()
    assert axe_violations(axe_page) == []


def test_receipt_and_case_pages_have_no_violations(axe_page, live_server):
    page = axe_page
    page.goto(f"{live_server.url}/sw/report")
    page.locator("#filer_type-0").check()
    page.locator("#categories-0").check()
    page.locator("#description").fill("Watoto wanafanya kazi usiku kwenye ghala la kobalti bila kinga.")
    page.locator("#country").select_option("CD")
    page.locator("#commodity-2").check()
    page.locator("#consent").check()
    page.locator("button[type=submit]").click()
    assert axe_violations(page) == []
    receipt = page.locator(".receipt").inner_text()
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
    axe_page.goto(f"{live_server.url}/en/report")
    axe_page.evaluate("document.querySelector('label[for=description]').removeAttribute('for')")
    assert any(v.startswith("label:") for v in axe_violations(axe_page))


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_representation_group_with_errors_has_no_violations(axe_page, live_server, locale):
    """An NGO that says neither how many people it represents nor how they agreed: the group's errors pass axe."""
    axe_page.goto(f"{live_server.url}/{locale}/report")
    axe_page.locator("#filer_type-3").check()  # an NGO
    axe_page.locator("#community").fill("Kasulo")
    axe_page.locator("button[type=submit]").click()
    assert axe_page.locator("#mandate_consent-error").is_visible()
    assert axe_page.locator("#people_represented-error").is_visible()
    assert axe_violations(axe_page) == []


def test_representation_on_the_staff_and_follow_up_pages_has_no_violations(axe_page, live_server):
    """The staff case page's "Representation" section (with the request form open and answered with an error) and
    the representative's follow-up page with their mandate's status and the mandate field."""
    from tests.browser.helpers import words
    from tests.browser.test_staff_journey import _log_in, _officer

    page = axe_page
    page.goto(f"{live_server.url}/sw/report")
    page.locator("#filer_type-3").check()
    page.locator("#people_represented").fill("40")
    page.locator("#households_represented").fill("12")
    page.locator("#community").fill("Jamii ya Kasulo")
    page.locator("#mandate_consent").fill("Tulikutana tarehe 3 Mei; wafanyakazi 40 walikubali.")
    page.locator("#categories-6").check()
    page.locator("#description").fill("Kampuni imezungushia uzio mashamba na visima vya kijiji chetu tangu Machi.")
    page.locator("#country").select_option("CD")
    page.locator("#commodity-2").check()
    page.locator("#consent").check()
    page.locator("button[type=submit]").click()
    receipt = page.locator(".receipt").inner_text()
    reference = page.locator(".reference").inner_text().strip()
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
    assert page.locator("#representation .error").is_visible()
    assert axe_violations(page) == []
    page.locator("form[action$=logout] button").click()
