"""Phone-width layout of the public pages: the language menu opens inside the screen in every script, and the
procedure's timeline is drawn (screenshots for reviewers in Swahili and Arabic)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE

WIDTHS = [320, 360]
MENU_LOCALES = ["en", "nl", "fr", "es", "sw", "ar", "hi"]


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda width: f"{width}px")
def narrow_page(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def _inside(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    return {"left": box["x"], "right": box["x"] + box["width"], "width": width}


@pytest.mark.parametrize("locale", MENU_LOCALES)
@pytest.mark.parametrize("path", ["/", "/procedure"])
def test_open_language_menu_fits_the_screen(narrow_page, live_server, locale, path):
    page = narrow_page
    page.goto(f"{live_server.url}/{locale}{path}")
    page.locator(".languages summary").click()
    assert page.locator(".languages ul").is_visible()
    for selector in [".languages summary", ".languages ul"]:
        edges = _inside(page, selector)
        assert edges["left"] >= 0, (selector, edges)
        assert edges["right"] <= edges["width"], (selector, edges)
    # Nothing forces the page wider than the screen either.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_language_menu_after_a_sent_form(narrow_page, live_server):
    """After a form comes back with an error the menu is still there, and its links open the GET page."""
    page = narrow_page
    page.goto(f"{live_server.url}/sw/follow-up")
    page.locator("#receipt").fill("0000 0000 0000 0000")
    page.locator("main button[type=submit]").click()
    page.locator(".languages summary").click()
    page.locator('.languages a[hreflang="ar"]').click()
    assert page.url.endswith("/ar/follow-up")
    assert page.locator("html").get_attribute("dir") == "rtl"


@pytest.mark.parametrize("locale", ["sw", "ar", "hi", "fr", "zh_Hans", "nl"])
def test_procedure_timeline_at_phone_width(browser, live_server, shoot, locale):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/{locale}/procedure")
    svg = page.locator(".timeline-svg")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Every label stays inside the drawing: none is cut at either edge.
    overflow = page.evaluate(
        """() => {
            const svg = document.querySelector('.timeline-svg').getBoundingClientRect();
            return [...document.querySelectorAll('.timeline-svg text')]
                .map(t => t.getBoundingClientRect())
                .filter(r => r.left < svg.left - 1 || r.right > svg.right + 1).length;
        }"""
    )
    assert overflow == 0
    if locale in ("sw", "ar"):
        shoot(page, "procedure")
    context.close()


@pytest.mark.parametrize("locale", ["en", "ar", "sw", "zh_Hans", "hi"])
@pytest.mark.parametrize("width", [360, 1280])
def test_procedure_glossary_and_open_menu_pass_axe(browser, live_server, locale, width):
    """The glossary section and the open language menu, as axe-core sees them (the closed pages are in
    test_accessibility.py)."""
    from tests.browser.test_accessibility import axe_violations

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/{locale}/procedure#words")
    page.locator(".languages summary").click()
    assert page.locator(".languages ul").is_visible()
    assert axe_violations(page) == []
    context.close()
