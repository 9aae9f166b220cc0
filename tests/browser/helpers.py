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


def file_in_browser(page, base_url: str, locale: str = "sw", description: str = "", fill=None) -> tuple[str, str]:
    """File a grievance through the form as a worker does (an affected person, child labour, cobalt, Congo);
    ``fill(page)`` answers more questions before sending. Returns (receipt, reference) from the receipt page."""
    page.goto(f"{base_url}/{locale}/report")
    page.locator("#filer_type-0").check()
    page.locator("#categories-0").check()
    page.locator("#description").fill(description or "Watoto wanafanya kazi usiku kwenye ghala la kobalti bila kinga.")
    if fill is not None:
        fill(page)
    page.locator("#country").select_option("CD")
    page.locator("#commodity-2").check()
    page.locator("#consent").check()
    page.locator("button[type=submit]").click()
    return page.locator(".receipt").inner_text(), page.locator(".reference").inner_text().strip()
