"""The committee's side in a real browser: a case officer logs in with password and TOTP, acknowledges a case,
asks a question; the worker reads it in Swahili and answers; the officer reads the answer. Staff pages pass axe."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.core.db import utcnow
from portal.extensions import db
from portal.users.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import exact, words
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_journeys import _file_anonymously

PASSWORD = "a long and careful passphrase"


def _officer(app, email: str, locale: str) -> str:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=f"Officer {locale}", role="secretariat", locale=locale)
            user.set_password(PASSWORD)
            user.totp_secret = pyotp.random_base32()
            user.totp_confirmed_at = utcnow()
            db.session.add(user)
            db.session.commit()
        return user.totp_secret


def _log_in(page, base_url: str, email: str, secret: str, t) -> None:
    page.goto(f"{base_url}/staff/login")
    page.get_by_label(exact(t("Email"))).fill(email)
    page.get_by_label(exact(t("Password"))).fill(PASSWORD)
    page.get_by_role("button", name=t("Continue")).click()
    page.get_by_label(t("6-digit code from your authenticator app")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=t("Log in")).click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def test_officer_and_worker_talk_through_the_case(browser, live_server, shoot):
    app = live_server.app
    sw, en = words(app, "sw"), words(app, "en")
    worker = browser.new_context(viewport=PHONE, java_script_enabled=False)
    worker_page = worker.new_page()
    worker_page.goto(f"{live_server.url}/sw/")
    receipt = _file_anonymously(worker_page, sw, shoot)
    reference = worker_page.locator(".reference").inner_text().strip()

    secret = _officer(app, "officer@journey.test", "en")
    officer = browser.new_context(viewport=DESKTOP)
    page = officer.new_page()
    _log_in(page, live_server.url, "officer@journey.test", secret, en)
    shoot(page, "dashboard")
    page.goto(f"{live_server.url}/staff/cases/{reference}")
    page.get_by_text(en("Acknowledge receipt"), exact=True).first.click()  # opens the step's details
    page.get_by_role("button", name=en("Acknowledge receipt")).click()
    page.get_by_text(en("Ask the complainant a question"), exact=True).first.click()
    page.get_by_label(en("Question for the complainant, in their language")).fill("Je, watoto wangapi huko?")
    page.get_by_role("button", name=en("Ask the complainant a question")).click()
    expect(page.get_by_text("Je, watoto wangapi huko?").first).to_be_visible()
    shoot(page, "asked")

    worker_page.goto(f"{live_server.url}/sw/follow-up")
    worker_page.get_by_label(sw("Your 16-digit receipt")).fill(receipt)
    worker_page.get_by_role("button", name=sw("Open my case")).click()
    # The open question stands at the top of the page, in its own region (and again in the history below).
    question = worker_page.get_by_role("region", name=sw("The committee asks you a question"))
    expect(question.get_by_text("Je, watoto wangapi huko?")).to_be_visible()
    expect(worker_page.get_by_text(sw("Waiting for your answer"), exact=True)).to_be_visible()
    worker_page.get_by_label(sw("Your message")).fill("Watoto kumi na wawili.")
    worker_page.get_by_role("button", name=sw("Send message")).click()
    shoot(worker_page, "answered")

    page.reload()
    expect(page.get_by_text("Watoto kumi na wawili.")).to_be_visible()
    shoot(page, "answer-seen")
    worker.close()
    officer.close()


@pytest.mark.parametrize("locale", ["en", "ar", "sw", "zh_Hans", "hi"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_pages_have_no_accessibility_violations(browser, live_server, locale, viewport):
    app = live_server.app
    t = words(app, "en")  # before login the pages follow the browser's language (English here)
    # One account per run: logging the same one in twice within 30 s would replay its TOTP code (refused).
    email = f"axe-{locale.lower()}-{viewport['width']}@journey.test"
    secret = _officer(app, email, locale)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/login")
    assert axe_violations(page) == []
    _log_in(page, live_server.url, email, secret, t)
    found = {}
    for path in ["/staff/", "/staff/cases", "/staff/account"]:
        page.goto(f"{live_server.url}{path}")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    reference = page.locator("table.list a").first.text_content() if page.locator("table.list a").count() else None
    page.goto(f"{live_server.url}/staff/cases")
    first = page.locator("table.list tbody a").first
    if first.count():
        first.click()
        violations = axe_violations(page)
        if violations:
            found["case page"] = violations
    assert page.locator("html").get_attribute("lang") == locale.replace("_", "-")  # the officer's own language
    assert found == {}, reference
    context.close()
