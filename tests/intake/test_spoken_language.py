"""The grievance form asks, optionally, which other language a person would rather speak with us (any language,
typed by name): it is recorded as an ISO 639 code beside the interface language."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db


def _case(app, reference: str) -> Case:
    with app.app_context():
        return db.session.scalar(select(Case).where(Case.reference == reference))


@pytest.mark.parametrize(
    ("locale", "typed", "code"),
    [
        ("es", "quechua", "qu"),  # the name in the page's language
        ("en", "Runasimi", "qu"),  # the language's own name
        ("sw", "Kiluba-Lulua", "lua"),
        ("fr", "Luba-Lulua", "lua"),  # the English name on a French page
        ("sw", "Kilingala", "ln"),
        ("en", "Congo Swahili", "swc"),  # an ISO 639-3 code CLDR names as a variant
    ],
)
def test_a_language_typed_by_name_is_recorded_as_its_code(app, file_grievance, locale, typed, code):
    response, reference, _ = file_grievance(locale=locale, spoken_language=typed)
    assert reference, response.get_data(as_text=True)[:500]
    case = _case(app, reference)
    assert case.language == code and case.submission_locale == locale


def test_an_unknown_language_name_comes_back_with_a_clear_error_and_nothing_lost(app, client, file_grievance):
    response, reference, _ = file_grievance(spoken_language="Klingonese", place="Kolwezi, near the depot")
    assert response.status_code == 400 and reference is None
    page = html.unescape(response.get_data(as_text=True))
    assert "We do not recognise this language name. Write it another way, or leave this empty." in page
    assert 'value="Klingonese"' in page
    assert 'value="Kolwezi, near the depot"' in html.unescape(client.get("/en/report/where").get_data(as_text=True))


def test_the_language_question_is_optional(app, file_grievance):
    _, reference, _ = file_grievance()
    assert _case(app, reference).language is None
