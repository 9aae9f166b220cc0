"""Words and files for the journeys: labels are looked up in the page's language, as a person reads them."""

from __future__ import annotations

import re

from flask_babel import force_locale
from flask_babel import gettext as _

from tests.samples import jpeg_with_gps, wav_voice_note


def words(app, locale: str):
    """A function translating English source strings into ``locale``, as the page shows them."""

    def translate(msgid: str, **params) -> str:
        with app.test_request_context(), force_locale(locale):
            return _(msgid, **params)

    return translate


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


PHOTO = {"name": "picha.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
VOICE_NOTE = {"name": "sauti.wav", "mimeType": "audio/wav", "buffer": wav_voice_note()}
