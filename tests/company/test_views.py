"""The company liaison's pages: the extension, the response with files, and what stays hidden."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.cases.models import Case, CaseEntry, EntryKind
from portal.core.db import utcnow
from portal.extensions import db
from tests.samples import PDF_BYTES


def _responses(reference: str) -> list[CaseEntry]:
    responses = (Case.reference == reference) & (CaseEntry.kind == EntryKind.COMPANY_RESPONSE)
    query = select(CaseEntry).join(Case, CaseEntry.case_id == Case.id).where(responses)
    return list(db.session.scalars(query.order_by(CaseEntry.id)))


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def test_the_one_extension_moves_the_deadline_by_two_weeks_once(app, world, client_as):
    liaison = client_as("liaison")
    before = _case(app, world.reference).company_response_due_at
    reason = "Our site auditor is in Kolwezi until the 20th."
    response = liaison.post(
        f"/company/cases/{world.reference}/extension", data={"reason": reason}, follow_redirects=True
    )
    assert "Your deadline was extended once." in response.get_data(as_text=True)
    after = _case(app, world.reference)
    assert after.company_extension_used
    assert after.company_response_due_at - before == timedelta(days=app.config["CLOCK_DAYS"]["company_extension"])

    again = liaison.post(f"/company/cases/{world.reference}/extension", data={"reason": reason})
    assert again.status_code == 409
    assert "The one extension has already been used or is not possible now." in again.get_data(as_text=True)
    assert _case(app, world.reference).company_response_due_at == after.company_response_due_at


def test_the_extension_needs_a_reason_which_staff_read_with_its_date(app, world, client_as):
    liaison = client_as("liaison")
    before = _case(app, world.reference).company_response_due_at
    response = liaison.post(f"/company/cases/{world.reference}/extension", data={"reason": "  "})
    assert response.status_code == 400 and "Please fill in this field." in response.get_data(as_text=True)
    assert _case(app, world.reference).company_response_due_at == before

    reason = "Our site auditor is in Kolwezi until the 20th."
    assert liaison.post(f"/company/cases/{world.reference}/extension", data={"reason": reason}).status_code == 302
    extended = _case(app, world.reference)
    assert extended.company_extended_at is not None
    page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    section = page[page.index('id="extension"') :]
    assert "The company took its one extension on" in section and reason in section
    with app.app_context():
        entry = db.session.scalars(
            select(CaseEntry).where(CaseEntry.case_id == extended.id).order_by(CaseEntry.id.desc())
        ).first()
        assert (entry.kind, entry.visibility, entry.body) == ("internal_note", "internal", reason)
        from portal.audit.models import AuditEntry

        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company-extension-granted"))
    assert reason not in client_as("liaison_other").get(f"/company/cases/{world.reference}").get_data(as_text=True)


def test_no_extension_after_the_deadline_has_passed(app, world, client_as):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        case.company_response_due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    before = _case(app, world.reference).company_response_due_at
    reason = "We were late."
    response = client_as("liaison").post(f"/company/cases/{world.reference}/extension", data={"reason": reason})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The deadline for your response has passed, so it can no longer be extended." in html
    assert reason in html  # nothing typed is lost
    after = _case(app, world.reference)
    assert after.company_response_due_at == before and not after.company_extension_used


def test_a_response_with_a_file_reaches_the_committee_and_only_its_own_files_download(app, world, client_as):
    import io

    liaison = client_as("liaison")
    response = liaison.post(
        f"/company/cases/{world.reference}/response",
        data={"response": "We stopped night shifts.", "documents": [(io.BytesIO(PDF_BYTES), "plan.pdf")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Your response was sent to the committee." in response.get_data(as_text=True)
    with app.app_context():
        answers = _responses(world.reference)
        assert [entry.body for entry in answers] == ["We are investigating.", "We stopped night shifts."]
        attachment_id = answers[-1].attachments[0].id
    download = liaison.get(f"/company/cases/{world.reference}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["Cache-Control"] == "no-store"
    evidence = f"/company/cases/{world.reference}/attachments/{world.submission_attachment_id}"
    assert liaison.get(evidence).status_code == 404


def test_an_empty_response_keeps_the_page_with_an_error_and_stores_nothing(app, world, client_as):
    response = client_as("liaison").post(f"/company/cases/{world.reference}/response", data={"response": "  "})
    assert response.status_code == 400
    assert "Please fill in this field." in response.get_data(as_text=True)
    with app.app_context():
        assert len(_responses(world.reference)) == 1


def test_a_malformed_reference_is_a_page_that_does_not_exist(world, client_as):
    for reference in ("MC-2026-%00", "x" * 300, "MC-99999999999999999999"):
        assert client_as("liaison").get(f"/company/cases/{reference}").status_code == 404
