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


STEP = re.compile(r"/report(?:/([a-z]+))?(?:\?.*)?$")
CONTINUE = "main form button.button-primary"


def step_of(page) -> str:
    """The slug of the form page the browser is on ("who" for /report, "check" for the check page)."""
    match = STEP.search(page.url)
    assert match, page.url
    return match.group(1) or "who"


def walk_steps(page, fill: dict, shoot=None) -> list[str]:
    """From the page the browser is on, answer each step with ``fill[slug](page)`` (if given) and press Continue,
    until the check page. Returns the slugs walked, in order."""
    walked = []
    for _attempt in range(10):
        slug = step_of(page)
        if slug == "check":
            break
        walked.append(slug)
        if slug in fill:
            fill[slug](page)
        if shoot is not None:
            shoot(page, slug)
        page.locator(CONTINUE).click()
        assert not page.locator(".error-summary").count(), f"{slug}: {page.locator('.error-summary').inner_text()}"
    return walked


def send_from_check(page) -> tuple[str, str]:
    """Agree on the check page and send; (receipt, reference) from the receipt page."""
    page.locator("#consent").check()
    page.locator(CONTINUE).click()
    return page.locator(".receipt").inner_text(), page.locator(".reference").inner_text().strip()


def file_in_browser(page, base_url: str, locale: str = "sw", description: str = "", fill=None) -> tuple[str, str]:
    """File a grievance through the steps as a worker does (an affected person, child labour, cobalt, Congo);
    ``fill`` maps a step's slug to a function answering more questions on that page. Returns (receipt, reference)
    from the receipt page."""
    text = description or "Watoto wanafanya kazi usiku kwenye ghala la kobalti bila kinga."
    extra = fill or {}

    def what(page):
        page.locator("#description").fill(text)

    def where(page):
        page.locator("#country").select_option("CD")
        page.locator("#commodity-2").check()

    answers = {
        "who": lambda page: page.locator("#filer_type-0").check(),
        "what": what,
        "kind": lambda page: page.locator("#categories-0").check(),
        "where": where,
    }

    def both(slug):
        def answer(page):
            for part in (answers.get(slug), extra.get(slug)):
                if part is not None:
                    part(page)

        return answer

    combined = {slug: both(slug) for slug in {*answers, *extra}}
    page.goto(f"{base_url}/{locale}/report")
    walk_steps(page, combined)
    return send_from_check(page)
