"""The complaint form in steps: the draft (encrypted, bound to the browser, gone when sent or after a day), pages
shown only when they apply, the check page and its "Change" links, files held between steps."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.cases.models import Attachment, Case
from portal.core.db import utcnow
from portal.extensions import db
from portal.intake.drafts import DRAFT_HOURS
from portal.intake.models import DraftFile, ReportDraft
from tests.conftest import VALID_GRIEVANCE, walk_steps
from tests.samples import EXE_BYTES, jpeg_with_gps, upload, wav_voice_note

SECRET = "The foreman Kabeya takes our wages every Friday night at the gate."


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post(client, path: str, **data):
    return client.post(f"/en/report{path}", data=data, content_type="multipart/form-data")


def test_the_draft_is_encrypted_and_bound_to_the_browser(app, client):
    assert post(client, "", filer_type="affected_person").status_code == 303
    assert post(client, "/what", description=SECRET).status_code == 303
    assert post(client, "/kind", categories="wages_hours").status_code == 303
    with app.app_context():
        [draft] = db.session.scalars(select(ReportDraft)).all()
        assert b"Kabeya" not in draft.answers_encrypted and b"wages_hours" not in draft.answers_encrypted
    with client.session_transaction() as session:
        draft_id = session["report_draft"]
    assert draft_id not in draft.draft_hash and len(draft.draft_hash) == 64
    # Another browser neither sees nor changes this draft.
    stranger = app.test_client()
    assert SECRET not in stranger.get("/en/report/what").get_data(as_text=True)
    assert SECRET in client.get("/en/report/what").get_data(as_text=True)


def test_a_voice_note_alone_tells_what_happened(app, client):
    post(client, "", filer_type="affected_person")
    voice = upload(wav_voice_note(), "sauti.wav")
    response = post(client, "/what", voice_note=voice, categories="child_labour")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/report/kind")
    with app.app_context():
        [held] = db.session.scalars(select(DraftFile)).all()
        assert held.purpose == "evidence" and b"RIFF" not in held.content_encrypted
    response = walk_steps(client, "en", {k: v for k, v in VALID_GRIEVANCE.items() if k != "description"})
    assert response.status_code == 200 and "MC-" in response.get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.description == "I told what happened in a voice note or a photo."
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert count(app, ReportDraft) == 0 and count(app, DraftFile) == 0  # sent: the draft is gone


def test_without_a_file_something_must_be_written(client):
    post(client, "", filer_type="affected_person")
    response = post(client, "/what")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please tell us what happened: record a voice note, take a photo or write." in html
    assert "choose them again" not in html  # no file was chosen: no warning about files


def test_a_refused_file_asks_to_choose_again_and_keeps_the_text(client):
    post(client, "", filer_type="affected_person")
    response = post(client, "/what", evidence=upload(EXE_BYTES, "photo.jpg"), description=SECRET)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The files you chose were not kept. Please choose them again." in html
    assert 'href="#evidence"' in html and SECRET in html


def test_files_held_across_steps_count_toward_the_limits(app, client):
    app.config["UPLOAD_MAX_FILES"], before = 2, app.config["UPLOAD_MAX_FILES"]
    try:
        post(client, "", filer_type="affected_person")
        photo = upload(jpeg_with_gps(), "one.jpg")
        assert post(client, "/what", photo=photo, categories="land").status_code == 303
        again = [upload(jpeg_with_gps(), "two.jpg"), upload(jpeg_with_gps(), "three.jpg")]
        response = post(client, "/what", evidence=again, categories="land")
        assert response.status_code == 400 and "at most 2 files" in response.get_data(as_text=True)
    finally:
        app.config["UPLOAD_MAX_FILES"] = before
    assert count(app, DraftFile) == 1


def test_a_held_file_can_be_removed(app, client):
    post(client, "", filer_type="affected_person")
    post(client, "/what", photo=upload(jpeg_with_gps(), "one.jpg"), categories="land")
    page = client.get("/en/report/what").get_data(as_text=True)
    assert "one.jpg" in page and 'name="remove_file"' in page
    with app.app_context():
        held = db.session.scalar(select(DraftFile.id))
    assert post(client, "/what", remove_file=str(held), categories="land").status_code == 303
    assert count(app, DraftFile) == 0


@pytest.mark.parametrize(
    ("answers", "path", "lands_on"),
    [
        ({"filer_type": "affected_person"}, "/group", "/en/report/what"),  # only representatives
        ({"filer_type": "ngo"}, "/group", None),
        ({"anonymous": "yes"}, "/identity", "/en/report/check"),  # contact details only if given
        ({"anonymous": "no"}, "/identity", None),
    ],
)
def test_pages_are_shown_only_when_they_apply(client, answers, path, lands_on):
    walk_steps(client, "en", {**VALID_GRIEVANCE, **answers, "name": "Amani"}, send=False)
    response = client.get(f"/en/report{path}")
    if lands_on is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 303 and response.headers["Location"].endswith(lands_on)


def test_back_links_follow_the_answers(client):
    post(client, "", filer_type="ngo")
    assert client.get("/en/report/back/what").headers["Location"].endswith("/en/report/group")
    post(client, "", filer_type="witness")
    assert client.get("/en/report/back/what").headers["Location"].endswith("/en/report")
    assert client.get("/en/report/back/who").headers["Location"].endswith("/en/")


def test_the_check_page_shows_every_answer_with_a_change_link(client):
    walk_steps(client, "en", {**VALID_GRIEVANCE, "place": "Kolwezi"}, send=False)
    html = client.get("/en/report/check").get_data(as_text=True)
    assert "Kolwezi" in html and "Cobalt" in html and "Child labour" in html
    assert 'href="/en/report/where?change=1#place"' in html
    assert 'href="/en/report?change=1#filer_type-0"' in html


def test_a_change_returns_to_the_check_page_unless_it_opens_a_new_page(client):
    walk_steps(client, "en", VALID_GRIEVANCE, send=False)
    changed = client.post("/en/report/where?change=1", data={"country": "CD", "commodity": "copper"})
    assert changed.headers["Location"].endswith("/en/report/check")
    opened = client.post("/en/report/contact?change=1", data={"anonymous": "no"})
    assert opened.headers["Location"].endswith("/en/report/identity?change=1")


def test_a_representative_turned_affected_person_leaves_no_group_answers(app, client):
    data = {**VALID_GRIEVANCE, "filer_type": "union", "people_represented": "40", "community": "Kasulo"}
    data["mandate_consent"] = "By vote."
    walk_steps(client, "en", data, send=False)
    client.post("/en/report?change=1", data={"filer_type": "affected_person"})
    assert "Kasulo" not in client.get("/en/report/check").get_data(as_text=True)
    assert client.post("/en/report/check", data={"consent": "y"}).status_code == 303
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.filer_type == "affected_person" and case.community is None and case.people_represented is None


def test_an_expired_draft_is_said_kindly_and_the_page_typed_now_is_kept(app, client):
    walk_steps(client, "en", VALID_GRIEVANCE, send=False)
    with app.app_context():
        db.session.execute(update(ReportDraft).values(created_at=utcnow() - timedelta(hours=DRAFT_HOURS + 1)))
        db.session.commit()
    response = post(client, "/where", place="Likasi", country="CD", commodity="cobalt")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/report")
    page = client.get("/en/report").get_data(as_text=True)
    assert "your earlier answers are gone" in page
    assert 'value="Likasi"' in client.get("/en/report/where").get_data(as_text=True)


def test_old_drafts_are_swept_with_their_files(app, client, file_grievance):
    post(client, "", filer_type="affected_person")
    post(client, "/what", photo=upload(jpeg_with_gps(), "one.jpg"), categories="land")
    with app.app_context():
        db.session.execute(update(ReportDraft).values(created_at=utcnow() - timedelta(hours=DRAFT_HOURS + 1)))
        db.session.commit()
    fresh = app.test_client()
    fresh.post("/en/report", data={"filer_type": "witness"})
    file_grievance()  # filing sweeps drafts older than a day
    assert count(app, ReportDraft) == 1 and count(app, DraftFile) == 0  # the fresh one stays
    with app.app_context():
        db.session.execute(update(ReportDraft).values(created_at=utcnow() - timedelta(hours=DRAFT_HOURS + 1)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "sweep-drafts"])
    assert "removed: 1" in result.output and count(app, ReportDraft) == 0


def test_the_honeypot_on_the_check_page_keeps_nothing(app, client):
    walk_steps(client, "en", VALID_GRIEVANCE, send=False)
    response = client.post("/en/report/check", data={"consent": "y", "website": "http://spam.example"})
    assert response.status_code == 200
    assert count(app, Case) == 0 and count(app, ReportDraft) == 0


def test_sending_without_a_draft_starts_again(client):
    response = client.post("/en/report/check", data={"consent": "y", "submission_token": "x" * 43})
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/report")


def test_errors_on_the_check_page_link_to_their_questions(client):
    stopped = walk_steps(client, "en", {**VALID_GRIEVANCE, "country": ""}, send=False)
    assert stopped.status_code == 400  # the where page said so; the person went on to the check page anyway
    response = client.post("/en/report/check", data={"consent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error: " in html
    assert 'href="/en/report/where?change=1#country"' in html


def test_the_unanswered_steps_are_cached_pages(app, client):
    for path in ("", "/what", "/kind", "/where", "/wish", "/contact"):
        client.get(f"/en/report{path}")
    cache = app.extensions["portal_page_cache"]
    endpoints = {"intake.report", "intake.report_what", "intake.report_kind", "intake.report_where"}
    assert {(endpoint, "en") for endpoint in endpoints} <= set(cache)


def test_the_likely_countries_come_first(client):
    html = client.get("/sw/report/where").get_data(as_text=True)
    first = html.index("<optgroup")
    assert html.index('value="CD"') < html.index('value="AF"') and html.index('value="CD"') > first


def _input(html: str, field: str) -> str:
    return re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)


def test_three_ways_to_give_evidence(client):
    html = client.get("/en/report/what").get_data(as_text=True)
    voice, photo, chooser = (_input(html, name) for name in ("voice_note", "photo", "evidence"))
    assert 'accept="audio/*"' in voice and "capture=" in voice
    assert 'accept="image/*"' in photo and 'capture="environment"' in photo
    # The general chooser opens the files, not the camera: a saved photo, a PDF or a recorded note can be chosen.
    assert "capture" not in chooser and 'accept="image/*,audio/*,video/mp4,video/3gpp,application/pdf"' in chooser


@pytest.mark.parametrize(("answer", "listed"), [(None, True), ("yes", True), ("no", False)])
def test_the_person_decides_whether_the_case_may_appear_in_the_public_register(app, file_grievance, answer, listed):
    _, reference, _ = file_grievance(register_listed=answer)
    with app.app_context():
        assert db.session.scalar(select(Case.register_listed).where(Case.reference == reference)) is listed


def test_the_register_choice_is_asked_with_the_contact_and_shown_on_the_check_page(client):
    page = client.get("/en/report/contact").get_data(as_text=True)
    assert '<input checked id="register_listed-0" name="register_listed" type="radio" value="yes">' in page  # default
    walk_steps(client, "en", {**VALID_GRIEVANCE, "register_listed": "no"}, send=False)
    check = client.get("/en/report/check").get_data(as_text=True)
    assert "May your case be shown in the public register?" in check
    row = check[check.index("May your case be shown in the public register?") :]
    assert row.split("</dd>")[0].endswith("No")


def test_each_kind_of_harm_has_its_picture_inside_its_label(client):
    page = client.get("/en/report/kind").get_data(as_text=True)
    labels = re.findall(
        r'<label for="categories-\d+"><svg class="icon"[^>]*><path d="[^"]+"/></svg>([^<]+)</label>', page
    )
    assert "Child labour" in labels and len(labels) == page.count('name="categories"')
