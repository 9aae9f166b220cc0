"""An NGO's field worker in a real browser, at phone and desktop width: signs in with password and TOTP, reaches
"File on behalf of people" with the keyboard, files for three families about child labour with a guardian's
consent, and gets the families' own receipt; then finds the case under "Our cases" and follows a theme. Every new
page passes axe (the organisation's home, the invitation form and page, the organisation's form pages, the receipt
with the people's receipts, our cases, a case, the themes and a theme, the staff's section)."""

from __future__ import annotations

import re
import secrets

import pyotp
import pytest
from playwright.sync_api import expect

from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.orgs.operations import invitation_hash
from portal.users.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import exact, walk_steps, words
from tests.browser.test_accessibility import axe_violations

PASSWORD = "a long and careful passphrase"


def _account(app, email: str, role: str, organisation_id: int | None, **fields) -> str:
    with app.app_context():
        user = User(email=email, name=email.split("@")[0].title(), role=role, organisation_id=organisation_id, **fields)
        user.set_password(PASSWORD)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user.totp_secret


def _ngo(app, name: str) -> int:
    with app.app_context():
        organisation = Organisation(name=name, kind=OrganisationKind.NGO, country="CD", verified=True)
        db.session.add(organisation)
        db.session.commit()
        return organisation.id


def _log_in(page, base_url: str, email: str, secret: str, t) -> None:
    page.goto(f"{base_url}/staff/login")
    page.get_by_label(exact(t("Email"))).fill(email)
    page.get_by_label(exact(t("Password"))).fill(PASSWORD)
    page.get_by_role("button", name=t("Continue")).click()
    page.get_by_label(t("6-digit code from your authenticator app")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=t("Log in")).click()


