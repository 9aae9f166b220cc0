"""Decompression bombs are refused from the header, before any pixel is decoded, and nothing typed is lost."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.media.conftest import attachment_count, stored_keys
from tests.media.samples import jpeg, png_bomb
from tests.samples import upload

TYPED = "The guards beat three of us at the gate on Tuesday night, here is the photo."
TOO_LARGE = "is too large to process. Please send a smaller photo."

BOMBS = {
    "20000x20000 1-bit": lambda: png_bomb(20000, 20000),  # Pillow alone raises DecompressionBombError: was a 500
    "9400x9400 RGBA with EXIF orientation": lambda: png_bomb(9400, 9400, rgba=True, orientation=6),  # was 789 MB
}


@pytest.mark.parametrize("make", BOMBS.values(), ids=BOMBS.keys())
def test_bomb_posted_as_reply_is_refused_keeping_the_message(app, reply, make):
    response = reply(TYPED, [upload(make(), "photo.png")])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and TYPED in page
    assert attachment_count(app) == 0 and stored_keys(app) == []


def test_bomb_in_a_grievance_is_refused_in_the_persons_language(app, file_grievance):
    description = "Les enfants portent des sacs de minerai la nuit au dépôt, sans aucune protection."
    response, reference, _ = file_grievance(
        locale="fr", description=description, files=[upload(png_bomb(20000, 20000), "photo.png")]
    )
    assert response.status_code == 400 and reference is None
    page = response.get_data(as_text=True)
    assert "Veuillez envoyer une photo plus petite" in page and description in page
    assert attachment_count(app) == 0 and stored_keys(app) == []


def test_bomb_in_a_company_response_is_refused_keeping_the_response(app, world, client_as):
    files_before = stored_keys(app)
    answer = "We have opened an investigation into the night shifts at the depot."
    response = client_as("liaison").post(
        f"/company/cases/{world.reference}/response",
        data={"response": answer, "documents": [upload(png_bomb(20000, 20000), "site.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and answer in page
    assert stored_keys(app) == files_before


def test_just_over_the_cap_is_refused_and_just_under_is_kept(app, reply):
    app.config["MEDIA_MAX_PIXELS"], saved = 10_000, app.config["MEDIA_MAX_PIXELS"]
    try:
        over = reply(TYPED, [upload(jpeg(101, 100), "over.jpg")])
        under = reply(TYPED, [upload(jpeg(100, 100), "under.jpg")])
    finally:
        app.config["MEDIA_MAX_PIXELS"] = saved
    assert over.status_code == 400 and TOO_LARGE in over.get_data(as_text=True)
    assert under.status_code == 302 and attachment_count(app) == 1


def test_large_photo_is_downscaled_and_turned_upright(app, reply):
    from sqlalchemy import select

    from portal.cases.models import Attachment
    from portal.core.storage import read_blob
    from portal.extensions import db

    app.config["MEDIA_PHOTO_MAX_SIDE"], saved = 120, app.config["MEDIA_PHOTO_MAX_SIDE"]
    try:
        response = reply(TYPED, [upload(jpeg(600, 300, orientation=6), "wide.jpg")])  # 6: turn 90° clockwise
    finally:
        app.config["MEDIA_PHOTO_MAX_SIDE"] = saved
    assert response.status_code == 302
    with app.app_context():
        stored = read_blob(db.session.scalar(select(Attachment.storage_key)))
    image = Image.open(io.BytesIO(stored))
    assert image.size == (60, 120)
    assert not image.getexif().get(0x0112)
