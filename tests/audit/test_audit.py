"""The audit trail: one hash-chained entry per signal, no secrets in it, tampering found, a page for the chair."""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import UTC
from types import SimpleNamespace

import pytest
from flask import url_for
from sqlalchemy import event, select, text

from portal.audit import receivers
from portal.audit.labels import ACTIONS
from portal.audit.models import AuditEntry
from portal.audit.verify import GENESIS_HASH, check_chain
from portal.cases.committee import Decision, DecisionKind
from portal.cases.models import Attachment, Case
from portal.cases.operations import take_action
from portal.cases.workflow import Action
from portal.core import signals
from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User
from tests.conftest import VALID_GRIEVANCE
from tests.samples import PDF_BYTES, upload

DESCRIPTION = VALID_GRIEVANCE["description"]
NAME, EMAIL = "Amani Kabila", "amani@example.org"


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _case(reference: str) -> Case:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def _assert_no_secrets(entry: AuditEntry) -> None:
    for secret in (DESCRIPTION, "Children carry sacks", NAME, "Amani", EMAIL, "passphrase"):
        assert secret not in entry.data
    json.loads(entry.data)  # compact JSON, always


def _record(count: int, action: str = "identity-viewed", case_id: int = 1) -> None:
    """Entries written straight through the receiver, without a real case (no other listener runs)."""
    for _ in range(count):
        receivers.record(action, SimpleNamespace(id=case_id, reference="MC-2026-00001"), {"actor": None})
    db.session.commit()


# Writing ------------------------------------------------------------------------------------------------------


def test_filing_a_grievance_writes_a_linked_case_submitted_entry(app, file_grievance):
    _, first, _ = file_grievance()
    _, second, _ = file_grievance()
    with app.app_context():
        entries = [entry for entry in _entries() if entry.action == "case-submitted"]
        assert len(entries) == 2
        case = _case(first)
        assert entries[0].target == f"case:{case.id}"
        assert entries[0].actor_id is None
        data = json.loads(entries[0].data)
        assert data["reference"] == first and data["state"] == "submitted"
        _assert_no_secrets(entries[0])
        assert json.loads(entries[1].data)["reference"] == second

        chain = _entries()
        assert chain[0].previous_hash == GENESIS_HASH
        for before, after in itertools.pairwise(chain):
            assert after.previous_hash == before.entry_hash
        assert all(entry.entry_hash == entry.compute_hash() for entry in chain)
        assert check_chain(db.session).problems == []


def test_identity_view_names_the_actor_and_keeps_the_identity_out(app, file_grievance, make_user):
    _, reference, _ = file_grievance(anonymous="no", name=NAME, email=EMAIL)
    officer = make_user("secretariat")
    with app.app_context():
        case, user = _case(reference), db.session.get(User, officer.id)
        signals.identity_viewed.send(case, actor=user)
        db.session.commit()
        entry = _entries()[-1]
        assert (entry.action, entry.actor_id, entry.target) == ("identity-viewed", officer.id, f"case:{case.id}")
        assert json.loads(entry.data) == {"case_id": case.id, "reference": reference}
        _assert_no_secrets(entry)
        assert check_chain(db.session).problems == []


def test_a_state_change_records_action_and_states(app, file_grievance, make_user):
    _, reference, _ = file_grievance()
    officer = make_user("secretariat")
    with app.app_context():
        case, user = _case(reference), db.session.get(User, officer.id)
        take_action(case, Action.ACKNOWLEDGE, user, Role.SECRETARIAT, reasons="We read every word of it.")
        db.session.commit()
        [entry] = [entry for entry in _entries() if entry.action == "case-state-changed"]
        assert entry.actor_id == officer.id and entry.target == f"case:{case.id}"
        data = json.loads(entry.data)
        assert (data["action"], data["from_state"], data["to_state"]) == ("acknowledge", "submitted", "acknowledged")
        assert "We read every word" not in entry.data
        _assert_no_secrets(entry)


def test_a_download_records_the_attachment_and_not_its_name(app, file_grievance, make_user):
    _, reference, _ = file_grievance(files=[upload(PDF_BYTES, "amani-kabila-statement.pdf")])
    officer = make_user("secretariat")
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        signals.attachment_downloaded.send(
            attachment.entry.case, attachment=attachment, actor=db.session.get(User, officer.id)
        )
        db.session.commit()
        entry = _entries()[-1]
        assert entry.action == "attachment-downloaded" and entry.actor_id == officer.id
        assert json.loads(entry.data)["attachment_id"] == attachment.id
        assert json.loads(entry.data)["reference"] == reference
        assert "statement" not in entry.data and "kabila" not in entry.data.lower()


