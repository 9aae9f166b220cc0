"""Evidence files: decided by content, cleaned of location data, stored encrypted, all or nothing."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.cases.models import Attachment, Case
from portal.core import signals
from portal.core.storage import read_blob
from portal.extensions import db
from tests.samples import EXE_BYTES, PDF_BYTES, jpeg_with_gps, upload, wav_voice_note
from tests.stores import held_at_rest, stored_keys


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_photo_is_stored_encrypted_without_exif_or_gps(app, file_grievance):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the sample really carries GPS
    response, _, _ = file_grievance(files=[upload(original, "photo.jpg")])
    assert response.status_code == 200
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert attachment.original_name == "photo.jpg" and attachment.content_type == "image/jpeg"
        at_rest = held_at_rest(app)  # the folder's files, or the chunks in the database
        assert len(at_rest) == 2  # the photo and its thumbnail (media/thumbnails.py), both encrypted
        for held in at_rest:
            assert b"JFIF" not in held and b"Exif" not in held  # ciphertext at rest
        stored = read_blob(attachment.storage_key)
    image = Image.open(io.BytesIO(stored))
    exif = image.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif
    assert b"Exif" not in stored
    assert image.size == (64, 48)


def test_voice_note_and_pdf_are_accepted(app, file_grievance):
    files = [
        upload(wav_voice_note(), "note.wav"),
        upload(PDF_BYTES, "contract.pdf"),
        upload(b"OggS" + b"\0" * 60, "voice.opus"),
    ]
    response, _, _ = file_grievance(files=files)
    assert response.status_code == 200
    with app.app_context():
        types = sorted(db.session.scalars(select(Attachment.content_type)))
        assert types == ["application/pdf", "audio/ogg", "audio/x-wav"]
        assert len(stored_keys(app)) == 3


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PDF_BYTES, "photo.jpg", "does not match its content"),
        (EXE_BYTES, "report.pdf", "is not a photo, PDF document"),
        (b"just some text pretending", "notes.mp3", "is not a photo, PDF document"),
        (b"", "empty.jpg", "is empty"),
    ],
)
def test_disguised_files_are_refused_and_nothing_is_stored(app, file_grievance, data, name, message):
    typed = "What happened at the depot, told in detail and with care."
    response, reference, _ = file_grievance(description=typed, files=[upload(data, name)])
    assert response.status_code == 400 and reference is None
    html = response.get_data(as_text=True)
    assert message in html and typed in html
    with app.app_context():
        assert _count(Case) == 0
    assert stored_keys(app) == []


def test_oversize_file_is_refused_with_413(app, file_grievance):
    limit = app.config["UPLOAD_MAX_FILE_BYTES"]
    app.config["UPLOAD_MAX_FILE_BYTES"] = 1000
    try:
        response, reference, _ = file_grievance(files=[upload(wav_voice_note(1), "long.wav")])
    finally:
        app.config["UPLOAD_MAX_FILE_BYTES"] = limit
    assert response.status_code == 413 and reference is None
    assert "larger than" in response.get_data(as_text=True)
    assert stored_keys(app) == []


def test_too_many_files_are_refused(app, file_grievance):
    files = [upload(PDF_BYTES, f"doc{i}.pdf") for i in range(6)]
    response, reference, _ = file_grievance(files=files)
    assert response.status_code == 400 and reference is None
    assert "at most 5 files" in response.get_data(as_text=True)


def test_failure_after_files_are_written_leaves_no_row_and_no_file(app, file_grievance):
    def explode(sender, **kwargs):
        raise RuntimeError("disk full, say")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    signals.case_submitted.connect(explode)
    try:
        response, reference, _ = file_grievance(files=[upload(jpeg_with_gps(), "a.jpg"), upload(PDF_BYTES, "b.pdf")])
    finally:
        signals.case_submitted.disconnect(explode)
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500 and reference is None
    with app.app_context():
        assert _count(Case) == 0 and _count(Attachment) == 0
    assert stored_keys(app) == []
