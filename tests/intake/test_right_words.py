"""The complainant reads the words written for them, in their language; working translations are for staff only."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from portal.cases.models import Case, CaseEntry, EntryKind
from portal.extensions import db

# (locale, question written for the worker, the officer's English working translation, the worker's answer)
QUESTIONS = [
    ("sw", "Ulifanya kazi zamu ya usiku mara ngapi mwezi uliopita?", "How many night shifts did you work last month?",
     "Nilifanya zamu kumi na mbili za usiku."),
    ("ar", "كم مرة عملت في نوبة الليل الشهر الماضي؟", "How many night shifts did you work last month?",
     "عملت اثنتي عشرة نوبة ليلية."),
    ("fr", "Combien de nuits avez-vous travaillé le mois dernier ?", "How many nights did you work last month?",
     "J'ai travaillé douze nuits."),
]  # fmt: skip
ANSWER_IN_ENGLISH = "I worked twelve night shifts."


@pytest.fixture
def officer(app, client, make_user, login_as):
    user = make_user("secretariat")
    staff = app.test_client()
    login_as(staff, user)
    return staff


def _html(text: str) -> str:
    return str(escape(text))


def _reply_entry_id(app, reference: str) -> int:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return db.session.scalar(
            select(CaseEntry.id).where(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.FROM_COMPLAINANT)
        )


@pytest.mark.parametrize(("locale", "question", "working", "answer"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
@pytest.mark.parametrize("how", ["request_info", "message"])
def test_the_worker_reads_the_question_in_their_language_and_their_own_answer(
    app, client, file_grievance, open_case, officer, locale, question, working, answer, how
):
    _, reference, receipt = file_grievance(locale=locale)
    base = f"/staff/cases/{reference}"
    assert officer.post(f"{base}/actions/acknowledge").status_code == 302
    if how == "request_info":
        data = {"request_info-message": question, "request_info-message_translation": working}
        assert officer.post(f"{base}/actions/request_info", data=data).status_code == 302
    else:
        assert officer.post(f"{base}/message", data={"text": question, "translation": working}).status_code == 302

    assert open_case(receipt, locale).status_code == 302
    page = client.get(f"/{locale}/follow-up/case").get_data(as_text=True)
    assert _html(question) in page and _html(working) not in page

    assert client.post(f"/{locale}/follow-up/case", data={"message": answer}).status_code == 302
    entry_id = _reply_entry_id(app, reference)
    response = officer.post(f"{base}/entries/{entry_id}/translation", data={"translation": ANSWER_IN_ENGLISH})
    assert response.status_code == 302

    page = client.get(f"/{locale}/follow-up/case").get_data(as_text=True)
    assert _html(answer) in page and _html(ANSWER_IN_ENGLISH) not in page
    assert _html(question) in page and _html(working) not in page

    staff_page = officer.get(base).get_data(as_text=True)
    for text in (question, working, answer, ANSWER_IN_ENGLISH):
        assert _html(text) in staff_page
    assert "Working translation:" in staff_page


def test_reasons_written_in_the_complainants_language_are_what_they_read(
    app, client, file_grievance, open_case, officer
):
    """The reasons field is the staff's words; the complainant reads the version written in their language."""
    _, reference, receipt = file_grievance(locale="sw")
    reasons, for_worker = "Outside our scope.", "Hili haliko ndani ya kazi yetu."
    data = {"withdraw-reasons": reasons, "withdraw-reasons_translation": for_worker}
    assert officer.post(f"/staff/cases/{reference}/actions/withdraw", data=data).status_code == 302
    assert open_case(receipt, "sw").status_code == 302
    page = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert _html(for_worker) in page and _html(reasons) not in page
    staff_page = officer.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert _html(for_worker) in staff_page and _html(reasons) in staff_page