def test_a_decision_not_yet_flushed_is_recorded_with_its_id_and_without_its_reasons(app, file_grievance, make_user):
    _, reference, _ = file_grievance()
    chair = make_user("chair")
    with app.app_context():
        case, user = _case(reference), db.session.get(User, chair.id)
        decision = Decision(case_id=case.id, kind=DecisionKind.ADMISSIBILITY, admissible=True, signed_by_id=user.id)
        decision.reasons = DESCRIPTION
        db.session.add(decision)  # operations send decision-recorded before they flush
        signals.decision_recorded.send(case, decision=decision, actor=user)
        db.session.commit()
        entry = _entries()[-1]
        data = json.loads(entry.data)
        assert (entry.action, entry.actor_id) == ("decision-recorded", chair.id)
        assert data["decision_id"] == decision.id and data["kind"] == "admissibility" and data["admissible"] is True
        _assert_no_secrets(entry)


def test_account_signals_target_the_user_and_keep_addresses_and_secrets_out(app, make_user):
    admin, member = make_user("admin"), make_user("member", email="member-x@example.org", name=NAME)
    with app.app_context():
        user, by = db.session.get(User, member.id), db.session.get(User, admin.id)
        signals.user_login_failed.send(user, stage="password")
        signals.user_login_failed.send(None, stage="password")  # an address that matches no account
        signals.user_logged_in.send(user, actor=user)
        signals.user_changed.send(user, actor=by, change="role:member->chair")
        signals.user_changed.send(user, actor=by, change="email:member-x@example.org->m@example.org")
        signals.user_changed.send(
            user, actor=by, change={"role": "chair", "email": "member-x@example.org", "name": NAME}
        )
        db.session.commit()
        failed, unknown, logged_in, changed, email_changed, as_mapping = _entries()
        assert (failed.action, failed.target, failed.actor_id) == ("user-login-failed", f"user:{member.id}", None)
        assert json.loads(failed.data) == {"stage": "password", "user_id": member.id}
        assert (unknown.target, unknown.actor_id) == ("user:unknown", None)
        assert (logged_in.action, logged_in.actor_id) == ("user-logged-in", member.id)
        assert (changed.action, changed.actor_id, changed.target) == ("user-changed", admin.id, f"user:{member.id}")
        assert json.loads(changed.data)["change"] == "role:member->chair"
        assert json.loads(email_changed.data)["change"] == "email"
        assert json.loads(as_mapping.data)["change"] == {"role": "chair"}
        for entry in (failed, unknown, logged_in, changed, email_changed, as_mapping):
            assert "member-x" not in entry.data
            _assert_no_secrets(entry)
        assert check_chain(db.session).problems == []


def test_every_signal_has_one_receiver_even_after_connecting_again(app):
    receivers.connect()
    receivers.connect()
    declared = receivers.all_signals()
    assert {signal.name for signal in declared} == set(ACTIONS)  # every action has a human label
    for signal in declared:
        ours = [r for r in signal.receivers.values() if getattr(r, "__module__", "") == receivers.__name__]
        assert len(ours) == 1, signal.name


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_signal_writes_an_entry_without_its_kwargs_content(app, name):
    """Each receiver copes with missing kwargs and never copies free text given with a signal."""
    with app.app_context():
        sender = SimpleNamespace(id=7, reference="MC-2026-00007", state="submitted", urgent=False, outcome=None)
        entry = receivers.record(name, sender, {"actor": None, "text": DESCRIPTION, "note": NAME})
        db.session.commit()
        assert entry.action == name
        assert entry.target in ("case:7", "user:7")
        _assert_no_secrets(entry)


# Verifying ----------------------------------------------------------------------------------------------------


def test_verify_passes_on_an_intact_chain_read_in_small_batches(app):
    with app.app_context():
        _record(7)
        assert check_chain(db.session, batch_size=2).problems == []
    result = app.test_cli_runner().invoke(args=["portal", "audit-verify"])
    assert result.exit_code == 0, result.output
    assert "audit trail intact: 7 entries" in result.output


def test_an_empty_trail_is_intact(app):
    result = app.test_cli_runner().invoke(args=["portal", "audit-verify"])
    assert result.exit_code == 0
    assert "audit trail intact: 0 entries" in result.output


def test_an_edited_entry_is_found(app):
    with app.app_context():
        _record(5)
        edited = _entries()[2].id
        db.session.execute(
            text("UPDATE audit_entries SET data = :data WHERE id = :id"), {"data": '{"case_id":99}', "id": edited}
        )
        db.session.commit()
        problems = check_chain(db.session, batch_size=2).problems
        assert len(problems) == 1 and problems[0].startswith(f"entry {edited}:") and "edited" in problems[0]
    result = app.test_cli_runner().invoke(args=["portal", "audit-verify"])
    assert result.exit_code == 1
    assert f"entry {edited}:" in result.output


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(app):
    with app.app_context():
        _record(4)
        entry = _entries()[1]
        entry.created_at = entry.created_at.astimezone(UTC)
        entry.target = "case:99"
        forged = entry.compute_hash()
        db.session.rollback()
        db.session.execute(
            text("UPDATE audit_entries SET target = 'case:99', entry_hash = :hash WHERE id = :id"),
            {"hash": forged, "id": entry.id},
        )
        db.session.commit()
        problems = check_chain(db.session).problems
        assert len(problems) == 1 and "deleted, inserted or reordered" in problems[0]


