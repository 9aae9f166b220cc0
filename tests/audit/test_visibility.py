"""The audit trail keeps the case rules: a recused chair reads nothing of the case, an admin reads no case at all.

A recused chair gets 404 on the case page; the trail once showed them the case's whole history (reference,
urgency, respondent, every state change, the timing of messages and downloads).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from portal.audit.models import AuditEntry
from portal.cases.committee import Recusal
from portal.cases.models import Case
from portal.core import signals
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import Affiliation, User
from tests.cases.conftest import build_world
from tests.conftest import StaffUser


@pytest.fixture
def trail(app, file_grievance, login_as):
    """The covenant world, a second case every chair may see, two recused chairs, and a client per reader."""
    with app.app_context():
        world = build_world(file_grievance)
        _, other_reference, _ = file_grievance()
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        tied = User(email="tied@world.test", name="Tied Chair", role=Role.CHAIR, password_hash="-")
        recorded = User(email="recorded@world.test", name="Recorded Chair", role=Role.CHAIR, password_hash="-")
        db.session.add_all([tied, recorded])
        db.session.flush()
        # One is tied to the respondent today; the other was recused earlier (a Recusal row, no tie any more).
        tied.affiliations.append(Affiliation(organisation_id=world.organisations["century"]))
        db.session.add(Recusal(case_id=case.id, user_id=recorded.id, reason="respondent"))
        signals.user_changed.send(tied, actor=db.session.get(User, world.users["admin"]), change="created")
        db.session.commit()
        ids = {**world.users, "chair_tied": tied.id, "chair_recorded": recorded.id}
        other_id = db.session.scalar(select(Case.id).where(Case.reference == other_reference))
        case_entries = db.session.scalar(
            select(db.func.count()).select_from(AuditEntry).where(AuditEntry.target == f"case:{case.id}")
        )
        assert case_entries >= 10  # submitted, linked, summary, moves, seats, decision, company response

    def reader(role: str):
        return login_as(app.test_client(), StaffUser(ids[role], "", "", role))

    return {
        "reader": reader,
        "case_id": case.id,
        "reference": world.reference,
        "other_id": other_id,
        "other_reference": other_reference,
        "respondent_id": world.organisations["century"],
    }


def _page(client, query: str = "") -> str:
    response = client.get(f"/staff/audit/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _targets(page: str) -> list[str]:
    return re.findall(r'dir="ltr">((?:case|user):[^<]*)</a>', page)


@pytest.mark.parametrize("role", ["chair_tied", "chair_recorded"])
def test_a_recused_chair_reads_nothing_of_the_case(trail, role):
    client, case_id, reference = trail["reader"](role), trail["case_id"], trail["reference"]
    for query in ("", "?action=case-state-changed", "?action=attachment-downloaded", "?page=1"):
        page = _page(client, query)
        assert f"case:{case_id}<" not in page and reference not in page
    everything = _page(client)
    assert f"case:{trail['other_id']}" in _targets(everything)  # other cases and accounts are still there
    assert trail["other_reference"] in everything
    assert any(target.startswith("user:") for target in _targets(everything))


@pytest.mark.parametrize("role", ["chair_tied", "chair_recorded"])
def test_asking_a_recused_chair_for_the_case_answers_like_an_unknown_case(trail, role):
    client, case_id = trail["reader"](role), trail["case_id"]
    hidden = _page(client, f"?target=case:{case_id}")
    unknown = _page(client, "?target=case:2147483000")
    assert "No entries match." in hidden and trail["reference"] not in hidden

    # The same page but for the echoed filter (and the sign-out form's CSRF token, which carries the second).
    def _plain(page: str, echoed: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page.replace(f'value="{echoed}"', ""))

    assert _plain(hidden, f"case:{case_id}") == _plain(unknown, "case:2147483000")


def test_a_chair_who_is_not_recused_reads_the_whole_history(trail):
    client, case_id = trail["reader"]("chair"), trail["case_id"]
    page = _page(client, f"?target=case:{case_id}")
    assert trail["reference"] in page and "Company responded" in page
    assert set(_targets(page)) == {f"case:{case_id}"}


def test_an_admin_sees_who_did_what_and_when_but_not_which_case(trail):
    client = trail["reader"]("admin")
    page = _page(client)
    assert "Grievance filed" in page and "Company responded" in page and "Case moved" in page  # actions, times
    assert "secretariat" in page  # the actor's name: the admin watches accounts
    assert trail["reference"] not in page and trail["other_reference"] not in page
    assert not any(target.startswith("case:") for target in _targets(page))
    assert "respondent_id" not in page and "to_state" not in page and "urgent" not in page  # no case facts
    assert any(target.startswith("user:") for target in _targets(page))  # accounts in full
    for case_id in (trail["case_id"], trail["other_id"]):
        asked = _page(client, f"?target=case:{case_id}")
        assert "No entries match." in asked


def test_a_recused_chair_page_is_one_query_whatever_the_trail_holds(app, trail):
    """The rule is SQL in the trail's query: no query per entry, however many entries are hidden."""
    from types import SimpleNamespace

    from portal.audit import receivers

    client = trail["reader"]("chair_tied")

    def statements_for_page() -> list[str]:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            _page(client)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return statements

    before = statements_for_page()
    with app.app_context():
        case = db.session.get(Case, trail["case_id"])
        for _ in range(120):  # more hidden entries than a page holds
            receivers.record("identity-viewed", case, {"actor": None})
        other = SimpleNamespace(id=trail["other_id"], reference=trail["other_reference"])
        for _ in range(60):
            receivers.record("identity-viewed", other, {"actor": None})
        db.session.commit()
    after = statements_for_page()
    for statements in (before, after):  # the logged-in user, the entries, the actors' names
        assert len(statements) <= 4
        assert len([s for s in statements if "audit_entries" in s]) == 1
    page = _page(client)
    assert page.count("<tr>") == 51  # still a full page of what the chair may read
    assert f"case:{trail['case_id']}<" not in page


def test_facts_of_visible_entries_are_still_shown_to_the_chair(trail):
    page = _page(trail["reader"]("chair"), f"?target=case:{trail['case_id']}&action=case-linked")
    assert f"<code>respondent_id</code>: {trail['respondent_id']}" in page
