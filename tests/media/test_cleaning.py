"""PDFs, audio and video lose their metadata before they are stored; a file that cannot be cleaned is staff-only."""

from __future__ import annotations

import io

import pikepdf
import pytest
from sqlalchemy import select

from portal.cases.models import Attachment
from portal.core.storage import read_blob
from portal.extensions import db
from tests.media.conftest import attachment_count
from tests.media.samples import pdf_with_script_and_author, recording, stream_tags
from tests.samples import upload

IDENTIFYING = ("Amani", "Kolwezi", "10.7165", "Lavf")


def _stored(app) -> list[tuple[Attachment, bytes]]:
    with app.app_context():
        attachments = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        for attachment in attachments:
            db.session.expunge(attachment)
        return [(attachment, read_blob(attachment.storage_key)) for attachment in attachments]


RECORDINGS = {
    "video.mp4": (("testsrc=duration=1:size=64x48:rate=5", "sine=duration=1"), ("-c:v", "libx264", "-c:a", "aac")),
    "voice.ogg": (("sine=frequency=440:duration=1",), ("-c:a", "libvorbis")),
}


@pytest.mark.parametrize("name", RECORDINGS)
def test_recording_loses_place_and_name_but_still_plays(app, reply, tmp_path, name):
    inputs, codecs = RECORDINGS[name]
    original = recording(tmp_path, name, *inputs, codecs=codecs)
    assert "Kolwezi" in stream_tags(original, tmp_path) and "Amani" in stream_tags(original, tmp_path)
    assert reply("My recording of the night shift.", [upload(original, name)]).status_code == 302
    [(attachment, stored)] = _stored(app)
    assert attachment.cleaned
    tags = stream_tags(stored, tmp_path)  # ffprobe still reads it: it plays
    assert '"duration"' in tags
    for word in IDENTIFYING:
        assert word not in tags and word.encode() not in stored


def test_pdf_loses_author_and_scripts_but_still_opens(app, reply):
    original = pdf_with_script_and_author()
    assert b"Amani" in original and b"JavaScript" in original
    assert reply("The contract they made us sign.", [upload(original, "contract.pdf")]).status_code == 302
    [(attachment, stored)] = _stored(app)
    assert attachment.cleaned
    for word in (b"Amani", b"Kolwezi", b"JavaScript", b"OpenAction", b"Launch", b"cmd.exe", b"/AA", b"Metadata"):
        assert word not in stored
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer


TRUNCATED_MP4 = bytes.fromhex("0000001866747970") + b"mp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"


def test_uncleanable_file_is_kept_but_only_case_staff_may_download_it(app, world, client_as):
    response = client_as("liaison").post(
        f"/company/cases/{world.reference}/response",
        data={"response": "A clip from the gate camera.", "documents": [upload(TRUNCATED_MP4, "gate.mp4")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.scalar(select(Attachment).where(Attachment.content_type == "video/mp4"))
        assert attachment.cleaned is False and read_blob(attachment.storage_key) == TRUNCATED_MP4
        attachment_id = attachment.id
    staff_url = f"/staff/cases/{world.reference}/attachments/{attachment_id}"
    assert client_as("liaison").get(f"/company/cases/{world.reference}/attachments/{attachment_id}").status_code == 404
    assert "gate.mp4" not in client_as("liaison").get(f"/company/cases/{world.reference}").get_data(as_text=True)
    assert client_as("member_panel").get(staff_url).status_code == 404
    assert "gate.mp4" not in client_as("member_panel").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    for role in ("secretariat", "chair"):
        assert client_as(role).get(staff_url).status_code == 200
    page = client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert "gate.mp4" in page and "not cleaned" in page
    assert attachment_count(app) == 3  # the world's two PDFs and this one
