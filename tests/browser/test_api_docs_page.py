"""The API's documentation page in a real browser: axe-core (WCAG 2.2 A/AA) with zero violations at phone and
desktop widths in English and Arabic, no request leaves the portal, and no script at all."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import axe_violations


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_api_docs_page_has_no_violations(axe_page, live_server, locale):
    response = axe_page.goto(f"{live_server.url}/api/v1/docs?lang={locale}")
    assert response is not None and response.ok
    assert axe_page.locator("html").get_attribute("lang").startswith(locale)
    assert axe_page.locator("#problem-not-found").count() == 1
    assert axe_page.locator("#get-api-v1-register").count() == 1
    assert axe_violations(axe_page) == []


def test_api_docs_page_loads_nothing_from_elsewhere_and_no_script(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs", wait_until="load")
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert page.locator("script").count() == 0
    context.close()
