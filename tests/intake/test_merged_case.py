"""A merged (absorbed) case's complainant keeps their receipt: they read the joint case's news and can still write."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from portal.cases.models import Case, CaseEntry, EntryKind
from portal.cases.workflow import State
from portal.extensions import db

FIRST = "The depot manager makes us work at night without pay."
SECOND = "Msimamizi wa ghala anatulazimisha kufanya kazi usiku bila malipo."
NEWS = "Tumezungumza na kampuni. Tutakuandikia tena mwezi ujao."
QUESTION = "Which gate of the depot do the night shifts use?"
REPLY = "Zamu za usiku zinatumia lango la kaskazini."


@pytest.fixture
def merged(app, client, file_grievance, make_user, login_as):
    """Grievance B (Swahili) merged into A (English): (officer client, officer, A, B, B's receipt)."""
    user = make_user("secretariat")
    officer = login_as(app.test_client(), user)
    _, first, _ = file_grievance(description=FIRST)
    _, second, receipt = file_grievance(locale="sw", description=SECOND)
    assert officer.post(f"/staff/cases/{first}/actions/acknowledge").status_code == 302
    data = {"merge-merge_target": first, "merge-reasons": "Same depot, same nights."}
    assert officer.post(f"/staff/cases/{second}/actions/merge", data=data).status_code == 302
    with app.app_context():
        absorbed = db.session.scalar(select(Case).where(Case.reference == second))
        assert absorbed.state == State.MERGED
    return officer, user, first, second, receipt


def _html(text: str) -> str:
    return str(escape(text))


def test_the_absorbed_complainant_reads_the_joint_news_and_replies(app, client, open_case, smtp_server, merged):
    officer, user, first, second, receipt = merged
    assert officer.post(f"/staff/cases/{first}/message", data={"text": NEWS}).status_code == 302
    data = {"request_info-message": QUESTION}
    assert officer.post(f"/staff/cases/{first}/actions/request_info", data=data).status_code == 302

    assert open_case(receipt, "sw").status_code == 302
    page = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert _html(NEWS) in page and _html(QUESTION) in page
    assert _html(FIRST) not in page  # the other complainant's own words stay theirs
    assert 'name="message"' in page  # the reply form

    response = client.post("/sw/follow-up/case", data={"message": REPLY})
    assert response.status_code == 302 and response.headers["Location"] == "/sw/follow-up/case"
    assert _html(REPLY) in client.get("/sw/follow-up/case").get_data(as_text=True)

    with app.app_context():
        joint = db.session.scalar(select(Case).where(Case.reference == first))
        absorbed = db.session.scalar(select(Case).where(Case.reference == second))
        reply = db.session.scalar(
            select(CaseEntry).where(CaseEntry.case_id == joint.id, CaseEntry.kind == EntryKind.FROM_COMPLAINANT)
        )
        assert reply.body == REPLY and reply.from_case_id == absorbed.id
        # B's reply is a reply: only A's own complainant answers A's question.
        assert joint.state == State.INFO_REQUESTED and absorbed.state == State.MERGED

    staff_page = officer.get(f"/staff/cases/{first}").get_data(as_text=True)
    assert _html(REPLY) in staff_page
    assert f'href="/staff/cases/{second}"' in staff_page
    assert f'href="/staff/cases/{first}"' in officer.get(f"/staff/cases/{second}").get_data(as_text=True)
    assert any(user.email in mail["To"] and first in mail["Subject"] for mail in smtp_server.messages)


def test_the_absorbed_complainant_does_not_read_what_was_said_to_the_other_before(app, client, open_case, merged):
    _, _, first, _, receipt = merged
    with app.app_context():
        joint = db.session.scalar(select(Case).where(Case.reference == first))
        before = CaseEntry(kind=EntryKind.TO_COMPLAINANT, visibility="complainant")
        before.body = "Only for the first complainant."
        joint.entries.append(before)
        before.created_at = joint.created_at
        db.session.commit()
    assert open_case(receipt, "sw").status_code == 302
    assert "Only for the first complainant." not in client.get("/sw/follow-up/case").get_data(as_text=True)


def test_the_joint_cases_staff_page_links_the_case_it_absorbed(merged):
    officer, _user, first, second, _receipt = merged
    page = officer.get(f"/staff/cases/{first}").get_data(as_text=True)
    assert f'<a href="/staff/cases/{second}">{second}</a>' in page
