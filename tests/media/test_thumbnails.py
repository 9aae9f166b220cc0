"""Thumbnails of photo evidence (issue 15 §8): made at upload, encrypted at rest like the photo, and served only to
whoever may download the photo itself, with the same answer for everyone else (both stores, both databases)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import event, select

from portal.cases.attachments import attach_files
from portal.cases.models import Attachment, Case, CaseEntry, EntryKind
from portal.core.storage import read_blob
from portal.extensions import db
from portal.media.thumbnails import THUMBNAIL_SIDE, Thumbnail
from portal.media.uploads import PreparedFile
from tests.cases.conftest import ROLES
from tests.stores import held_at_rest


def _photo(width: int = 1200, height: int = 900) -> bytes:
    image = Image.new("RGB", (width, height), (30, 120, 200))
    for x in range(0, width, 50):  # some detail, so the JPEG is not trivially small
        image.paste((240, 200, 20), (x, 0, x + 10, height))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def _add_photo(app, reference: str) -> int:
    """A cleaned photo on the case's submission, stored the way every upload is (``attach_files``)."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        entry = db.session.scalar(
            select(CaseEntry).where(CaseEntry.case_id == case.id, CaseEntry.kind == EntryKind.SUBMISSION)
        )
        attach_files(entry, [PreparedFile("site.jpg", "image/jpeg", _photo())])
        db.session.commit()
        return entry.attachments[-1].id


def test_a_photo_sent_with_a_grievance_gets_a_small_encrypted_thumbnail(app, file_grievance):
    photo = _photo()
    response, reference, _ = file_grievance(files=[(io.BytesIO(photo), "mine.jpg")])
    assert reference, response.get_data(as_text=True)
    with app.app_context():
        attachment = db.session.scalar(
            select(Attachment)
            .join(CaseEntry)
            .join(Case, CaseEntry.case_id == Case.id)
            .where(Case.reference == reference)
        )
        thumbnail = db.session.scalar(select(Thumbnail).where(Thumbnail.attachment_id == attachment.id))
        assert thumbnail is not None
        data = read_blob(thumbnail.storage_key)
        assert thumbnail.storage_key != attachment.storage_key
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == THUMBNAIL_SIDE == max(thumbnail.width, thumbnail.height)
        assert not image.getexif()  # made from the cleaned photo: nothing to place the person
    assert len(data) == thumbnail.size < attachment.size
    at_rest = held_at_rest(app)
    assert at_rest and all(data not in stored and data[:64] not in stored for stored in at_rest)


def test_a_pdf_gets_no_thumbnail(app, world):
    with app.app_context():
        assert (
            db.session.scalar(select(Thumbnail).where(Thumbnail.attachment_id == world.company_attachment_id)) is None
        )


def test_the_thumbnail_is_served_to_staff_who_see_the_case(app, world, client_as):
    attachment_id = _add_photo(app, world.reference)
    response = client_as("secretariat").get(f"/staff/cases/{world.reference}/attachments/{attachment_id}/thumbnail")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg" and response.headers["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(response.data)) as image:
        assert max(image.size) == THUMBNAIL_SIDE
    page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert f"/staff/cases/{world.reference}/attachments/{attachment_id}/thumbnail" in page
    assert 'id="photos"' in page


def test_the_case_page_reads_the_cases_files_once_for_timeline_and_photos(app, world, client_as):
    """The entries come with their files; the photos panel picks its photos from those instead of asking again."""
    attachment_id = _add_photo(app, world.reference)
    client = client_as("secretariat")
    read: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "FROM attachments" in statement:
            read.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        page = client.get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert f"/attachments/{attachment_id}/thumbnail" in page
    assert len(read) == 1, read


@pytest.mark.parametrize("role", ROLES)
def test_the_thumbnail_answers_every_role_exactly_as_the_photo_does(app, world, client_as, role):
    attachment_id = _add_photo(app, world.reference)
    client = client_as(role)
    photo = client.get(f"/staff/cases/{world.reference}/attachments/{attachment_id}")
    thumbnail = client.get(f"/staff/cases/{world.reference}/attachments/{attachment_id}/thumbnail")
    assert thumbnail.status_code == photo.status_code, role
    if role in ("secretariat", "chair", "member_panel"):
        assert thumbnail.status_code == 200
    else:  # recused staff and members off the panel: 404; liaisons (of either company), admin: 403; nobody: login
        assert thumbnail.status_code in (302, 403, 404), role
        assert thumbnail.mimetype != "image/jpeg"


def test_a_liaison_of_another_company_and_a_recused_officer_are_refused(app, world, client_as):
    attachment_id = _add_photo(app, world.reference)
    url = f"/staff/cases/{world.reference}/attachments/{attachment_id}/thumbnail"
    assert client_as("liaison_other").get(url).status_code == 403
    assert client_as("liaison").get(url).status_code == 403
    assert client_as("secretariat_recused").get(url).status_code == 404
    assert client_as("member_off_panel").get(url).status_code == 404
    # Nor through the company's own download route, whoever's company it is.
    for who in ("liaison", "liaison_other"):
        assert client_as(who).get(f"/company/cases/{world.reference}/attachments/{attachment_id}").status_code == 404


def test_the_thumbnail_of_another_case_is_not_found(app, world, client_as, file_grievance):
    attachment_id = _add_photo(app, world.reference)
    _, other, _ = file_grievance()
    url = f"/staff/cases/{other}/attachments/{attachment_id}/thumbnail"
    assert client_as("secretariat").get(url).status_code == 404


def test_the_backfill_makes_missing_thumbnails_once(app, world):
    attachment_id = _add_photo(app, world.reference)
    with app.app_context():
        db.session.execute(Thumbnail.__table__.delete())
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "make-thumbnails"])
    assert "thumbnails made: 1" in result.output, result.output
    assert "thumbnails made: 0" in runner.invoke(args=["portal", "make-thumbnails"]).output
    with app.app_context():
        thumbnail = db.session.scalar(select(Thumbnail).where(Thumbnail.attachment_id == attachment_id))
        assert read_blob(thumbnail.storage_key)[:2] == b"\xff\xd8"


def test_sweep_files_keeps_thumbnails(app, world):
    attachment_id = _add_photo(app, world.reference)
    result = app.test_cli_runner().invoke(args=["portal", "sweep-files", "--grace-hours", "0"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        thumbnail = db.session.scalar(select(Thumbnail).where(Thumbnail.attachment_id == attachment_id))
        assert read_blob(thumbnail.storage_key)[:2] == b"\xff\xd8"


def test_key_rotation_re_encrypts_thumbnails_too(app, world):
    attachment_id = _add_photo(app, world.reference)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["portal", "rotate-keys"]).exit_code == 0
    result = runner.invoke(args=["portal", "rotate-keys", "--no-new-key", "--retire-old"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert len(app.extensions["portal_keyring"].keys) == 1  # only the new key: the old one cannot read it
        thumbnail = db.session.scalar(select(Thumbnail).where(Thumbnail.attachment_id == attachment_id))
        assert read_blob(thumbnail.storage_key)[:2] == b"\xff\xd8"