def _tab_to(page, name: str) -> None:
    """Press Tab until the control named ``name`` has the focus: it is reachable with the keyboard alone."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.innerText.trim()") == name:
            return
    raise AssertionError(f"{name!r} is not reachable with the Tab key")


def _no_violations(page, where: str) -> None:
    assert axe_violations(page) == [], where


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_ngo_member_files_on_behalf_of_three_families(browser, live_server, shoot, viewport):
    app, t = live_server.app, words(live_server.app, "en")
    suffix = secrets.token_hex(3)
    ngo = _ngo(app, f"Child Rights Kolwezi {suffix}")
    secret = _account(app, f"field-{suffix}@ngo.test", Role.ORGANISATION, ngo, organisation_admin=True)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _log_in(page, live_server.url, f"field-{suffix}@ngo.test", secret, t)
    expect(page).to_have_url(re.compile(r"/org/$"))
    _no_violations(page, "/org/")
    shoot(page, "home")

    page.get_by_role("link", name=t("Invite a member")).click()
    _no_violations(page, "/org/members/invite")
    page.get_by_role("button", name=t("Send the invitation")).click()  # empty: the errors pass axe too
    _no_violations(page, "/org/members/invite with errors")
    page.goto(f"{live_server.url}/org/")

    _tab_to(page, t("File on behalf of people"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/report/behalf$"))
    _no_violations(page, "behalf")

    def behalf(page):
        page.get_by_label(t("Households or families")).check()
        page.get_by_label(t("No, they stay anonymous")).check()
        page.get_by_label(t("How many of them should get their own receipt to follow the case? (optional)")).fill("1")
        page.get_by_label(t("Who gave consent?")).fill("The three mothers")
        page.get_by_label(t("Thumbprint")).check()
        page.get_by_label(exact(t("When?"))).fill("2026-11-02")
        page.get_by_label(t("In which language?")).fill("Swahili")

    def group(page):
        page.get_by_label(t("On behalf of how many people?")).fill("11")
        page.get_by_label(t("How many households? (optional)")).fill("3")

    def where(page):
        page.get_by_label(exact(t("Country"))).select_option("CD")
        page.get_by_label(t("Cobalt")).check()

    def guardian(page):
        _no_violations(page, "guardian")
        page.get_by_label(t("Which parent or guardian gave consent?")).fill("Mama Furaha")
        page.get_by_label(t("Spoken")).check()
        page.get_by_label(t("A child is in danger now: the committee must act at once")).check()

    walked = walk_steps(
        page,
        {
            "behalf": behalf,
            "group": group,
            "what": lambda page: page.get_by_label(t("Describe what happened")).fill(
                "Nine children of three families carry cobalt ore at the Kasulo depot every night."
            ),
            "kind": lambda page: page.get_by_label(t("Child labour")).check(),
            "where": where,
            "wish": lambda page: page.get_by_label(exact(t("Children are involved"))).check(),
            "guardian": guardian,
        },
        shoot,
    )
    assert walked[0] == "behalf" and "who" not in walked and "guardian" in walked
    page.get_by_label(
        t("I agree that the committee and its office use what I send, as the privacy page explains.")
    ).check()
    page.get_by_role("button", name=t("Send my complaint")).click()
    expect(page.get_by_role("heading", name=t("Receipts for the people you represent"))).to_be_visible()
    receipts = page.locator(".receipt span").all_inner_texts()
    assert len(receipts) == 2 and all(re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", r) for r in receipts)
    _no_violations(page, "receipt")
    shoot(page, "receipts")
    reference = page.locator(".reference").inner_text().strip()

    # "Our cases": the case just filed, its page, and a theme to follow, reached from the organisation's menu.
    page.goto(f"{live_server.url}/org/")
    page.get_by_role("link", name=t("Our cases")).first.click()
    expect(page.get_by_role("heading", name=t("Our cases"))).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    _no_violations(page, "/org/cases")
    shoot(page, "our-cases")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=t("Where your case stands"))).to_be_visible()
    _no_violations(page, "/org/cases/<reference>")
    shoot(page, "our-case")
    page.get_by_role("link", name=t("Themes we follow")).first.click()
    page.get_by_role("button", name=t("Follow this theme")).click()  # nothing chosen: the errors pass axe too
    _no_violations(page, "/org/trackers with errors")
    page.get_by_label(t("Name of the theme")).fill("Child labour in cobalt")
    page.get_by_label(exact(t("Category"))).select_option("child_labour")
    page.get_by_label(t("Metal or mineral")).select_option("cobalt")
    page.get_by_role("button", name=t("Follow this theme")).click()  # straight to the theme's page
    expect(page.get_by_role("heading", name="Child labour in cobalt")).to_be_visible()
    _no_violations(page, "/org/trackers/<id>")
    shoot(page, "tracker")

    # The invitation page a newcomer opens.
    token = secrets.token_urlsafe(32)
    with app.app_context():
        invited = User(
            email=f"new-{suffix}@ngo.test", name="Newcomer", role=Role.ORGANISATION, organisation_id=ngo,
            locale="ar", password_hash="-", invitation_hash=invitation_hash(token), invited_at=utcnow(),
        )  # fmt: skip
        db.session.add(invited)
        db.session.commit()
    newcomer = browser.new_context(viewport=viewport).new_page()
    newcomer.goto(f"{live_server.url}/org/invitation/{token}")
    expect(newcomer.locator("html")).to_have_attribute("dir", "rtl")
    _no_violations(newcomer, "invitation")

    # The secretariat's section on the staff case page.
    staff_secret = _account(app, f"officer-{suffix}@sec.test", Role.SECRETARIAT, None)
    staff = browser.new_context(viewport=viewport).new_page()
    _log_in(staff, live_server.url, f"officer-{suffix}@sec.test", staff_secret, t)
    staff.goto(f"{live_server.url}/staff/cases/{reference}")
    section = staff.locator("#organisation-message")
    expect(section).to_contain_text("The three mothers")
    section.get_by_label(t("Message to the organisation")).fill("Please send the school names.")
    section.get_by_role("button", name=t("Send to the organisation")).click()
    expect(staff.get_by_text("Please send the school names.").first).to_be_visible()
    results = axe_violations(staff)
    assert [v for v in results if "organisation-message" in v] == []
    context.close()
