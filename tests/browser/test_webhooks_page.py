"""The organisation's webhooks page in a real browser, at phone and desktop width, in English and Arabic: an admin
signs in, adds a webhook with the form (the secret is shown once), sends a test event that fails (the log names
why) — axe-core finds no violation at any step, and the page uses no script."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from portal.core import tasks
from portal.core.roles import Role
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import exact, words
from tests.browser.test_org_journey import _account, _log_in, _ngo, _no_violations


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_admin_adds_a_webhook_and_reads_its_log(browser, live_server, viewport, locale):
    app, t = live_server.app, words(live_server.app, locale)
    suffix = secrets.token_hex(3)
    ngo = _ngo(app, f"Haki Madini {suffix}")
    email = f"hooks-{suffix}@ngo.test"
    secret = _account(app, email, Role.ORGANISATION, ngo, organisation_admin=True, locale=locale)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _log_in(page, live_server.url, email, secret, words(app, "en"))  # the sign-in page speaks the browser's English
    expect(page).to_have_url(re.compile(r"/org/$"))

    page.get_by_role("link", name=exact(t("Webhooks"))).first.click()
    expect(page).to_have_url(re.compile(r"/org/webhooks$"))
    assert page.locator("html").get_attribute("lang").startswith(locale)
    _no_violations(page, "empty")

    page.get_by_role("button", name=t("Add the webhook")).click()  # nothing filled in: the errors pass axe too
    _no_violations(page, "errors")

    page.get_by_label(t("Receiver's address (https)")).fill("http://127.0.0.1:9/hook")  # nobody listens there
    page.get_by_label(t("A case changed state")).check()
    page.get_by_label(t("A question waits for our answer")).check()
    page.get_by_role("button", name=t("Add the webhook")).click()
    shown = page.locator("#new-secret code").inner_text()
    assert shown.startswith("whsec_")
    _no_violations(page, "secret shown")

    page.get_by_role("button", name=t("Send a test event")).click()
    tasks.queue_of(app).run_pending()  # the worker: the receiver's port refuses the connection
    page.reload()
    expect(page.locator("#deliveries")).to_contain_text(t("Could not connect"))
    assert shown not in page.content()  # never shown again
    assert page.locator("script").count() == 0
    _no_violations(page, "log")
    context.close()
