"""Coming back with a receipt: read, reply, withdraw, leave; wrong receipts and guessing."""

import re
import time

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.cases.models import Attachment, Case, CaseEntry, EntryKind, Visibility
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, Role
from portal.core.contact import SecretariatContact
from portal.core.i18n import day
from portal.core.storage import read_blob
from portal.extensions import db
from portal.users.models import User
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
    _, _, receipt = file_grievance(categories=["health_safety"])  # not urgent: the 7-day confirmation comes next
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


def test_signing_out_says_what_it_leaves_and_the_notice_is_plain(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert ">Sign out of this case</button>" in html and ">Leave<" not in html
    landing = client.post("/en/follow-up/leave", follow_redirects=True).get_data(as_text=True)
    assert "You are signed out of your case. To come back, enter your receipt." in landing


def test_signing_out_in_swahili_no_longer_reads_get_out(client, file_grievance, open_case):
    _, _, receipt = file_grievance(locale="sw")
    open_case(receipt, locale="sw")
    html = client.get("/sw/follow-up/case").get_data(as_text=True)
    button = re.search(r'<button type="submit" class="button">([^<]+)</button>', html).group(1)
    assert button != "Toka" and "kesi" in button


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


# --- the follow-up page: the open question first, where the case stands, text isolated, a person to reach ---


def _ask(app, make_user, reference: str, question: str):
    """The secretariat confirms the case and asks the complainant a question; returns the date to answer by."""
    officer = make_user("secretariat")
    with app.test_request_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        user = db.session.get(User, officer.id)
        take_action(case, Action.ACKNOWLEDGE, user, Role.SECRETARIAT, reasons="Received.")
        take_action(case, Action.REQUEST_INFO, user, Role.SECRETARIAT, given=ActionInput(message=question))
        db.session.commit()
        return case.info_request_due_at


def _long_date(app, moment, locale: str = "en") -> str:
    with app.test_request_context(), force_locale(locale):
        return day(moment, "long")


QUESTION = "كم عدد الأطفال الذين يعملون في المستودع؟"


def test_an_open_question_comes_first_with_the_date_to_answer_by(app, client, make_user, file_grievance, open_case):
    _, reference, receipt = file_grievance()
    due = _ask(app, make_user, reference, QUESTION)
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    question = html.index('id="question"')
    assert question < html.index('id="status-heading"') < html.index("Messages and events")
    box = html[question : html.index("</section>", question)]
    assert f'<div class="message" dir="auto">{QUESTION}</div>' in box
    assert f"Please answer by {_long_date(app, due)}." in box
    assert 'href="#message"' in box and 'id="message"' in html  # the jump lands on the reply field


def test_the_question_box_goes_once_the_question_is_answered(app, client, make_user, file_grievance, open_case):
    _, reference, receipt = file_grievance()
    _ask(app, make_user, reference, "Since when?")
    open_case(receipt)
    assert client.post("/en/follow-up/case", data={"message": "Since March."}).status_code == 302
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert 'id="question"' not in html and "Since when?" in html  # still in the history


def _stages(html: str) -> list[tuple[str, str]]:
    road = html[html.index('<ol class="progress">') : html.index("</ol>", html.index('<ol class="progress">'))]
    return re.findall(r'<li class="(\w+)"(?: aria-current="step")?>([^<]+)</li>', road)


def test_the_progress_shows_the_stages_done_the_current_one_and_what_comes_next(
    app, client, make_user, file_grievance, open_case
):
    _, reference, receipt = file_grievance(categories=["health_safety"])
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert _stages(html)[:3] == [("current", "Received"), ("todo", "Confirmed"), ("todo", "Being assessed")]
    assert len(_stages(html)) == 7 and "Step 1 of 7" in html and 'aria-current="step">Received<' in html
    officer = make_user("secretariat")
    with app.test_request_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        take_action(case, Action.ACKNOWLEDGE, db.session.get(User, officer.id), Role.SECRETARIAT, reasons="Seen.")
        db.session.commit()
        admissibility = case.admissibility_due_at
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert _stages(html)[:3] == [("done", "Received"), ("current", "Confirmed"), ("todo", "Being assessed")]
    assert "Step 2 of 7" in html
    assert "whether it can take up your grievance" in html and _long_date(app, admissibility) in html


def test_an_urgent_case_says_when_it_will_be_looked_at(app, client, file_grievance, open_case):
    _, reference, receipt = file_grievance()  # child labour: urgent
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        triage = case.triage_due_at
    assert f"we will look at your grievance by {_long_date(app, triage)}." in html


def test_a_withdrawn_case_ends_its_road_where_it_left_it(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    client.post("/en/follow-up/withdraw", data={"reason": "Solved locally.", "confirm": "y"})
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert _stages(html) == [("done", "Received"), ("current", "Withdrawn")] and "Next:" not in html


def test_the_progress_is_translated_and_mirrors_in_arabic(client, file_grievance, open_case):
    _, _, receipt = file_grievance(locale="ar")
    open_case(receipt, locale="ar")
    html = client.get("/ar/follow-up/case").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and "Step 1 of 7" not in html and len(_stages(html)) == 7


def test_everything_people_wrote_is_isolated_in_its_own_direction(app, client, make_user, file_grievance, open_case):
    description = "Watoto wanabeba magunia ya kobalti usiku kwenye ghala bila kinga yoyote."
    _, reference, receipt = file_grievance(description=description)
    _ask(app, make_user, reference, QUESTION)
    open_case(receipt)
    client.post("/en/follow-up/case", data={"message": "أكثر من عشرين طفلا."})
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    for text in (description, QUESTION, "أكثر من عشرين طفلا."):
        assert re.search(rf'dir="auto">{re.escape(text)}<', html), text
    assert re.search(r'<textarea[^>]*dir="auto"', html)


def test_the_history_is_newest_first(app, client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    client.post("/en/follow-up/case", data={"message": "First reply."})
    client.post("/en/follow-up/case", data={"message": "Second reply."})
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert "newest first" in html
    assert html.index("Second reply.") < html.index("First reply.") < html.index("You filed your grievance.")


def test_the_kinds_of_harm_carry_their_icons(client, file_grievance, open_case):
    _, _, receipt = file_grievance(categories=["child_labour", "environment"])
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    icon = r'<li><svg class="icon"[^>]*aria-hidden="true"[^>]*><path d="([^"]+)"/></svg> ([^<]+)</li>'
    icons = re.findall(icon, html)
    assert [label for _, label in icons] == ["Child labour", "Environment and pollution"]
    assert icons[0][0] != icons[1][0]  # each kind its own drawing


CONTACT = SecretariatContact(
    phone="+243 800 000 111",
    sms="+243 800 000 222",
    whatsapp="+243 800 000 333",
    email="help@covenant.example",
    postal=("Covenant secretariat", "PO Box 12", "Lubumbashi"),
    hours="Mon–Fri 08:00–17:00",
)


@pytest.fixture
def contact(app):
    """The secretariat's channels configured, for one test; the cached public pages are rendered anew."""
    app.extensions["portal_contact"] = CONTACT
    app.extensions.pop("portal_page_cache", None)
    yield CONTACT
    app.extensions["portal_contact"] = SecretariatContact.from_config(app.config)
    app.extensions.pop("portal_page_cache", None)


def test_the_secretariat_is_reachable_where_it_is_configured(client, file_grievance, open_case, contact):
    _, _, receipt = file_grievance()
    open_case(receipt)
    for path in ("/en/follow-up/case", "/en/", "/en/privacy", "/en/procedure"):
        html = client.get(path).get_data(as_text=True)
        assert html.count("Talk to a person") == 1, path  # in the page, or else in the footer: never twice
        assert '<a href="tel:+243800000111" dir="ltr">+243 800 000 111</a>' in html
        assert 'href="sms:+243800000222"' in html and 'href="https://wa.me/243800000333"' in html
        assert 'href="mailto:help@covenant.example"' in html
        assert "Covenant secretariat, PO Box 12, Lubumbashi" in html and "Mon–Fri 08:00–17:00" in html
    client.post("/en/follow-up/leave")
    assert "Talk to a person" in client.get("/en/follow-up").get_data(as_text=True)


def test_nothing_about_contact_shows_when_none_is_configured(client, file_grievance, open_case):
    _, _, receipt = file_grievance()
    open_case(receipt)
    for path in ("/en/follow-up/case", "/en/", "/en/privacy", "/en/procedure", "/en/follow-up"):
        html = client.get(path).get_data(as_text=True)
        assert "Talk to a person" not in html and "tel:" not in html, path


def test_contact_channels_are_read_from_the_settings():
    contact = SecretariatContact.from_config(
        {"PORTAL_CONTACT_PHONE": " +31 (0)70 123-45.67 ", "PORTAL_CONTACT_POSTAL": "Box 1 | 2500 The Hague |"}
    )
    assert contact and contact.phone_link == "tel:+310701234567" and contact.postal == ("Box 1", "2500 The Hague")
    assert not SecretariatContact.from_config({"PORTAL_CONTACT_HOURS": "09:00–17:00"})  # hours alone reach nobody
