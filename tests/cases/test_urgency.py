"""Urgency is a rule at intake and a decision of case staff: set or cleared with a reason, audited, and the 48-hour
triage clock follows the flag."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.models import Case, CaseEntry, EntryKind
from portal.core.db import utcnow
from portal.extensions import db


def _case(reference: str) -> Case:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def _ordinary_grievance(file_grievance) -> str:
    _, reference, _ = file_grievance(categories=["wages_hours"])
    return reference


def test_case_staff_mark_a_case_urgent_with_a_reason_and_the_triage_clock_starts(app, world, client_as, file_grievance):
    reference = _ordinary_grievance(file_grievance)
    with app.app_context():
        assert _case(reference).urgent is False and _case(reference).triage_due_at is None
    before = utcnow()
    response = client_as("secretariat").post(
        f"/staff/cases/{reference}/urgency", data={"urgent": "1", "reason": "The filer called: threats tonight."}
    )
    assert response.status_code == 302
    with app.app_context():
        case = _case(reference)
        assert case.urgent is True
        # created_at + 48 h is still ahead, so that is the deadline (never earlier than now).
        assert case.triage_due_at == case.created_at + timedelta(hours=48)
        assert case.triage_due_at > before
        note = db.session.scalars(
            select(CaseEntry).where(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.INTERNAL_NOTE)
        ).one()
        assert note.body == "The filer called: threats tonight." and note.visibility == "internal"
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case-urgency-changed")).one()
        assert audit.target == f"case:{case.id}" and audit.actor_id == world.users["secretariat"]
        assert json.loads(audit.data)["urgent"] is True
        assert "threats" not in audit.data  # what a person wrote never goes into the audit trail

    response = client_as("chair").post(
        f"/staff/cases/{reference}/urgency", data={"urgent": "0", "reason": "Spoke to the union: no danger."}
    )
    assert response.status_code == 302
    with app.app_context():
        case = _case(reference)
        assert case.urgent is False and case.triage_due_at is None
        changes = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case-urgency-changed").order_by(AuditEntry.id)
        ).all()
        assert [json.loads(c.data)["urgent"] for c in changes] == [True, False]


def test_a_late_triage_deadline_is_never_in_the_past(app, world, client_as, file_grievance):
    reference = _ordinary_grievance(file_grievance)
    with app.app_context():
        _case(reference).created_at = utcnow() - timedelta(days=5)
        db.session.commit()
    before = utcnow()
    client_as("secretariat").post(f"/staff/cases/{reference}/urgency", data={"urgent": "1", "reason": "Danger"})
    with app.app_context():
        due = _case(reference).triage_due_at
        assert before <= due <= utcnow()


def test_urgency_on_a_case_past_triage_starts_no_clock(app, world, client_as):
    """The world's case is with the company: urgency lists it first, but triage is long done."""
    response = client_as("chair").post(
        f"/staff/cases/{world.reference}/urgency", data={"urgent": "1", "reason": "Retaliation reported"}
    )
    assert response.status_code == 302
    with app.app_context():
        case = _case(world.reference)
        assert case.urgent is True and case.triage_due_at is None


def test_a_reason_is_required(app, world, client_as, file_grievance):
    reference = _ordinary_grievance(file_grievance)
    response = client_as("secretariat").post(f"/staff/cases/{reference}/urgency", data={"urgent": "1", "reason": " "})
    assert response.status_code == 400
    assert "Please fill in this field." in response.get_data(as_text=True)
    with app.app_context():
        assert _case(reference).urgent is False


def test_a_committee_member_may_not_change_urgency(app, world, client_as, file_grievance):
    reference = _ordinary_grievance(file_grievance)
    response = client_as("member_panel").post(
        f"/staff/cases/{reference}/urgency", data={"urgent": "1", "reason": "Danger"}
    )
    assert response.status_code == 403
    with app.app_context():
        assert _case(reference).urgent is False


def test_the_case_page_offers_the_urgency_form_to_case_staff_only(world, client_as):
    page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert f'action="/staff/cases/{world.reference}/urgency"' in page
    assert "/urgency" not in client_as("member_panel").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
