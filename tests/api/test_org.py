"""The organisation endpoints: the rules of /org/cases through a token (portal/api/org.py)."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.api.tokens import ApiToken
from portal.audit.models import AuditEntry
from portal.cases.models import Case, CaseEntry, EntryKind
from portal.cases.workflow import State
from portal.core.db import utcnow
from portal.extensions import db
from portal.orgs.trackers import Tracker
from tests.organisations.conftest import ngo_member, unverified_ngo, verified_ngo  # noqa: F401
from tests.organisations.fixtures_cases import *  # noqa: F403
from tests.organisations.fixtures_cases import SECRET, ask, file_for
from tests.samples import EXE_BYTES, PDF_BYTES

OTHER = "The union's own account of the smelter: the night shift breathes sulphur dioxide without masks."
READ, WRITE = "org:read", "org:write"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_an_organisation_lists_and_reads_only_its_own_cases(app, client, orgs, file_grievance, token_for):
    ours = file_for(app, file_grievance, orgs.ngo, description=SECRET)
    theirs = file_for(app, file_grievance, orgs.union, description=OTHER)
    headers = token_for(orgs.members["ngo"], READ)

    listed = client.get("/api/v1/org/cases", headers=headers)
    assert listed.status_code == 200
    assert [row["reference"] for row in listed.get_json()["cases"]] == [ours]
    assert OTHER not in listed.get_data(as_text=True) and SECRET not in listed.get_data(as_text=True)
    row = listed.get_json()["cases"][0]
    assert row["state"] == State.SUBMITTED and row["question_waiting"] is False and row["unread_messages"] == 0

    assert client.get(f"/api/v1/org/cases/{ours}", headers=headers).status_code == 200
    assert _problem(client.get(f"/api/v1/org/cases/{theirs}", headers=headers), 404)["type"].endswith("not-found")
    _problem(client.get("/api/v1/org/cases/MC-2026-99999", headers=headers), 404)
    # The filters are those of the page: a filter that matches nothing lists nothing.
    assert client.get("/api/v1/org/cases?commodity=copper", headers=headers).get_json()["cases"] == []
    assert client.get("/api/v1/org/cases?commodity=cobalt", headers=headers).get_json()["cases"][0]["reference"] == ours
    _problem(client.get("/api/v1/org/cases?state=nonsense", headers=headers), 422)


def test_the_list_pages(app, client, orgs, file_grievance, token_for):
    references = [file_for(app, file_grievance, orgs.ngo) for _ in range(3)]
    headers = token_for(orgs.members["ngo"], READ)
    first = client.get("/api/v1/org/cases?limit=2", headers=headers).get_json()
    second = client.get("/api/v1/org/cases?limit=2&page=2", headers=headers).get_json()
    assert [r["reference"] for r in first["cases"] + second["cases"]] == references[::-1]
    assert first["next_page"] == 2 and second["next_page"] is None


def test_the_detail_shows_what_the_members_read_and_the_question(app, client, orgs, file_grievance, token_for):
    reference = file_for(app, file_grievance, orgs.ngo)
    ask(app, reference, orgs.secretariat, "How many children work at the pit?")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        note = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility="internal", author_id=orgs.secretariat.id)
        note.body = "Internal: the officer suspects the depot manager."
        case.entries.append(note)
        db.session.commit()
    headers = token_for(orgs.members["ngo"], READ)
    assert client.get("/api/v1/org/cases", headers=headers).get_json()["cases"][0]["unread_messages"] == 1
    detail = client.get(f"/api/v1/org/cases/{reference}", headers=headers)
    body = detail.get_json()
    assert body["question_waiting"] is True
    assert body["question"]["text"] == "How many children work at the pit?"
    assert "Internal" not in detail.get_data(as_text=True)
    # Reading the case through the API marks its messages read, as the page does.
    assert client.get("/api/v1/org/cases", headers=headers).get_json()["cases"][0]["unread_messages"] == 0


def test_a_row_of_the_list_says_each_field_as_the_case_itself_does(app, client, orgs, file_grievance, token_for):
    """The list is read as plain rows, a case's detail from the case: each field of a row must come out the same,
    for a case waiting for an answer, an overdue one with two categories, and a closed one (nothing comes next)."""
    asked = file_for(app, file_grievance, orgs.ngo)
    ask(app, asked, orgs.secretariat)
    overdue = file_for(app, file_grievance, orgs.ngo, categories=["wages_hours", "child_labour"], commodity="nickel")
    closed = file_for(app, file_grievance, orgs.ngo, country="ID")
    with app.app_context():
        late = db.session.scalar(select(Case).where(Case.reference == overdue))
        late.acknowledge_due_at = late.next_due_at = utcnow() - timedelta(days=3)
        db.session.scalar(select(Case).where(Case.reference == closed)).state = State.WITHDRAWN
        db.session.commit()
    headers = token_for(orgs.members["ngo"], READ)
    rows = {row["reference"]: row for row in client.get("/api/v1/org/cases", headers=headers).get_json()["cases"]}
    assert rows[overdue]["categories"] == ["child_labour", "wages_hours"] and rows[overdue]["days_overdue"] == 3
    assert rows[overdue]["next_step"] and rows[asked]["question_waiting"] and rows[closed]["next_step"] is None
    for reference, row in rows.items():
        detail = client.get(f"/api/v1/org/cases/{reference}", headers=headers).get_json()
        assert {key: detail[key] for key in row if key != "unread_messages"} == {
            key: value for key, value in row.items() if key != "unread_messages"
        }


def test_another_organisations_token_cannot_reach_staff_endpoints(client, orgs, token_for):
    headers = token_for(orgs.members["ngo"], READ, WRITE)
    _problem(client.get("/api/v1/staff/cases", headers=headers), 403)


def test_read_without_write_cannot_reply(app, client, orgs, file_grievance, token_for):
    reference = file_for(app, file_grievance, orgs.ngo)
    headers = token_for(orgs.members["ngo"], READ)
    _problem(client.post(f"/api/v1/org/cases/{reference}/replies", json={"message": "Hello"}, headers=headers), 403)


def test_revoked_or_expired_tokens_answer_401(app, client, orgs, token_for):
    revoked, expired = token_for(orgs.members["ngo"], READ), token_for(orgs.members["ngo"], READ)
    with app.app_context():
        first, second = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        first.revoked_at = utcnow()
        second.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    for headers in (revoked, expired, {}):
        response = client.get("/api/v1/org/cases", headers=headers)
        _problem(response, 401)
        assert "Location" not in response.headers


def test_a_reply_answers_the_question_as_the_member(app, client, orgs, file_grievance, token_for, member_client):
    reference = file_for(app, file_grievance, orgs.ngo)
    ask(app, reference, orgs.secretariat)
    headers = token_for(orgs.members["ngo"], READ, WRITE)
    _problem(client.post(f"/api/v1/org/cases/{reference}/replies", json={"message": "  "}, headers=headers), 422)
    answer = "Eleven children, the youngest is nine."
    response = client.post(f"/api/v1/org/cases/{reference}/replies", json={"message": answer}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["kind"] == EntryKind.FROM_COMPLAINANT and response.get_json()["text"] == answer
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.state != State.INFO_REQUESTED  # the question was answered
        actions = {
            (entry.action, entry.actor_id)
            for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == orgs.members["ngo"].id))
        }
    assert ("complainant-replied", orgs.members["ngo"].id) in actions
    assert ("api-token-used", orgs.members["ngo"].id) in actions
    staff_page = member_client(orgs.secretariat).get(f"/staff/cases/{reference}")
    assert answer in staff_page.get_data(as_text=True)
    # Another organisation's case: 404, and nothing written.
    theirs = file_for(app, file_grievance, orgs.union)
    _problem(client.post(f"/api/v1/org/cases/{theirs}/replies", json={"message": answer}, headers=headers), 404)


def test_evidence_is_cleaned_and_refused_whole(app, client, orgs, file_grievance, token_for):
    reference = file_for(app, file_grievance, orgs.ngo)
    headers = token_for(orgs.members["ngo"], WRITE)
    url = f"/api/v1/org/cases/{reference}/evidence"

    def send(*files):
        data = {"message": "The depot's register", "evidence": [(io.BytesIO(d), n) for d, n in files]}
        return client.post(url, data=data, headers=headers, content_type="multipart/form-data")

    def entries() -> int:
        with app.app_context():
            counted = select(func.count()).select_from(CaseEntry).where(CaseEntry.kind == EntryKind.FROM_COMPLAINANT)
            return db.session.scalar(counted)

    refused = _problem(send((PDF_BYTES, "register.pdf"), (EXE_BYTES, "register.exe")), 422)
    assert "evidence" in refused["errors"]
    assert entries() == 0  # the good file of a refused sending was not kept either
    _problem(client.post(url, data={"message": "no file"}, headers=headers, content_type="multipart/form-data"), 422)
    sent = send((PDF_BYTES, "register.pdf"))
    assert sent.status_code == 201 and sent.get_json()["files"] == 1
    assert entries() == 1


FILING = {
    "description": "Nine children of three families carry cobalt ore at the Kasulo depot every night.",
    "categories": ["child_labour"],
    "country": "CD",
    "commodity": "cobalt",
    "people_represented": 11,
    "households_represented": 3,
    "represented_kind": "households",
    "consent_by": "The three mothers",
    "consent_method": "thumbprint",
    "consent_on": "2026-11-02",
    "children_involved": True,
    "guardian_consent_by": "Mama Furaha",
    "guardian_consent_method": "spoken",
    "own_receipts": 2,
    "consent": True,
}


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_filing_with_the_same_key_files_once(app, client, ngo_member, verified_ngo, token_for):  # noqa: F811
    headers = token_for(ngo_member, WRITE)
    url = "/api/v1/org/cases"
    _problem(client.post(url, json=FILING, headers=headers), 422)  # no Idempotency-Key
    keyed = {**headers, "Idempotency-Key": "kobo-submission-4711"}
    first = client.post(url, json=FILING, headers=keyed)
    assert first.status_code == 201, first.get_data(as_text=True)
    filed = first.get_json()
    assert filed["receipt"] and len(filed["extra_receipts"]) == 2
    again = client.post(url, json=dict(reversed(FILING.items())), headers=keyed)  # same body, other key order
    assert again.status_code == 200
    assert again.get_json() == {"reference": filed["reference"], "receipt": None, "extra_receipts": []}
    _problem(client.post(url, json={**FILING, "people_represented": 12}, headers=keyed), 409)
    with app.app_context():
        assert _cases() == 1
        case = db.session.scalar(select(Case))
        assert case.filed_by_organisation_id == verified_ngo.id and case.guardian_consent_by == "Mama Furaha"
    # The journey's own rules: a child's case needs a guardian's consent.
    without = {name: value for name, value in FILING.items() if name != "guardian_consent_method"}
    refused = _problem(client.post(url, json=without, headers={**headers, "Idempotency-Key": "2"}), 422)
    assert "guardian_consent_method" in refused["errors"]
    with app.app_context():
        assert _cases() == 1


def test_only_a_verified_organisation_files(app, client, make_user, unverified_ngo, token_for):  # noqa: F811
    from portal.core.roles import Role

    member = make_user(Role.ORGANISATION, "someone@villages.example", unverified_ngo.id)
    headers = {**token_for(member, WRITE), "Idempotency-Key": "1"}
    _problem(client.post("/api/v1/org/cases", json=FILING, headers=headers), 403)


def test_two_requests_racing_with_one_key_file_once(app, ngo_member, token_for):  # noqa: F811
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("SQLite serialises writers: no race to lose")
    headers = {**token_for(ngo_member, WRITE), "Idempotency-Key": "race"}
    answers: list = []
    start = threading.Barrier(2)

    def send():
        with app.test_client() as own:
            start.wait()
            response = own.post("/api/v1/org/cases", json=FILING, headers=headers)
            answers.append((response.status_code, response.get_json()["reference"]))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 201]
    assert len({reference for _, reference in answers}) == 1
    with app.app_context():
        assert _cases() == 1


def test_trackers_show_the_organisations_themes(app, client, orgs, token_for):
    with app.app_context():
        ours = Tracker(organisation_id=orgs.ngo, name="Cobalt in Congo", commodity="cobalt", country="CD")
        theirs = Tracker(organisation_id=orgs.union, name="Nickel", commodity="nickel")
        db.session.add_all([ours, theirs])
        db.session.commit()
        ids = ours.id, theirs.id
    headers = token_for(orgs.members["ngo"], READ)
    listed = client.get("/api/v1/org/trackers", headers=headers).get_json()["trackers"]
    assert [tracker["id"] for tracker in listed] == [ids[0]]
    detail = client.get(f"/api/v1/org/trackers/{ids[0]}", headers=headers).get_json()
    assert detail["name"] == "Cobalt in Congo" and len(detail["counts"]) == 12 and detail["cases"] == []
    _problem(client.get(f"/api/v1/org/trackers/{ids[1]}", headers=headers), 404)
