"""The statistics page in a real browser: axe-core (WCAG 2.2 A/AA) with zero violations at phone and desktop widths
in English and Arabic, under 40 KB on the wire, and screenshots of each for reviewers (tests/browser/screenshots/,
ignored by git)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.cases.commitments import Commitment, CommitmentCheck
from portal.cases.committee import Decision
from portal.cases.models import Case, CaseEntry
from portal.cases.workflow import DecisionKind, State
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.transparency import statistics
from portal.users.models import User
from tests.browser.conftest import PHONE, SCREENSHOTS
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_network import BUDGET_BYTES

MARK = "MC-2025-6"  # references of the cases made here
SPREAD = [("cobalt", "CD", "child_labour"), ("copper", "ZM", "wages_hours"), ("tin", "ID", "health_safety")]


def _listed_cases(app) -> None:
    """Forty listed cases over two years, three metals and countries, with timelines and check-ins (made once)."""
    with app.app_context():
        if db.session.scalar(db.select(Case.id).where(Case.reference.like(MARK + "%"))):
            return
        chair = User(email="statistics-chair@example.org", name="Chair", role="chair", password_hash="-")
        db.session.add(chair)
        db.session.flush()
        for index in range(40):
            commodity, country, category = SPREAD[index % 3] if index < 37 else ("nickel", "PE", "land")
            created = datetime(2025 + index % 2, 1 + (index * 5) % 12, 3, tzinfo=UTC)
            state = State.CLOSED if index % 4 == 0 else State.MONITORING if index % 4 == 1 else State.COMPANY_RESPONSE
            case = Case(
                reference=f"{MARK}{index:04d}", receipt_hash=receipt_hash(new_receipt()), state=state,
                filer_type="union", submission_locale="en", country=country, commodity=commodity,
                consented_at=created, rules_version="2026.1", created_at=created,
                outcome="settled" if state != State.COMPANY_RESPONSE else None,
                closed_at=created.replace(day=28) if state == State.CLOSED else None,
            )  # fmt: skip
            case.description = "Secret."
            case.categories = [category]
            db.session.add(case)
            db.session.flush()
            decision = Decision(
                case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=True, signed_by_id=chair.id
            )
            decision.reasons = "Secret reasons."
            db.session.add(decision)
            for day, new_state in ((5, State.ACKNOWLEDGED), (9, State.ASSESSMENT), (12, State.COMPANY_RESPONSE)):
                db.session.add(
                    CaseEntry(case_id=case.id, kind="state_change", visibility="complainant", new_state=new_state,
                              created_at=created.replace(day=day + index % 7))
                )  # fmt: skip
            if state != State.COMPANY_RESPONSE:
                commitment = Commitment(case_id=case.id, due_on=created.date(), created_by_id=chair.id,
                                        amount_minor=5000 if index % 3 else None, currency="USD" if index % 3 else None,
                                        checks=[CommitmentCheck(status="met" if index % 5 else "missed",
                                                                checked_by_id=chair.id)])  # fmt: skip
                commitment.what = "Secret terms."
                db.session.add(commitment)
        statistics.refresh()  # rows written without the signals: build the figures again, as after an import
        db.session.commit()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_statistics_page_has_no_violations_and_is_photographed(axe_page, live_server, locale):
    _listed_cases(live_server.app)
    response = axe_page.goto(f"{live_server.url}/{locale}/statistics")
    assert response is not None and response.ok
    assert axe_page.locator("figure.chart svg").count() >= 10
    assert axe_violations(axe_page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    width = axe_page.viewport_size["width"]
    axe_page.screenshot(path=str(SCREENSHOTS / f"statistics-{locale}-{width}.png"), full_page=True)
    assert (SCREENSHOTS / f"statistics-{locale}-{width}.png").stat().st_size > 10_000


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_statistics_page_weight(browser, live_server, locale):
    _listed_cases(live_server.app)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    response = page.goto(f"{live_server.url}/{locale}/statistics", wait_until="load")
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    assert [request.url for request in requests if not request.url.startswith(live_server.url)] == []
    transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in requests)
    print(f"{locale}/statistics: {transferred} bytes in {len(requests)} requests")
    assert transferred < BUDGET_BYTES
    context.close()
