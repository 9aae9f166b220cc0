"""The receipt page after filing: the 16 digits on one line, which number is the key, and the promise that fits."""

import re

from flask_babel import force_locale
from sqlalchemy import select

from portal.cases.models import Case
from portal.core.i18n import day
from portal.extensions import db

SAFE_CASE = {"categories": ["health_safety"], "description": "The dust at the smelter makes us cough all night long."}


def _case(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        db.session.expunge(case)
        return case


def _long_date(app, moment, locale: str = "en") -> str:
    with app.test_request_context(), force_locale(locale):
        return day(moment, "long")


def test_the_receipt_is_one_isolated_left_to_right_line_and_says_it_is_the_key(file_grievance):
    response, reference, _ = file_grievance(**SAFE_CASE)
    html = response.get_data(as_text=True)
    assert re.search(r'<p class="receipt"[^>]*><span dir="ltr">\d{4} \d{4} \d{4} \d{4}</span></p>', html)
    assert "are the key to your case" in html and "nobody can find them again for you" in html
    # Which number is which: the reference is for talking about the case, it does not open it.
    assert f'<strong class="reference" dir="ltr">{reference}</strong>' in html
    assert "The case number is only for talking about your case" in html


def test_an_ordinary_grievance_is_promised_a_confirmation_within_seven_days_with_the_date(app, file_grievance):
    response, reference, _ = file_grievance(**SAFE_CASE)
    html = response.get_data(as_text=True)
    case = _case(app, reference)
    assert not case.urgent
    promise = f"within 7 days: by {_long_date(app, case.acknowledge_due_at)}."
    assert promise in html and "48 hours" not in html
    assert f"Sent on {_long_date(app, case.created_at)}." in html


def test_someone_in_danger_is_promised_a_look_within_48_hours_with_the_date(app, file_grievance):
    response, reference, _ = file_grievance(**SAFE_CASE, retaliation_risk="y")
    html = response.get_data(as_text=True)
    case = _case(app, reference)
    assert case.urgent and case.triage_due_at is not None
    assert f"within 48 hours: by {_long_date(app, case.triage_due_at)}." in html
    assert "within 7 days" not in html


def test_children_at_work_are_urgent_in_every_language_the_promise_is_translated(app, file_grievance):
    response, reference, _ = file_grievance(locale="sw")  # child labour: urgent by configuration
    html = response.get_data(as_text=True)
    case = _case(app, reference)
    assert case.urgent and _long_date(app, case.triage_due_at, "sw") in html
    assert "within 48 hours" not in html  # Swahili, not English


def test_reloading_the_receipt_page_files_nothing_and_shows_no_receipt(app, client, file_grievance):
    file_grievance(**SAFE_CASE)
    again = client.get("/en/receipt").get_data(as_text=True)
    assert "This form has already been sent" in again and 'class="receipt"' not in again
    with app.app_context():
        assert len(db.session.scalars(select(Case)).all()) == 1
