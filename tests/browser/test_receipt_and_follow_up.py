"""The receipt and follow-up pages in a real browser at phone width, without JavaScript, in Swahili, Arabic and
Hindi: the receipt on one line, the committee's open question first with its date; axe-core on both pages."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from playwright.sync_api import expect
from sqlalchemy import select

from portal.cases.models import Case
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, Role
from portal.core.contact import SecretariatContact
from portal.core.i18n import day
from portal.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.helpers import file_in_browser
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_staff_journey import _officer

QUESTION = {
    "sw": "Watoto wangapi wanafanya kazi ghalani usiku?",
    "ar": "كم عدد الأطفال الذين يعملون في المستودع ليلًا؟",
    "hi": "रात में गोदाम में कितने बच्चे काम करते हैं?",
    "en": "How many children work at the depot at night?",
    "zh_Hans": "晚上有多少儿童在仓库工作？",
}
CONTACT = SecretariatContact(
    phone="+243 800 000 111",
    whatsapp="+243 800 000 333",
    email="help@covenant.example",
    postal=("Covenant secretariat", "PO Box 12", "Lubumbashi"),
    hours="Mon–Fri 08:00–17:00",
)


@pytest.fixture
def without_script(browser):
    """A phone at 360x740 that runs no JavaScript: every page must work as it is served."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def contact(live_server):
    live_server.app.extensions["portal_contact"] = CONTACT
    yield CONTACT
    live_server.app.extensions["portal_contact"] = SecretariatContact.from_config(live_server.app.config)


def _ask(app, reference: str, question: str) -> str:
    """The secretariat confirms the case and asks a question; returns the answer-by date in the person's words."""
    _officer(app, "asks@journey.test", "en")
    with app.test_request_context():
        from portal.users.models import User

        officer = db.session.scalar(select(User).where(User.email == "asks@journey.test"))
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        take_action(case, Action.ACKNOWLEDGE, officer, Role.SECRETARIAT, reasons="Received.")
        take_action(case, Action.REQUEST_INFO, officer, Role.SECRETARIAT, given=ActionInput(message=question))
        db.session.commit()
        with force_locale(case.submission_locale):
            return day(case.info_request_due_at, "long")


def _open(page, base_url: str, locale: str, receipt: str) -> None:
    page.goto(f"{base_url}/{locale}/follow-up")
    page.locator("#receipt").fill(receipt)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()  # read the case page once it has loaded (a busy machine serves it slowly)
    expect(page).to_have_url(re.compile(rf"/{locale}/follow-up/case$"))


def _one_line(page) -> None:
    digits = page.locator(".receipt span")
    box = digits.bounding_box()
    line = float(digits.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert box["height"] < 1.5 * line, (box, line)  # one line, not two
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)  # and not cut off either


@pytest.mark.parametrize("locale", ["sw", "ar", "hi"])
def test_receipt_on_one_line_and_the_open_question_first(without_script, live_server, shoot, locale):
    page, app = without_script, live_server.app
    receipt, reference = file_in_browser(page, live_server.url, locale)
    assert len(receipt.replace(" ", "")) == 16
    _one_line(page)
    shoot(page, "receipt")
    page.set_viewport_size({"width": 320, "height": 640})  # the smallest phones too
    _one_line(page)
    page.set_viewport_size(PHONE)

    due = _ask(app, reference, QUESTION[locale])
    _open(page, live_server.url, locale, receipt)
    question = page.locator("#question")
    expect(question).to_be_visible()
    assert QUESTION[locale] in question.inner_text() and due in question.inner_text()
    # At the top: above where the case stands and the history, within the first screen.
    assert question.bounding_box()["y"] < page.locator(".status").bounding_box()["y"]
    assert question.bounding_box()["y"] < PHONE["height"]
    assert page.locator(".progress [aria-current=step]").count() == 1
    shoot(page, "follow-up")
    page.locator("#question a[href='#message']").click()  # the jump to the reply field, without any script
    assert page.url.endswith("#message")
    page.locator("form[action$=leave] button").click()


@pytest.mark.parametrize("locale", ["en", "ar", "sw", "zh_Hans", "hi"])
def test_receipt_and_follow_up_pages_have_no_violations(axe_page, live_server, contact, locale):
    """With everything on them: the promise, a question open, the road of stages, icons and the contacts."""
    page = axe_page
    receipt, reference = file_in_browser(page, live_server.url, locale)
    assert axe_violations(page) == []
    _ask(live_server.app, reference, QUESTION[locale])
    page.goto(f"{live_server.url}/{locale}/follow-up")
    expect(page.locator(".contact")).to_be_visible()
    assert axe_violations(page) == []
    _open(page, live_server.url, locale, receipt)
    expect(page.locator("#question")).to_be_visible()
    expect(page.locator(".contact")).to_be_visible()
    page.locator("details summary").last.click()  # "What you told us", with the category icons
    assert axe_violations(page) == []
    page.locator("form[action$=leave] button").click()
