"""The annual review and the satisfaction questions in a real browser: axe-core (WCAG 2.2 A/AA) finds nothing on the
public review pages, the staff pages (draft with its forms, adopted) and the follow-up page asking the three
questions, at phone and desktop widths, in English and Arabic; screenshots for reviewers."""

from __future__ import annotations

from types import SimpleNamespace

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.cases.models import Case
from portal.cases.workflow import State
from portal.core.db import utcnow
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.transparency import review
from portal.transparency.review_models import AnnualReview
from portal.users.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import words
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_network import BUDGET_BYTES
from tests.browser.test_staff_journey import _log_in
from tests.transparency.test_review import YEAR, seed_year

PASSWORD = "a long and careful passphrase"


def _user(app, email: str, role: str, locale: str = "en") -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=email.split("@")[0], role=role, locale=locale)
        user.set_password(PASSWORD)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.add(user)
        db.session.commit()
    return user


def _seeded(app) -> None:
    """A reviewed year (2024, adopted with a narrative in English and Arabic), made once per live server."""
    with app.app_context():
        if db.session.scalar(select(AnnualReview.id).where(AnnualReview.year == YEAR)):
            return
        chair = _user(app, "review-chair@journey.test", "chair")
        officer = _user(app, "review-officer@journey.test", "secretariat")
        seed_year(SimpleNamespace(users={"chair": chair.id, "secretariat": officer.id}))
        review.write_narrative(YEAR, chair, "en", "We confirmed grievances faster.\nRemedy came late.")
        review.write_narrative(YEAR, chair, "ar", "أكدنا استلام الشكاوى بسرعة أكبر.")
        review.adopt(YEAR, chair)
        db.session.commit()


def _closed_case(app) -> str:
    """A closed case whose receipt is known; returns the receipt."""
    receipt = new_receipt()
    with app.app_context():
        now = utcnow()
        number = db.session.scalar(select(db.func.count(Case.id))) + 88000
        case = Case(
            reference=f"MC-{now.year}-{number:05d}", receipt_hash=receipt_hash(receipt), state=State.CLOSED,
            filer_type="affected_person", submission_locale="en", country="CD", commodity="cobalt",
            consented_at=now, rules_version="2026.1", created_at=now, closed_at=now,
        )  # fmt: skip
        case.description = "Closed."
        case.categories = ["wages_hours"]
        db.session.add(case)
        db.session.commit()
    return receipt


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_public_review_pages_have_no_violations(axe_page, live_server, locale):
    _seeded(live_server.app)
    found = {}
    for path in ("/reviews", f"/reviews/{YEAR}"):
        response = axe_page.goto(f"{live_server.url}/{locale}{path}")
        assert response is not None and response.ok, path
        axe_page.evaluate("document.querySelectorAll('details.review-group').forEach(d => d.open = true)")
        if violations := axe_violations(axe_page):
            found[path] = violations
    assert axe_page.locator("figure.chart svg").count() == 2
    assert found == {}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_satisfaction_form_has_no_violations(axe_page, live_server, locale):
    t = words(live_server.app, locale)
    receipt = _closed_case(live_server.app)
    axe_page.goto(f"{live_server.url}/{locale}/follow-up")
    axe_page.locator("#receipt").fill(receipt)
    axe_page.locator("main form button[type=submit]").click()
    axe_page.wait_for_load_state()
    form = axe_page.get_by_role("region", name=t("How was it for you?"))
    expect(form).to_be_visible()
    found = {}
    if violations := axe_violations(axe_page):
        found["asked"] = violations
    form.get_by_role("button", name=t("Send my answers")).click()  # nothing chosen: the question comes back
    expect(
        axe_page.get_by_text(t("Choose an answer to at least one question, or press “No, thank you”."))
    ).to_be_visible()
    if violations := axe_violations(axe_page):
        found["nothing chosen"] = violations
    axe_page.get_by_role("group", name=t("Did you feel safe while your case was handled?")).get_by_label(
        t("Partly"), exact=True
    ).check()
    form.get_by_role("button", name=t("Send my answers")).click()
    expect(axe_page.get_by_text(t("Thank you for your answers."))).to_be_visible()
    expect(axe_page.locator("#satisfaction")).to_have_count(0)
    assert found == {}


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_review_pages_have_no_violations(browser, live_server, shoot, viewport, locale):
    app = live_server.app
    _seeded(app)
    email = f"review-{locale}-{viewport['width']}@journey.test"
    with app.app_context():
        secret = _user(app, email, "chair", locale).totp_secret
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    _log_in(page, live_server.url, email, secret, words(app, "en"))
    found = {}
    for path in ("/staff/reviews", f"/staff/reviews/{YEAR + 1}", f"/staff/reviews/{YEAR}"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        page.evaluate("document.querySelectorAll('details.review-group').forEach(d => d.open = true)")
        if violations := axe_violations(page):
            found[path] = violations
        shoot(page, path.rsplit("/", 1)[-1])
    page.goto(f"{live_server.url}/staff/reviews/{YEAR + 1}")
    expect(page.locator("form[action$=adopt] button")).to_be_visible()  # a draft: the chair may adopt it
    page.goto(f"{live_server.url}/{locale}/reviews/{YEAR}")
    shoot(page, f"public-{locale}")
    assert found == {}
    context.close()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_public_review_page_weight(browser, live_server, locale):
    """A public page stays under 40 KB on the wire, with nothing from another origin (docs/architecture.md §9)."""
    _seeded(live_server.app)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    response = page.goto(f"{live_server.url}/{locale}/reviews/{YEAR}", wait_until="load")
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    assert [request.url for request in requests if not request.url.startswith(live_server.url)] == []
    transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in requests)
    print(f"{locale}/reviews/{YEAR}: {transferred} bytes in {len(requests)} requests")
    assert transferred < BUDGET_BYTES
    context.close()
