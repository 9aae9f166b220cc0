"""The staff read endpoints: cases as the token's owner may see them, recusals applied (portal/api/staff.py)."""

from __future__ import annotations

from sqlalchemy import select

from portal.cases.committee import Recusal
from portal.cases.models import Case, CaseEntry, EntryKind, Visibility
from portal.core.roles import Role
from portal.extensions import db

STAFF = "staff:read"
NOTE = "Internal: the officer suspects the depot manager."


def _case(reference: str) -> Case:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def test_a_recused_member_neither_lists_nor_reads_the_case(app, client, make_user, file_grievance, token_for):
    _, kept, _ = file_grievance()
    _, recused, _ = file_grievance(commodity="copper")
    officer = make_user(Role.SECRETARIAT)
    other = make_user(Role.SECRETARIAT)
    with app.app_context():
        db.session.add(Recusal(case_id=_case(recused).id, user_id=officer.id, reason="A cousin works at the site."))
        db.session.commit()
    headers = token_for(officer, STAFF)
    listed = client.get("/api/v1/staff/cases", headers=headers).get_json()["cases"]
    assert [row["reference"] for row in listed] == [kept]
    response = client.get(f"/api/v1/staff/cases/{recused}", headers=headers)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert client.get(f"/api/v1/staff/cases/{kept}", headers=headers).status_code == 200
    # A colleague who is not recused sees both.
    colleague = token_for(other, STAFF)
    assert {row["reference"] for row in client.get("/api/v1/staff/cases", headers=colleague).get_json()["cases"]} == {
        kept,
        recused,
    }


def test_the_detail_leaves_out_the_identity_and_keeps_the_notes(app, client, make_user, file_grievance, token_for):
    _, reference, _ = file_grievance(anonymous="no", name="Neema Mwamba", email="neema@example.org")
    officer = make_user(Role.SECRETARIAT)
    with app.app_context():
        case = _case(reference)
        note = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility=Visibility.INTERNAL, author_id=officer.id)
        note.body = NOTE
        case.entries.append(note)
        db.session.commit()
    response = client.get(f"/api/v1/staff/cases/{reference}", headers=token_for(officer, STAFF))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Neema" not in text and "neema@example.org" not in text
    assert NOTE in text and response.get_json()["anonymous"] is False


def test_filters_and_paging(app, client, make_user, file_grievance, token_for):
    _, cobalt, _ = file_grievance()
    _, copper, _ = file_grievance(commodity="copper")
    officer = make_user(Role.SECRETARIAT)
    with app.app_context():
        _case(copper).assigned_officer_id = officer.id
        db.session.commit()
    headers = token_for(officer, STAFF)

    def listed(query: str) -> list[str]:
        return [
            row["reference"] for row in client.get(f"/api/v1/staff/cases?{query}", headers=headers).get_json()["cases"]
        ]

    assert listed("commodity=copper") == [copper]
    assert listed(f"assignee={officer.id}") == [copper]
    assert listed("limit=1") == [copper] and listed("limit=1&page=2") == [cobalt]
    assert client.get("/api/v1/staff/cases?state=nonsense", headers=headers).status_code == 422


def test_an_organisation_token_is_refused_and_a_staff_token_needs_its_scope(client, make_user, token_for):
    officer = make_user(Role.SECRETARIAT)
    response = client.get("/api/v1/staff/cases", headers=token_for(officer, "public:read"))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/staff/cases").status_code == 401
    assert client.get("/api/v1/org/cases", headers=token_for(officer, STAFF)).status_code == 403
