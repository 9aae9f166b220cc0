"""Language needs and meetings (issue 10, point 7), through the HTML forms: the complainant's own language of any
ISO 639 code and an interpreter need on the staff page; dialogue meetings and hearings planned, changed and
cancelled, each told to the complainant in their language on the follow-up page and by email; the company sees only
the meetings it is invited to, never who attends nor the complainant's contact details."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.meetings import Meeting
from portal.cases.models import Case, EntryKind
from portal.extensions import db
from portal.users.models import User
from tests.browser.helpers import words

PLACE = "Salle communale de Kolwezi, avenue Lumumba 12"
JOINING = "Signal group call, number +243 800 000 111"
PARTICIPANTS = "Juma and his sister Neema; Century's HR manager; the chair"


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def _future(days: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def _meeting(prefix: str = "meeting", **fields) -> dict:
    data = {
        "kind": "hearing",
        "date": _future(),
        "time": "10:00",
        "timezone": "Africa/Lubumbashi",
        "duration": "120",
        "place": PLACE,
        "joining": "",
        "interpreter_language": "swc",
        "participants": PARTICIPANTS,
        **fields,
    }
    return {f"{prefix}-{key}": value for key, value in data.items() if value is not None}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- the complainant's language and the interpreter need --------------------------------------------------------


def test_staff_record_quechua_with_an_interpreter_and_the_page_names_it(app, world, client_as):
    staff = client_as("secretariat")
    response = staff.post(
        f"/staff/cases/{world.reference}/language",
        data={"language": "qu", "interpreter_needed": "y", "interpreter_note": "She asks for a woman interpreter."},
    )
    assert response.status_code == 302
    page = _text(staff.get(f"/staff/cases/{world.reference}"))
    assert "Interpreter needed: Quechua" in page
    assert "<strong>Quechua</strong>" in page and ">qu<" not in page
    assert "She asks for a woman interpreter." in page
    case = _case(app, world.reference)
    assert (case.language, case.interpreter_needed, case.interpreter_language) == ("qu", True, "qu")

    # The same page for a reader in Swahili names the language in Swahili.
    with app.app_context():
        db.session.get(User, world.users["secretariat"]).locale = "sw"
        db.session.commit()
    assert "Kikechua" in _text(client_as("secretariat").get(f"/staff/cases/{world.reference}"))

    # Audited, without the note's words.
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case-language-changed").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.target == f"case:{case.id}"
        assert "woman" not in entry.data and '"interpreter_language":"qu"' in entry.data


def test_any_iso_639_language_can_be_chosen_beside_the_ten_of_the_interface(app, world, client_as):
    staff = client_as("secretariat")
    data = {"language": "lua", "interpreter_needed": "y", "interpreter_language": "swc"}
    assert staff.post(f"/staff/cases/{world.reference}/language", data=data).status_code == 302
    page = _text(staff.get(f"/staff/cases/{world.reference}"))
    assert "Luba-Lulua" in page and "Interpreter needed: Congo Swahili" in page


def test_an_unknown_language_code_is_refused_with_a_clear_error_and_nothing_typed_is_lost(app, world, client_as):
    staff = client_as("secretariat")
    response = staff.post(
        f"/staff/cases/{world.reference}/language",
        data={"language": "klingon", "interpreter_needed": "y", "interpreter_note": "Keep these words."},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "We do not know this language. Please choose one from the list." in page
    assert "Keep these words." in page
    case = _case(app, world.reference)
    assert case.language is None and not case.interpreter_needed


# --- meetings ---------------------------------------------------------------------------------------------------


@pytest.fixture
def filed_in(file_grievance, open_case):
    """A grievance filed in ``locale`` by someone who gave an email address; returns (reference, receipt)."""

    def file(locale: str, email: str):
        _, reference, receipt = file_grievance(locale=locale, anonymous="no", name="Juma", email=email)
        assert reference and receipt
        return reference, receipt

    return file


@pytest.mark.parametrize(("locale", "email"), [("sw", "juma@example.org"), ("ar", "samir@example.org")])
def test_a_hearing_is_told_to_the_complainant_in_their_language_on_the_page_and_by_email(
    app, client, world, client_as, filed_in, open_case, smtp_server, locale, email
):
    reference, receipt = filed_in(locale, email)
    before = _case(app, reference).feedback_due_at
    staff = client_as("secretariat")
    response = staff.post(f"/staff/cases/{reference}/meetings", data=_meeting())
    assert response.status_code == 302, _text(response)

    t = words(app, locale)
    case = _case(app, reference)
    assert case.feedback_due_at > before  # a notice is feedback, like any message
    open_case(receipt, locale)
    page = _text(client.get(f"/{locale}/follow-up/case"))
    # The notice on the timeline, written in their language.
    assert t("A hearing on your grievance has been planned. You are invited.") in page
    assert "A hearing on your grievance has been planned." not in page
    assert PLACE in page
    with app.test_request_context():
        from portal.core.i18n import spoken_language_name

        congo_swahili = spoken_language_name("swc", locale)
    assert t("An interpreter for %(language)s will be there.", language=congo_swahili) in page
    # The upcoming meeting, listed prominently, in their language; never who else attends.
    assert t("Meetings you are invited to") in page
    assert page.index(t("Meetings you are invited to")) < page.index(t("Messages and events, newest first"))
    assert PARTICIPANTS not in page
    # By email: "there is an update", in their language, never the details (docs/architecture.md §8).
    with app.app_context():
        from flask_babel import force_locale

        from portal.notifications import labels

        with force_locale(locale):
            subject, _ = labels.complainant_update()
    mails = smtp_server.to(email)
    assert [mail["Subject"] for mail in mails][-1] == subject
    assert PLACE not in mails[-1].get_content() and f"/{locale}/follow-up" in mails[-1].get_content()


def test_changing_and_cancelling_a_meeting_tell_the_complainant(app, client, world, client_as, filed_in, open_case):
    reference, receipt = filed_in("sw", "juma@example.org")
    staff = client_as("secretariat")
    assert staff.post(f"/staff/cases/{reference}/meetings", data=_meeting(kind="dialogue")).status_code == 302
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).join(Case).where(Case.reference == reference))
    changed = _meeting(
        f"meeting-{meeting_id}", kind="dialogue", time="14:30", place="", joining=JOINING, interpreter_language=""
    )
    response = staff.post(f"/staff/cases/{reference}/meetings/{meeting_id}", data=changed)
    assert response.status_code == 302, _text(response)

    t = words(app, "sw")
    open_case(receipt, "sw")
    page = _text(client.get("/sw/follow-up/case"))
    assert t("The dialogue meeting on your grievance has been changed. This is the new plan.") in page
    assert JOINING in page and "14:30" in page
    assert t("No interpreter is planned. If you need one, tell us and we will arrange it.") in page
    assert page.count(t("Meetings you are invited to")) == 1

    assert staff.post(f"/staff/cases/{reference}/meetings/{meeting_id}/cancel").status_code == 302
    page = _text(client.get("/sw/follow-up/case"))
    assert t("Meetings you are invited to") not in page  # a cancelled meeting is not upcoming
    notices = _notices(app, reference)
    assert len(notices) == 3 and all(locale == "sw" for locale, _ in notices)
    assert "14:30" in notices[-1][1] and notices[-1][1] in page
    # A cancelled meeting cannot be changed again; the staff page marks it.
    again = staff.post(f"/staff/cases/{reference}/meetings/{meeting_id}", data=changed)
    assert again.status_code == 409
    # Its page no longer offers a form: back to the case, where it is marked.
    page = staff.get(f"/staff/cases/{reference}/meetings/{meeting_id}")
    assert page.status_code == 302 and page.location.endswith(f"/staff/cases/{reference}#meeting-{meeting_id}")
    assert "Cancelled" in _text(staff.get(f"/staff/cases/{reference}"))


def _notices(app, reference: str) -> list[tuple[str | None, str]]:
    """(locale, body) of every entry written to the complainant."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return [(e.locale, e.body or "") for e in case.entries if e.kind == EntryKind.TO_COMPLAINANT]


