"""Monitoring with commitments passes axe (WCAG 2.2 A/AA) at phone and desktop widths: the staff case page with its
commitments, the check-in form and the commitment form (also answering with errors), and the complainant's
follow-up page listing what was promised to them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.cases.commitments import Commitment, CommitmentCheck
from portal.cases.models import Case
from portal.cases.workflow import State
from portal.extensions import db
from portal.users.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import file_in_browser, words
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_staff_journey import _log_in, _officer


def _file(page, base_url: str) -> tuple[str, str]:
    return file_in_browser(page, base_url, description="Mshahara wa usiku haukulipwa kwa miezi mitatu.")


def _monitored_with_commitments(app, reference: str, email: str) -> None:
    """Test set-up only: the case is put in monitoring directly, with two instalments, the first one checked."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        officer = db.session.scalar(db.select(User).where(User.email == email))
        case.state = State.MONITORING
        case.outcome = "settled"
        today = date.today()
        for number, due_on in enumerate((today - timedelta(days=30), today + timedelta(days=30)), start=1):
            commitment = Commitment(
                case_id=case.id, amount_minor=60000, currency="USD", due_on=due_on, instalment=number,
                instalments=2, created_by_id=officer.id, owed_by_respondent=True,
            )  # fmt: skip
            commitment.what = "Fidia ya mishahara ya usiku"
            if number == 1:
                check = CommitmentCheck(status="missed", checked_by_id=officer.id)
                check.note = "Hakuna malipo yaliyoonekana."
                commitment.checks.append(check)
            db.session.add(commitment)
        db.session.commit()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_monitoring_pages_have_no_accessibility_violations(browser, live_server, viewport):
    app = live_server.app
    worker = browser.new_context(viewport=viewport)  # axe runs as a script
    worker_page = worker.new_page()
    receipt, reference = _file(worker_page, live_server.url)
    email = f"monitoring-{viewport['width']}@journey.test"
    secret = _officer(app, email, "en")
    _monitored_with_commitments(app, reference, email)

    found = {}
    worker_page.goto(f"{live_server.url}/sw/follow-up")
    worker_page.locator("#receipt").fill(receipt)
    worker_page.locator("button[type=submit]").click()
    worker_page.wait_for_load_state()  # the answer is a long page: read it once it has loaded
    assert worker_page.locator("#commitments li").count() == 2
    if violations := axe_violations(worker_page):
        found["follow-up"] = violations

    officer = browser.new_context(viewport=viewport)
    page = officer.new_page()
    _log_in(page, live_server.url, email, secret, words(app, "en"))
    page.goto(f"{live_server.url}/staff/cases/{reference}")
    assert page.locator("#commitments tbody tr").count() == 2
    page.locator("#commitments summary").click()  # the commitment form
    if violations := axe_violations(page):
        found["staff case page"] = violations
    page.locator("form[action$=commitments] button[type=submit]").click()  # nothing filled in: errors
    page.wait_for_load_state()  # the answer is a long page: read it once it has loaded
    assert page.locator("#commitments .error").count() >= 1
    if violations := axe_violations(page):
        found["commitment form with errors"] = violations
    assert found == {}
    worker.close()
    officer.close()