def test_a_deleted_middle_entry_is_found(app):
    with app.app_context():
        _record(5)
        chain = _entries()
        db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": chain[2].id})
        db.session.commit()
        problems = check_chain(db.session).problems
        assert problems == [
            f"entry {chain[3].id}: does not follow entry {chain[1].id} (an entry was deleted, inserted or reordered)"
        ]
    result = app.test_cli_runner().invoke(args=["portal", "audit-verify"])
    assert result.exit_code == 1
    assert f"entry {chain[3].id}: does not follow" in result.output


def test_a_deleted_first_entry_is_found(app):
    with app.app_context():
        _record(3)
        db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": _entries()[0].id})
        db.session.commit()
        assert ["start of the chain" in problem for problem in check_chain(db.session).problems] == [True]


def test_two_transactions_writing_at_once_do_not_fork_the_chain(app):
    """The second writer waits for the first to commit before it reads the last hash."""
    first_written, errors = threading.Event(), []

    def write(wait_for: threading.Event | None, hold: float) -> None:
        try:
            with app.app_context():
                if wait_for is not None:
                    wait_for.wait(5)
                receivers.record("identity-viewed", SimpleNamespace(id=1, reference="MC-2026-00001"), {})
                first_written.set()
                time.sleep(hold)
                db.session.commit()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=write, args=(None, 0.5)),
        threading.Thread(target=write, args=(first_written, 0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        first, second = _entries()
        assert second.previous_hash == first.entry_hash
        assert check_chain(db.session).problems == []


# The page -----------------------------------------------------------------------------------------------------

# staff/base.html links to these pages; the audit trail cannot render without them (a renamed endpoint fails here).
BASE_ENDPOINTS = (
    "staff.dashboard", "staff.case_list", "company.case_list", "users.admin_users", "users.profile", "users.logout",
    "users.login",
)  # fmt: skip


def test_the_pages_the_trail_links_to_exist(app):
    assert [endpoint for endpoint in BASE_ENDPOINTS if endpoint not in app.view_functions] == []


@pytest.mark.parametrize("role", ["admin", "chair"])
def test_admin_and_chair_see_the_trail(app, client, make_user, login_as, file_grievance, role):
    _, reference, _ = file_grievance(anonymous="no", name=NAME, email=EMAIL)
    viewer = make_user(role)
    login_as(client, viewer)
    response = client.get("/staff/audit/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Audit trail</h1>" in page
    assert "Grievance filed" in page
    # The chair reads which case; an admin reads that something happened to a case (tests/audit/test_visibility.py).
    assert (reference in page) == (role == "chair")
    assert '<table class="list">' in page and '<th scope="col">' in page
    assert 'for="target"' in page and 'for="action"' in page
    assert "flask portal audit-verify" in page
    for secret in (DESCRIPTION, NAME, EMAIL):
        assert secret not in page


@pytest.mark.parametrize("role", ["secretariat", "member", "company"])
def test_other_roles_are_refused(app, client, make_user, login_as, role):
    login_as(client, make_user(role))
    assert client.get("/staff/audit/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    response = client.get("/staff/audit/")
    assert response.status_code == 302
    with app.test_request_context():
        login = url_for("users.login")
    assert response.headers["Location"].startswith(login) and "/staff/audit/" in response.headers["Location"]


def test_the_trail_filters_pages_and_names_actors_in_one_query(app, client, make_user, login_as, file_grievance):
    _, first, _ = file_grievance()
    _, second, _ = file_grievance()
    chair = make_user("chair")
    actors = [make_user("secretariat", name=f"Officer {i}") for i in range(4)]
    with app.app_context():
        users = [db.session.get(User, actor.id) for actor in actors]
        case, other = _case(first), _case(second)
        case_id, other_id = case.id, other.id
        for i in range(55):
            receivers.record("identity-viewed", case, {"actor": users[i % 4]})
        db.session.commit()
    login_as(client, chair)

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/staff/audit/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.count("<tr>") == 51  # a header row and 50 entries
    assert all(f"Officer {i}" in page for i in range(4))
    assert "Older entries" in page and "Newer entries" not in page
    # One query for the logged-in user, one for every actor on the page: no query per row.
    assert len([s for s in statements if "FROM users" in s]) <= 2

    older = client.get("/staff/audit/?page=2").get_data(as_text=True)
    assert older.count("<tr>") == 8 and "Newer entries" in older and "Page 2" in older  # 57 entries: 7 here

    submitted = client.get("/staff/audit/?action=case-submitted").get_data(as_text=True)
    assert submitted.count("<tr>") == 3 and second in submitted
    assert '<option value="case-submitted" selected>' in submitted

    query = f"target=case:{case_id}&action=identity-viewed&page=2"
    by_target = client.get(f"/staff/audit/?{query}").get_data(as_text=True)
    # The rows name their target as a link's text; the form's hint ("case:12") must not count as a row.
    assert by_target.count("<tr>") == 6 and f'dir="ltr">case:{other_id}</a>' not in by_target
    assert f'dir="ltr">case:{case_id}</a>' in by_target

    assert client.get("/staff/audit/?action=nonsense&page=-3").status_code == 200
    assert client.get(f"/staff/audit/?page={10**30}").status_code == 200
