"""The complaint form's steps in a real Chromium at 360x740 with JavaScript off, as a worker uses them: a voice note
instead of writing, a saved photo, errors that keep everything, the back button, a reload of the receipt page. Each
step's weight on the wire and height in screens are measured and printed (pytest -s) for the issue note."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.cases.models import Attachment, Case
from portal.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import CONTINUE, PHOTO, VOICE_NOTE, exact, step_of, walk_steps, words
from tests.browser.test_accessibility import axe_violations

BUDGET_BYTES = 40 * 1024
SCREEN = PHONE["height"]


def _cases(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def _measure(page, wire: dict) -> tuple[int, float, int]:
    """(bytes on the wire: the page and its style sheet, as compressed and sent; screens at this width; words to
    read in the page's main part, the form, without the header and footer every page has)."""
    height = page.locator("html").bounding_box()["height"]
    words = len(page.locator("main").inner_text().split())
    for chooser in page.locator("select").all():  # a long list is scrolled, not read: count what it shows
        words -= len(chooser.inner_text().split()) - len(chooser.locator("option").first.inner_text().split())
    return wire["document"] + wire.get("stylesheet", 0), height / SCREEN, words


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    wire: dict = {}

    def note(request):
        if request.resource_type in ("document", "stylesheet"):
            sizes = request.sizes()
            wire[request.resource_type] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", note)
    page.wire = wire
    yield page
    context.close()


@pytest.mark.parametrize("locale", ["sw", "ar", "hi", "en"])
def test_anonymous_complaint_by_voice_note_and_saved_photo(phone, live_server, shoot, locale, record_property):
    t = words(live_server.app, locale)
    page = phone
    before = _cases(live_server.app)
    page.goto(f"{live_server.url}/{locale}/report")
    figures = {}

    def measured(fill):
        def answer(page):
            figures[step_of(page)] = _measure(page, page.wire)
            fill(page)

        return answer

    def what(page):
        page.get_by_label(t("Record a voice note")).set_input_files(VOICE_NOTE)
        page.get_by_label(t("Choose a file")).set_input_files([PHOTO])  # a saved photo, not the camera

    def where(page):
        page.get_by_label(exact(t("Country"))).select_option("CD")
        page.get_by_label(t("Cobalt")).check()

    walked = walk_steps(
        page,
        {
            "who": measured(lambda page: page.get_by_label(t("I am affected myself")).check()),
            "what": measured(what),
            "kind": measured(lambda page: page.get_by_label(t("Child labour")).check()),
            "where": measured(where),
            "wish": measured(lambda page: None),
            "contact": measured(lambda page: expect(page.get_by_label(t("Yes, stay anonymous"))).to_be_checked()),
        },
        shoot,
    )
    assert walked == ["who", "what", "kind", "where", "wish", "contact"]
    # The check page lists both files; nothing was written.
    expect(page.locator("main")).to_contain_text(f"{VOICE_NOTE['name']}, {PHOTO['name']}")
    figures["check"] = _measure(page, page.wire)
    shoot(page, "check")
    page.get_by_label(
        t("I agree that the committee and its office use what I send, as the privacy page explains.")
    ).check()
    page.get_by_role("button", name=t("Send my complaint")).click()
    receipt = page.locator(".receipt").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    assert _cases(live_server.app) == before + 1
    with live_server.app.app_context():
        case = db.session.scalar(select(Case).order_by(Case.id.desc()))
        kinds = sorted(a.content_type for a in db.session.scalars(select(Attachment)) if a.entry.case_id == case.id)
        assert kinds == ["audio/x-wav", "image/jpeg"] and case.anonymous
    # A reload of the receipt page files nothing new and shows the receipt no more.
    page.reload()
    assert _cases(live_server.app) == before + 1
    assert receipt not in page.content()
    total_words = 0
    for slug, (weight, screens, count) in figures.items():
        record_property(f"{locale}-{slug}", f"{weight} B, {screens:.2f} screens, {count} words")
        print(f"{locale} {slug}: {weight} bytes, {screens:.2f} screens at 360x740, {count} words")
        total_words += count
        assert weight < BUDGET_BYTES, slug
        assert screens <= 2.0, slug
    print(f"{locale}: {total_words} words across the journey")


def test_an_error_shows_a_linked_summary_and_keeps_everything(phone, live_server, shoot):
    t = words(live_server.app, "sw")
    page = phone
    page.goto(f"{live_server.url}/sw/report")
    page.locator("#filer_type-4").check()
    page.locator(CONTINUE).click()
    page.locator("#description").fill("Walinzi walimpiga mfanyakazi aliyeomba mshahara wake.")
    page.locator(CONTINUE).click()
    page.locator("#categories-3").check()
    page.locator(CONTINUE).click()
    assert step_of(page) == "where"
    page.locator("#place").fill("Kolwezi")
    page.locator(CONTINUE).click()  # no country, no metal
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    assert page.title().startswith(t("Error:"))
    expect(summary.locator("a[href='#country']")).to_be_visible()
    expect(summary.locator("a[href='#commodity-0']")).to_be_visible()
    expect(page.locator("#country-error")).to_be_visible()
    border = page.locator("#country").evaluate("e => getComputedStyle(e).borderTopColor")
    assert border == "rgb(176, 0, 32)"  # the error red, on a select too
    expect(page.locator("#place")).to_have_value("Kolwezi")
    shoot(page, "error")
    summary.locator("a[href='#country']").click()
    assert page.url.endswith("#country")
    # The back link goes to the page before, with its answers still there.
    page.get_by_role("link", name=t("Back"), exact=True).click()
    expect(page.locator("#categories-3")).to_be_checked()
    page.get_by_role("link", name=t("Back"), exact=True).click()
    expect(page.locator("#description")).to_have_value("Walinzi walimpiga mfanyakazi aliyeomba mshahara wake.")


def back(page) -> None:
    """The browser's back button, once the page it leaves has loaded (Chromium refuses history navigation while the
    frame is still being swapped in: "Not attached to an active page")."""
    page.wait_for_load_state("load")
    page.go_back()


def test_the_browser_back_button_loses_nothing(phone, live_server):
    page = phone
    page.goto(f"{live_server.url}/ar/report")
    page.locator("#filer_type-0").check()
    page.locator(CONTINUE).click()
    page.locator("#description").fill("كان الأطفال يحملون أكياس الكوبالت ليلًا في المستودع.")
    page.locator(CONTINUE).click()
    page.locator("#categories-0").check()
    page.locator(CONTINUE).click()
    page.locator("#country").select_option("CD")
    page.locator("#place").fill("Likasi")
    page.locator("#commodity-2").check()
    page.locator(CONTINUE).click()
    assert step_of(page) == "wish"
    back(page)
    assert step_of(page) == "where"
    expect(page.locator("#place")).to_have_value("Likasi")
    expect(page.locator("#country")).to_have_value("CD")
    expect(page.locator("#commodity-2")).to_be_checked()
    back(page)
    assert step_of(page) == "kind"
    expect(page.locator("#categories-0")).to_be_checked()
    back(page)
    assert step_of(page) == "what"
    expect(page.locator("#description")).to_have_value("كان الأطفال يحملون أكياس الكوبالت ليلًا في المستودع.")
    back(page)
    expect(page.locator("#filer_type-0")).to_be_checked()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("locale", ["en", "ar", "hi", "zh_Hans", "sw"])
def test_every_step_has_no_axe_violations(browser, live_server, locale, viewport):
    """Every page, the ones that need answers too (whom a representative speaks for, contact details, the check
    page), and each page's error state."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    found = {}

    def check(page):
        slug = step_of(page)
        violations = axe_violations(page)
        if slug in ("who", "group", "what", "kind", "where", "identity"):  # a required question: sent empty, it errs
            page.locator(CONTINUE).click()
            assert page.locator(".error-summary").count(), slug
            violations += axe_violations(page)
        if violations:
            found[slug] = violations

    def answered(fill):
        def answer(page):
            check(page)
            fill(page)

        return answer

    page.goto(f"{live_server.url}/{locale}/report")
    walk_steps(
        page,
        {
            "who": answered(lambda page: page.locator("#filer_type-2").check()),  # a union
            "group": answered(
                lambda page: [
                    page.locator("#people_represented").fill("40"),
                    page.locator("#mandate_consent").fill("1"),
                ]
            ),
            "what": answered(lambda page: page.locator("#description").fill("x" * 40)),
            "kind": answered(lambda page: page.locator("#categories-0").check()),
            "where": answered(
                lambda page: [page.locator("#country").select_option("CD"), page.locator("#commodity-2").check()]
            ),
            "wish": answered(lambda page: None),
            "contact": answered(lambda page: page.locator("#anonymous-1").check()),
            "identity": answered(lambda page: page.locator("#name").fill("Amani")),
        },
    )
    violations = axe_violations(page)  # the check page
    page.locator(CONTINUE).click()  # without agreeing: the check page's error
    violations += axe_violations(page)
    if violations:
        found["check"] = violations
    context.close()
    assert found == {}