def test_a_past_meeting_is_not_listed_as_upcoming(app, client, world, client_as, filed_in, open_case):
    reference, receipt = filed_in("en", "juma@example.org")
    assert client_as("secretariat").post(f"/staff/cases/{reference}/meetings", data=_meeting()).status_code == 302
    open_case(receipt)
    assert "Meetings you are invited to" in _text(client.get("/en/follow-up/case"))
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).join(Case).where(Case.reference == reference))
        meeting.starts_at = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
    assert "Meetings you are invited to" not in _text(client.get("/en/follow-up/case"))


def test_a_meeting_in_the_past_or_without_a_place_is_refused_and_nothing_typed_is_lost(world, client_as):
    staff = client_as("secretariat")
    base = f"/staff/cases/{world.reference}/meetings"
    response = staff.post(base, data=_meeting(place="", joining=""))
    assert response.status_code == 400
    assert "Give the place, or how to join from a distance." in _text(response)
    assert PARTICIPANTS in _text(response)
    response = staff.post(base, data=_meeting(date="2020-01-06"))
    assert response.status_code == 409
    assert "This time has already passed. Choose a time in the future." in _text(response)
    assert PLACE in _text(response)
    response = staff.post(base, data=_meeting(interpreter_language="zz"))
    assert response.status_code == 400
    assert "We do not know this language. Please choose one from the list." in _text(response)


def test_only_case_staff_plan_meetings(world, client_as):
    assert client_as("member_panel").post(f"/staff/cases/{world.reference}/meetings", data=_meeting()).status_code in (
        403,
        404,
    )
    assert client_as("liaison").post(f"/staff/cases/{world.reference}/meetings", data=_meeting()).status_code in (
        403,
        404,
    )


