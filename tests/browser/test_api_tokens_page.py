"""API tokens on the account page in a real browser: axe-core (WCAG 2.2 A/AA) with zero violations at phone and
desktop widths in English and Arabic on the account page with tokens, the creation form (also with its errors) and
the page showing a new token; and a keyboard-only walk: create a token, see it once, revoke it."""

from __future__ import annotations

import re
import secrets
import urllib.error
import urllib.request

import pyotp
import pytest

from portal.api.tokens import issue, revoke
from portal.core.db import utcnow
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import User
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import exact, words
from tests.browser.test_accessibility import axe_violations

PASSWORD = "a long and careful passphrase"
SECRET = re.compile(r"cvp_[A-Za-z0-9_-]{43}")


def _member(app, locale: str) -> tuple[str, str]:
    """A member of a verified NGO speaking ``locale``, with an active and a revoked token; (email, TOTP secret)."""
    suffix = secrets.token_hex(4)
    email = f"field-{suffix}@ngo.example"
    with app.app_context():
        ngo = Organisation(name=f"Mining Watch {suffix}", kind=OrganisationKind.NGO, country="CD", verified=True)
        user = User(email=email, name="Amani", role="organisation", organisation=ngo, locale=locale)
        user.set_password(PASSWORD)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.add_all([ngo, user])
        db.session.flush()
        issue(user, "Case system", ["public:read", "org:read"], 90)
        old, _secret = issue(user, "Old spreadsheet", ["org:write"], 30)
        revoke(old, user)
        db.session.commit()
        return email, user.totp_secret


def _log_in(page, base_url: str, app, email: str, totp: str) -> None:
    t = words(app, "en")  # the login page speaks the browser's language; the account's own afterwards
    page.context.clear_cookies()
    page.goto(f"{base_url}/staff/login")
    page.get_by_label(exact(t("Email"))).fill(email)
    page.get_by_label(exact(t("Password"))).fill(PASSWORD)
    page.get_by_role("button", name=t("Continue")).click()
    page.get_by_label(t("6-digit code from your authenticator app")).fill(pyotp.TOTP(totp).now())
    page.get_by_role("button", name=t("Log in")).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_token_pages_have_no_violations(axe_page, live_server, locale):
    app, t = live_server.app, words(live_server.app, locale)
    email, totp = _member(app, locale)
    _log_in(axe_page, live_server.url, app, email, totp)

    axe_page.goto(f"{live_server.url}/staff/account")
    assert axe_page.locator("html").get_attribute("lang").startswith(locale)
    assert axe_page.locator("#tokens-heading + p, #tokens-heading ~ div table").count() >= 1
    assert axe_page.get_by_text(t("Revoked"), exact=True).count() == 1
    assert axe_violations(axe_page) == [], "account page with tokens"

    axe_page.get_by_role("link", name=t("Create a token")).click()
    assert axe_violations(axe_page) == [], "creation form"
    axe_page.get_by_role("button", name=t("Create the token")).click()
    assert axe_page.locator(".error-summary").count() == 1
    assert axe_violations(axe_page) == [], "creation form with errors"

    axe_page.get_by_label(t("Name of the token")).fill("Rapports")
    axe_page.locator('input[name="scopes"][value="org:read"]').check()
    axe_page.get_by_role("button", name=t("Create the token")).click()
    assert SECRET.fullmatch(axe_page.locator("#new-token").input_value())
    assert axe_violations(axe_page) == [], "the new token"


def _tab_to(page, predicate: str, what: str) -> None:
    """Press Tab until ``predicate`` (JavaScript about ``el``, the focused element) holds: reachable by keyboard."""
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate}); }})()"):
            return
    raise AssertionError(f"{what} is not reachable with the Tab key")


def _named(text: str) -> str:
    return f"el.innerText.trim().startsWith({text!r})"


def test_keyboard_walk_create_see_once_revoke(browser, live_server):
    app, t = live_server.app, words(live_server.app, "en")
    email, totp = _member(app, "en")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _log_in(page, live_server.url, app, email, totp)
    page.goto(f"{live_server.url}/staff/account")

    _tab_to(page, _named(t("Create a token")), "Create a token")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/account/tokens/new$"))
    _tab_to(page, "el.id === 'name'", "the name field")
    page.keyboard.type("Monthly report")
    for scope in ("public:read", "org:read"):
        _tab_to(page, f"el.name === 'scopes' && el.value === '{scope}'", scope)
        page.keyboard.press("Space")
    _tab_to(page, _named(t("Create the token")), "Create the token")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    secret = page.locator("#new-token").input_value()
    assert SECRET.fullmatch(secret)
    assert f"Authorization: Bearer {secret}" in page.locator("pre").first.inner_text()
    me = urllib.request.Request(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    with urllib.request.urlopen(me) as answer:
        assert answer.status == 200

    _tab_to(page, _named(t("I have copied it: back to my account")), "back to my account")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/account#tokens-heading$"))
    assert secret not in page.content()  # shown once: the list has only its first characters
    assert page.get_by_text(f"{secret[:12]}…").count() == 1

    _tab_to(page, _named(t("Revoke")) + " && el.innerText.includes('Monthly report')", "Revoke: Monthly report")
    page.keyboard.press("Enter")  # opens the confirmation
    _tab_to(page, _named(t("Revoke “%(name)s” now", name="Monthly report")), "the confirming button")
    with page.expect_navigation():  # back to the same address, after the POST
        page.keyboard.press("Enter")
    assert page.get_by_text(t("The token “%(name)s” is revoked: it no longer works.", name="Monthly report")).count()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(me)
    assert refused.value.code == 401
    context.close()
