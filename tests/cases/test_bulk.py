"""Bulk actions on a list selection: every case through its own guards and operation, each audited, and a summary
of what was done and what was refused, and why."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.cases.models import Case
from portal.cases.tags import CaseTag, create_tag
from portal.cases.workflow import FINAL_STATES, State
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import Affiliation, User
from tests.cases.lists_helpers import recuse, seeded, set_state


@pytest.fixture
def desk(app, client, make_user, login_as):
    ids = seeded(app, 50)
    actor = make_user("secretariat", name="Amina Triage")
    officer = make_user("secretariat", name="Bram Officer")
    login_as(client, actor)
    return actor, officer, ids


def tie_officer_to_respondent(app, case_id: int, user_id: int) -> None:
    with app.app_context():
        company = Organisation(name="Ruashi Mining", kind=OrganisationKind.COMPANY)
        db.session.add(company)
        db.session.flush()
        db.session.add(Affiliation(user_id=user_id, organisation_id=company.id, note="former employer"))
        case = db.session.get(Case, case_id)
        case.state = State.ASSESSMENT
        case.respondent_organisation_id = company.id
        db.session.commit()


def _references(app, ids) -> list[str]:
    with app.app_context():
        return [db.session.get(Case, i).reference for i in ids]


def _audited(app, action: str) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(select(AuditEntry.target, AuditEntry.data).where(AuditEntry.action == action))
        return [{"target": target, **json.loads(data)} for target, data in rows]


def test_bulk_assign_on_fifty_cases_applies_the_guards_per_case(app, client, desk):
    actor, officer, ids = desk
    closed = ids[:5]
    set_state(app, closed, State.CLOSED)
    hidden = recuse(app, ids[5], actor.id)  # the actor is recused: the case is not even named as existing
    tie_officer_to_respondent(app, ids[6], officer.id)  # the officer's company is named: not assignable
    references = _references(app, ids)
    with app.app_context():
        already_final = {c.reference for c in db.session.scalars(select(Case).where(Case.state.in_(FINAL_STATES)))}
    response = client.post(
        "/staff/cases/bulk", data={"action": "assign", "officer": str(officer.id), "case": references}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected_refused = already_final | {hidden, references[6]}
    with app.app_context():
        assigned = set(db.session.scalars(select(Case.reference).where(Case.assigned_officer_id == officer.id)))
    assert assigned == set(references) - expected_refused
    assert len(assigned) >= 30
    # One audit entry per case assigned, none for a refused one.
    audited = _audited(app, "case-assigned")
    assert len(audited) == len(assigned)
    assert all(entry["officer_id"] == officer.id for entry in audited)
    assert f"Done for {len(assigned)} cases." in html
    assert f"Refused for {len(expected_refused)} cases." in html
    assert "The case is closed." in html
    assert "Only a case officer of the secretariat who is not recused can be assigned." in html
    assert "This case does not exist or you may not see it." in html
    assert f'href="/staff/cases/{hidden}"' not in html


def test_bulk_tag_and_acknowledge(app, client, desk):
    actor, _, _ids = desk
    with app.app_context():
        tag = create_tag({"en": "Heat stress"}, db.session.get(User, actor.id))
        db.session.commit()
        tag_id = tag.id
        submitted = list(db.session.scalars(select(Case.reference).where(Case.state == State.SUBMITTED)))
        others = list(db.session.scalars(select(Case.reference).where(Case.state != State.SUBMITTED).limit(3)))
    assert submitted and others
    references = submitted + others
    response = client.post("/staff/cases/bulk", data={"action": "tag", "tag": str(tag_id), "case": references})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CaseTag)) == len(references)
    assert len(_audited(app, "case-tagged")) == len(references)
    # Again: nothing changes, nothing is audited, each case says it had the tag already.
    html = client.post("/staff/cases/bulk", data={"action": "tag", "tag": str(tag_id), "case": references}).get_data(
        as_text=True
    )
    assert "The case already had this tag." in html
    assert len(_audited(app, "case-tagged")) == len(references)

    response = client.post("/staff/cases/bulk", data={"action": "acknowledge", "case": references})
    html = response.get_data(as_text=True)
    with app.app_context():
        states = dict(
            db.session.execute(select(Case.reference, Case.state).where(Case.reference.in_(references))).all()
        )
    assert all(states[reference] == State.ACKNOWLEDGED for reference in submitted)
    assert len([e for e in _audited(app, "case-state-changed") if e.get("action") == "acknowledge"]) == len(submitted)
    assert f"Refused for {len(others)} case" in html


def test_bulk_needs_a_selection_and_a_tag(app, client, desk):
    response = client.post("/staff/cases/bulk", data={"action": "assign"})
    assert response.status_code == 400 and "Select at least one case." in response.get_data(as_text=True)
    references = _references(app, desk[2][:2])
    response = client.post("/staff/cases/bulk", data={"action": "tag", "case": references})
    assert response.status_code == 400 and "Choose the tag to add." in response.get_data(as_text=True)


def test_a_committee_member_cannot_act_in_bulk(app, client, desk, make_user, login_as):
    login_as(client, make_user("member"))
    references = _references(app, desk[2][:2])
    assert client.post("/staff/cases/bulk", data={"action": "acknowledge", "case": references}).status_code == 403
