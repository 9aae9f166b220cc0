"""Coming back with a receipt: read, reply, withdraw, leave; wrong receipts and guessing."""

import time

from sqlalchemy import select

from portal.cases.models import Attachment, Case, CaseEntry, EntryKind, Visibility
from portal.core.storage import read_blob
from portal.extensions import db
from tests.samples import upload, wav_voice_note


def test_receipt_opens_the_case_with_spaces_or_dashes(client, file_grievance, open_case):
    _, reference, receipt = file_grievance(locale="sw")
    dashed = receipt.replace(" ", "-")
    response = open_case(dashed, locale="sw")
    assert response.status_code == 302 and response.headers["Location"] == "/sw/follow-up/case"
    page = client.get("/sw/follow-up/case")
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


def test_wrong_receipt_gets_one_generic_answer(client, file_grievance, open_case):
    file_grievance()
    answers = set()
    for typed in ["0000 0000 0000 0000", "12", "abcd", "9" * 40]:
        response = open_case(typed)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        answers.add(html[html.index('id="receipt-error"') :].split("</p>")[0])
    assert len(answers) == 1
    assert client.get("/en/follow-up/case").status_code == 302


def test_a_receipt_never_opens_another_case(client, file_grievance, open_case):
    _, first, first_receipt = file_grievance(description="The first grievance, about the smelter fumes at night.")
    _, second, second_receipt = file_grievance(description="The second grievance, about unpaid overtime in May.")
    open_case(second_receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert second in html and first not in html and "smelter fumes" not in html
    open_case(first_receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert first in html and second not in html


def test_state_and_next_step_are_in_plain_words(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert "Received" in html and "We will confirm your grievance by" in html


def test_message_from_the_committee_is_shown_and_internal_notes_are_not(app, client, file_grievance, open_case):
    _, reference, receipt = file_grievance()
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        question = CaseEntry(kind=EntryKind.TO_COMPLAINANT, visibility=Visibility.COMPLAINANT, locale="sw")
        question.body = "Je, watoto wangapi wanafanya kazi huko?"
        note = CaseEntry(kind=EntryKind.INTERNAL_NOTE, visibility=Visibility.INTERNAL)
        note.body = "Internal: check the depot owner's links"
        case.entries += [question, note]
        db.session.commit()
    open_case(receipt, locale="sw")
    html = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert "Je, watoto wangapi wanafanya kazi huko?" in html
    assert "Internal: check" not in html


def test_reply_with_a_voice_note(app, client, file_grievance, open_case):
    _, _, receipt = file_grievance(locale="sw")
    open_case(receipt, locale="sw")
    response = client.post(
        "/sw/follow-up/case",
        data={"message": "Watoto kumi na wawili.", "evidence": [upload(wav_voice_note(), "sauti.wav")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html = client.get("/sw/follow-up/case").get_data(as_text=True)
    assert "Watoto kumi na wawili." in html
    with app.app_context():
        entry = db.session.scalar(select(CaseEntry).where(CaseEntry.kind == EntryKind.FROM_COMPLAINANT))
        assert entry.visibility == "complainant" and entry.locale == "sw"
        assert b"Watoto" not in entry.body_encrypted
        [attachment] = entry.attachments
        assert read_blob(attachment.storage_key) == wav_voice_note()


def test_empty_reply_is_refused(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    response = client.post("/en/follow-up/case", data={"message": ""})
    assert response.status_code == 400 and 'id="message-error"' in response.get_data(as_text=True)


def test_withdraw_needs_confirmation_then_closes_the_case(app, client, file_grievance, open_case):
    _, reference, receipt = file_grievance()
    open_case(receipt)
    assert client.post("/en/follow-up/withdraw", data={"reason": "I found another way"}).status_code == 400
    response = client.post("/en/follow-up/withdraw", data={"reason": "I found another way", "confirm": "y"})
    assert response.status_code == 302
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert "Withdrawn" in html and "Withdraw my grievance" not in html and "Write to the committee" not in html
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.state == "withdrawn" and case.closed_at is not None
        change = case.entries[-1]
        assert (
            change.kind == "state_change" and change.new_state == "withdrawn" and change.body == "I found another way"
        )
    # A withdrawn case cannot be withdrawn again, nor replied to.
    assert client.get("/en/follow-up/withdraw").status_code == 302
    client.post("/en/follow-up/case", data={"message": "late"})
    with app.app_context():
        assert db.session.scalar(select(CaseEntry).where(CaseEntry.kind == EntryKind.FROM_COMPLAINANT)) is None


def test_leave_ends_the_session(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    assert client.post("/en/follow-up/leave").status_code == 302
    assert client.get("/en/follow-up/case").status_code == 302


def test_session_expires_after_30_idle_minutes(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    with client.session_transaction() as session:
        session["receipt_holder"] = {**session["receipt_holder"], "seen": int(time.time()) - 31 * 60}
    response = client.get("/en/follow-up/case")
    assert response.status_code == 302 and response.headers["Location"] == "/en/follow-up"


def test_receipt_guessing_is_throttled_per_client_and_globally(app, client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    app.config["RATELIMIT_RECEIPT_CLIENT"] = "5 per minute"
    try:
        statuses = [open_case("1111 1111 1111 1111").status_code for _ in range(5)]
        assert statuses == [400] * 5
        assert open_case(receipt).status_code == 429  # even the right receipt waits
        app.config["RATELIMIT_RECEIPT_CLIENT"] = "10000 per minute"
        app.config["RATELIMIT_RECEIPT_GLOBAL"] = "3 per minute"
        other = app.test_client()
        codes = [
            other.post(
                "/en/follow-up", data={"receipt": "2"}, environ_base={"REMOTE_ADDR": f"198.51.100.{i}"}
            ).status_code
            for i in range(4)
        ]
    finally:
        app.config["RATELIMIT_RECEIPT_CLIENT"] = "10000 per minute"
        app.config["RATELIMIT_RECEIPT_GLOBAL"] = "10000 per minute"
    assert 429 in codes


def test_attachment_rows_belong_to_their_entry(app, file_grievance):
    file_grievance(files=[upload(wav_voice_note(), "one.wav")])
    with app.app_context():
        [attachment] = db.session.scalars(select(Attachment)).all()
        assert attachment.entry.kind == "submission"
