"""The public register in a real browser: axe-core (WCAG 2.2 A/AA) with zero violations on the list and a case page
at phone and desktop widths in English and Arabic, and each public register page under 40 KB on the wire."""

from __future__ import annotations

import pytest

from portal.cases.commitments import Commitment, CommitmentCheck
from portal.cases.committee import Decision
from portal.cases.models import Case, CaseEntity
from portal.cases.workflow import DecisionKind, Outcome, State
from portal.core.db import utcnow
from portal.extensions import db
from portal.intake.receipt import new_receipt, receipt_hash
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.transparency import operations
from portal.users.models import User
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_network import BUDGET_BYTES

REFERENCE = "MC-2026-77001"


def _public_case(app) -> str:
    """A decided, monitored case with a site, a respondent, published summaries and a check-in (made once)."""
    with app.app_context():
        if db.session.scalar(db.select(Case.id).where(Case.reference == REFERENCE)):
            return REFERENCE
        chair = User(email="register-chair@example.org", name="Chair", role="chair", password_hash="-")
        company = Organisation(name="Register Copper plc", kind="company", covenant_party=True, lei=None)
        site = SupplyChainEntity(name="Register depot", kind="depot", country="ZM", region="ZM-08")
        db.session.add_all([chair, company, site])
        db.session.flush()
        now = utcnow()
        case = Case(
            reference=REFERENCE, receipt_hash=receipt_hash(new_receipt()), state=State.MONITORING,
            outcome=Outcome.SETTLED, filer_type="union", submission_locale="en", country="ZM", commodity="copper",
            consented_at=now, rules_version="2026.1", created_at=now, respondent_organisation_id=company.id,
        )  # fmt: skip
        case.description = "Secret."
        case.categories = ["wages_hours", "health_safety"]
        case.entity_links = [CaseEntity(entity_id=site.id)]
        db.session.add(case)
        db.session.flush()
        admitted = Decision(case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=True, signed_by_id=chair.id)
        admitted.reasons = "Secret reasons."
        settled = Decision(case_id=case.id, kind=DecisionKind.OUTCOME, outcome=Outcome.SETTLED, signed_by_id=chair.id)
        settled.reasons = "Secret reasons."
        db.session.add_all([admitted, settled])
        db.session.flush()
        commitment = Commitment(
            case_id=case.id, decision_id=settled.id, amount_minor=120000, currency="ZMW", due_on=now.date(),
            created_by_id=chair.id, checks=[CommitmentCheck(status="met", checked_by_id=chair.id)],
        )  # fmt: skip
        commitment.what = "Secret terms."
        db.session.add(commitment)
        for text, locale, decision in (
            ("Workers said overtime was not paid. The company agreed to pay it.", "en", None),
            ("قال العمال إن العمل الإضافي لم يُدفع. ووافقت الشركة على دفعه.", "ar", None),
            ("The sides settled: back pay in one instalment.", "en", settled),
        ):
            publication = operations.draft_text(case, chair, locale, text, decision)
        operations.approve(case, operations.publication_for(case), chair)
        operations.approve(case, publication, chair)
        db.session.commit()
        return REFERENCE


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_register_pages_have_no_violations(axe_page, live_server, locale):
    reference = _public_case(live_server.app)
    found = {}
    for path in ("/register", f"/register/{reference}", "/open-data", "/register?country=ZM&stage=monitoring"):
        response = axe_page.goto(f"{live_server.url}/{locale}{path}")
        assert response is not None and response.ok, path
        violations = axe_violations(axe_page)
        if violations:
            found[path] = violations
    assert found == {}


@pytest.mark.parametrize("locale", ["en", "ar", "sw"])
@pytest.mark.parametrize("path", ["/register", "/register/{reference}", "/open-data"])
def test_register_page_weight(browser, live_server, locale, path, record_property):
    reference = _public_case(live_server.app)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    response = page.goto(f"{live_server.url}/{locale}{path.format(reference=reference)}", wait_until="load")
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    assert [request.url for request in requests if not request.url.startswith(live_server.url)] == []
    transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in requests)
    record_property("transferred_bytes", transferred)
    print(f"{locale}{path}: {transferred} bytes in {len(requests)} requests")
    assert transferred < BUDGET_BYTES
    context.close()