def test_the_company_sees_only_meetings_it_is_invited_to_never_who_attends_or_contact_details(app, world, client_as):
    staff = client_as("secretariat")
    base = f"/staff/cases/{world.reference}/meetings"
    assert staff.post(base, data=_meeting(kind="dialogue", place="Room A, without the company")).status_code == 302
    liaison_page = _text(client_as("liaison").get(f"/company/cases/{world.reference}"))
    assert "Room A" not in liaison_page and "Meetings you are invited to" not in liaison_page

    assert staff.post(base, data=_meeting(place="Room B, with the company", company_invited="y")).status_code == 302
    liaison_page = _text(client_as("liaison").get(f"/company/cases/{world.reference}"))
    assert "Room B, with the company" in liaison_page and "Room A" not in liaison_page
    assert PARTICIPANTS not in liaison_page and "amani@example.org" not in liaison_page
    assert client_as("liaison_other").get(f"/company/cases/{world.reference}").status_code == 404


def test_the_rows_hold_no_place_participants_or_interpreter_note_in_plaintext(app, world, client_as):
    from sqlalchemy import text

    staff = client_as("secretariat")
    note = "Neema interprets for her brother at home"
    assert (
        staff.post(
            f"/staff/cases/{world.reference}/language",
            data={"interpreter_needed": "y", "language": "sw", "interpreter_note": note},
        ).status_code
        == 302
    )
    data = _meeting(joining=JOINING)
    assert staff.post(f"/staff/cases/{world.reference}/meetings", data=data).status_code == 302
    with app.app_context():
        dump = repr(
            [
                db.session.execute(text(f"SELECT * FROM {table}")).all()
                for table in ("cases", "meetings", "case_entries")
            ]
        )
    for secret in ("Kolwezi", "Neema", "Signal group", "Lumumba"):
        assert secret not in dump


# --- the forms' own pages ----------------------------------------------------------------------------------------


def test_the_language_and_meeting_forms_are_pages_of_their_own_and_the_case_page_stays_light(app, world, client_as):
    """Each form lists some 600 languages (the meeting form every time zone too): inline on the case page they were
    100 KB of its 124 KB, plus 50 KB for every planned meeting. The case page links to them instead."""
    staff = client_as("secretariat")
    for days in (20, 40):
        planned = staff.post(f"/staff/cases/{world.reference}/meetings", data=_meeting(date=_future(days)))
        assert planned.status_code == 302
    with app.app_context():
        meeting_ids = list(db.session.scalars(select(Meeting.id).join(Case).where(Case.reference == world.reference)))
    case_page = _text(staff.get(f"/staff/cases/{world.reference}"))
    assert case_page.count("<option") < 100  # before: 2,400, and 1,100 more per meeting
    assert f'href="/staff/cases/{world.reference}/language"' in case_page
    assert f'href="/staff/cases/{world.reference}/meetings/new"' in case_page
    for meeting_id in meeting_ids:
        assert f'href="/staff/cases/{world.reference}/meetings/{meeting_id}"' in case_page

    # Each page shows its form as it stands, and links back to the case.
    assert staff.post(f"/staff/cases/{world.reference}/language", data={"language": "qu"}).status_code == 302
    language_page = _text(staff.get(f"/staff/cases/{world.reference}/language"))
    assert '<option selected value="qu">' in language_page
    assert f"Back to the case {world.reference}" in language_page
    new_page = _text(staff.get(f"/staff/cases/{world.reference}/meetings/new"))
    assert 'name="meeting-date"' in new_page and "Plan and tell the complainant" in new_page
    change_page = _text(staff.get(f"/staff/cases/{world.reference}/meetings/{meeting_ids[0]}"))
    assert f'value="{_future(20)}"' in change_page and PLACE in change_page
    assert "Change and tell the complainant" in change_page


def test_a_refused_meeting_is_shown_again_on_its_page_with_an_error_title(world, client_as):
    staff = client_as("secretariat")
    response = staff.post(f"/staff/cases/{world.reference}/meetings", data=_meeting(place="", joining=""))
    assert response.status_code == 400
    page = _text(response)
    assert "<title>Error: Plan a dialogue meeting or a hearing" in page
    assert 'href="#meeting-joining"' in page  # the summary links to the field
    assert PARTICIPANTS in page  # nothing typed is lost
    assert "Meetings</h2>" not in page  # the form's own page, not the whole case again


def test_a_meeting_is_not_found_under_another_case(app, world, client_as, filed_in):
    other, _ = filed_in("en", "other@example.org")
    staff = client_as("secretariat")
    assert staff.post(f"/staff/cases/{other}/meetings", data=_meeting()).status_code == 302
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).join(Case).where(Case.reference == other))
    assert staff.get(f"/staff/cases/{world.reference}/meetings/{meeting_id}").status_code == 404
    assert staff.get(f"/staff/cases/{other}/meetings/{meeting_id}").status_code == 200
