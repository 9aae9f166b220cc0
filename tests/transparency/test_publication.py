"""The publication workflow through the staff case page: the secretariat drafts, the chair approves, anyone of case
staff may withdraw; who may not is refused; every step is audited without its words. And the complainant's choice."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.models import Case
from portal.extensions import db
from portal.transparency.models import Publication, PublicationStatus

SUMMARY = "Workers at a cobalt depot say they were not paid for night shifts."


def audit_of(action: str) -> list[dict]:
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    return [json.loads(entry.data) for entry in entries]


def draft(client, reference: str, text: str = SUMMARY, locale: str = "en", item: str = "summary"):
    return client.post(
        f"/staff/cases/{reference}/publication/{item}/draft",
        data={f"{item}-locale": locale, f"{item}-text": text},
    )


def the_summary(app, reference: str) -> Publication:
    """Read in a fresh app context: a context held across requests would keep the first request's user in ``g``."""
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        publication = db.session.scalar(select(Publication).where(Publication.case_id == case_id))
        db.session.expunge(publication)
        return publication


def test_secretariat_drafts_chair_approves_and_the_public_reads_it(app, world, staff_client, client):
    case = world
    secretariat, chair = staff_client("secretariat"), staff_client("chair")
    page = secretariat.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert 'id="publication"' in page and "Approve and publish" not in page
    assert draft(secretariat, case.reference).status_code == 302
    assert draft(secretariat, case.reference, "Des travailleurs d'un dépôt de cobalt.", "fr").status_code == 302
    assert the_summary(app, case.reference).status == PublicationStatus.DRAFT
    assert SUMMARY not in client.get(f"/en/register/{case.reference}").get_data(as_text=True)

    # The secretariat may not approve; the chair may.
    publication = the_summary(app, case.reference)
    assert secretariat.post(f"/staff/cases/{case.reference}/publication/{publication.id}/approve").status_code == 409
    assert the_summary(app, case.reference).status == PublicationStatus.DRAFT
    assert "Approve and publish" in chair.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert chair.post(f"/staff/cases/{case.reference}/publication/{publication.id}/approve").status_code == 302
    assert the_summary(app, case.reference).status == PublicationStatus.PUBLISHED
    assert SUMMARY in client.get(f"/en/register/{case.reference}").get_data(as_text=True)
    assert "Des travailleurs" in client.get(f"/fr/register/{case.reference}").get_data(as_text=True)

    # Withdrawn at once by the secretariat (a new risk to a person): gone from the public page.
    assert secretariat.post(f"/staff/cases/{case.reference}/publication/{publication.id}/withdraw").status_code == 302
    assert the_summary(app, case.reference).status == PublicationStatus.WITHDRAWN
    assert SUMMARY not in client.get(f"/en/register/{case.reference}").get_data(as_text=True)

    with app.app_context():
        audited = audit_of("publication-changed")
    assert [entry["change"] for entry in audited] == ["drafted", "drafted", "published", "withdrawn"]
    for entry in audited:
        assert entry["reference"] == case.reference and entry["item"] == "case_summary"
        assert SUMMARY not in json.dumps(entry)  # the audit keeps facts, not words
    assert audited[1]["locales"] == ["en", "fr"]


def test_people_outside_case_staff_cannot_draft_or_approve(app, world, staff_client):
    case = world
    assert draft(staff_client("secretariat"), case.reference).status_code == 302
    publication = the_summary(app, case.reference)
    for name in ("member_panel", "liaison", "admin"):
        client = staff_client(name)
        assert draft(client, case.reference, "Changed").status_code in (403, 404), name
        approve = client.post(f"/staff/cases/{case.reference}/publication/{publication.id}/approve")
        assert approve.status_code in (403, 404), name
        withdraw = client.post(f"/staff/cases/{case.reference}/publication/{publication.id}/withdraw")
        assert withdraw.status_code in (403, 404), name
    with app.app_context():
        publication = db.session.merge(the_summary(app, case.reference))
        assert publication.draft == {"en": SUMMARY} and publication.status == PublicationStatus.DRAFT


def test_a_decision_summary_starts_from_the_panel_text_and_a_bad_item_is_404(app, world, staff_client):
    case = world
    secretariat = staff_client("secretariat")
    assert draft(secretariat, case.reference, item="decision-999999").status_code == 404
    assert draft(secretariat, case.reference, item="nonsense").status_code == 404
    page = secretariat.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "Public summary of the decision" in page


def test_an_empty_draft_cannot_be_published(app, world, staff_client):
    case = world
    secretariat, chair = staff_client("secretariat"), staff_client("chair")
    draft(secretariat, case.reference)
    draft(secretariat, case.reference, "")  # removes the only language
    with app.app_context():
        publication = db.session.merge(the_summary(app, case.reference))
        assert publication.draft == {}
    assert chair.post(f"/staff/cases/{case.reference}/publication/{publication.id}/approve").status_code == 409


def test_the_complainant_changes_their_register_choice_on_the_follow_up_page(app, world, case, open_case, client):
    open_case(world.receipt)
    page = client.get("/en/follow-up/case").get_data(as_text=True)
    assert 'id="register-choice"' in page and 'action="/en/follow-up/register"' in page  # offered on the case page
    response = client.post("/en/follow-up/register", data={"listed": "no"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).register_listed is False
    assert audit_of("register-choice-changed") == [{"case_id": case.id, "reference": case.reference, "listed": False}]
    assert client.get(f"/en/register/{case.reference}").status_code == 404
    client.post("/en/follow-up/register", data={"listed": "yes"})
    db.session.expire_all()
    assert db.session.get(Case, case.id).register_listed is True


def test_without_a_receipt_session_the_choice_changes_nothing(app, case, client):
    response = client.post("/en/follow-up/register", data={"listed": "no"})
    assert response.status_code == 302 and "/follow-up" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Case, case.id).register_listed is True


def test_the_choice_snippet_renders_with_the_current_choice(app, case):
    from flask import render_template

    with app.test_request_context("/en/follow-up/case"):
        from flask import g

        g.locale = "en"
        html = render_template("transparency/_register_choice.html", case=case)
    assert 'value="yes" checked' in html and "/en/follow-up/register" in html
