"""Tags: the secretariat defines them with a label per locale (English the fallback); case staff add and remove
them on the case page; each change is audited; the list shows them and filters by them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.models import Case
from portal.cases.tags import CaseTag, Tag
from portal.cases.workflow import State
from portal.extensions import db
from tests.cases.lists_helpers import listed, seeded, set_state


@pytest.fixture
def secretariat(app, client, make_user, login_as):
    ids = seeded(app, 12)
    set_state(app, ids[:3], State.ASSESSMENT)
    user = make_user("secretariat")
    login_as(client, user)
    return user, ids


def _create(client, **labels) -> int:
    response = client.post("/staff/tags", data={f"label_{code}": text for code, text in labels.items()})
    assert response.status_code == 302
    return max(t for t in _tag_ids(client))


def _tag_ids(client):
    with client.application.app_context():
        return list(db.session.scalars(select(Tag.id)))


def test_the_secretariat_creates_a_tag_with_translated_labels(app, client, secretariat):
    tag_id = _create(client, en="Tailings dam", fr="Barrage de résidus", ar="سد المخلفات")
    with app.app_context():
        tag = db.session.get(Tag, tag_id)
        assert tag.label("fr") == "Barrage de résidus"
        assert tag.label("sw") == "Tailings dam"  # no Swahili label: English
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "tag-changed"))
        assert json.loads(entry.data) == {"change": "created", "tag_id": tag_id}
    page = client.get("/staff/tags").get_data(as_text=True)
    assert "سد المخلفات" in page


def test_english_is_required(app, client, secretariat):
    response = client.post("/staff/tags", data={"label_fr": "Barrage"})
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert _tag_ids(client) == []


def test_only_the_secretariat_manages_tags(client, secretariat, make_user, login_as):
    for role in ("chair", "member", "admin"):
        login_as(client, make_user(role))
        assert client.get("/staff/tags").status_code == 403
        assert client.post("/staff/tags", data={"label_en": "X"}).status_code == 403


def test_tags_on_the_case_page_and_in_the_list(app, client, secretariat):
    _, ids = secretariat
    tag_id = _create(client, en="Night shift", fr="Équipe de nuit")
    with app.app_context():
        reference = db.session.get(Case, ids[0]).reference
    assert client.post(f"/staff/cases/{reference}/tags", data={"tag": str(tag_id)}).status_code == 302
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert '<span class="badge">Night shift</span>' in page
    assert listed(client, f"/staff/cases?tag={tag_id}") == [reference]
    assert client.post(f"/staff/cases/{reference}/tags", data={"tag": "9999"}).status_code == 400
    assert client.post(f"/staff/cases/{reference}/tags/{tag_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CaseTag.case_id)) is None
        changes = [
            json.loads(d) for d in db.session.scalars(select(AuditEntry.data).where(AuditEntry.action == "case-tagged"))
        ]
    assert [change["removed"] for change in changes] == [False, True]
    assert listed(client, f"/staff/cases?tag={tag_id}") == []


def test_a_reader_sees_the_label_in_their_language(app, client, secretariat, make_user, login_as):
    _, ids = secretariat
    tag_id = _create(client, en="Night shift", fr="Équipe de nuit")
    with app.app_context():
        reference = db.session.get(Case, ids[0]).reference
    client.post(f"/staff/cases/{reference}/tags", data={"tag": str(tag_id)})
    login_as(client, make_user("secretariat", locale="fr"))
    assert '<span class="badge">Équipe de nuit</span>' in client.get("/staff/cases").get_data(as_text=True)
    login_as(client, make_user("secretariat", locale="sw"))
    assert '<span class="badge">Night shift</span>' in client.get("/staff/cases").get_data(as_text=True)


def test_the_staff_summary_is_written_on_the_case_page(app, client, secretariat):
    _, ids = secretariat
    with app.app_context():
        reference = db.session.get(Case, ids[1]).reference
    response = client.post(f"/staff/cases/{reference}/staff-summary", data={"summary": "Dust at the Likasi plant"})
    assert response.status_code == 302
    assert "Dust at the Likasi plant" in client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert listed(client, "/staff/cases?q=likasi") == [reference]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff-summary-written")) is not None
