"""Filing a grievance: the happy path, every validation rule, the receipt."""

import re

import pytest
from sqlalchemy import func, select

from portal.cases.models import REPRESENTATIVE_FILERS, Case, CaseEntry, FilerType
from portal.extensions import db
from portal.intake.receipt import receipt_hash
from portal.intake.steps import BY_SLUG, STEPS, step_of


def _case(reference: str) -> Case:
    return db.session.scalar(select(Case).where(Case.reference == reference))


@pytest.mark.parametrize("filer_type", list(FilerType))
def test_happy_path_per_filer_type(app, file_grievance, filer_type):
    representative = filer_type in REPRESENTATIVE_FILERS
    extra = {"people_represented": "40", "mandate_consent": "Forty workers chose us."} if representative else {}
    response, reference, receipt = file_grievance(locale="sw", filer_type=filer_type.value, **extra)
    assert response.status_code == 200
    assert re.fullmatch(r"MC-\d{4}-\d{5}", reference)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        case = _case(reference)
        assert case.filer_type == filer_type
        assert case.state == "submitted"
        assert case.submission_locale == "sw"
        assert case.anonymous and case.identity == {}
        assert case.categories == ["child_labour", "health_safety"]
        assert case.description.startswith("Children carry sacks")
        assert case.receipt_hash == receipt_hash(receipt)
        assert (case.acknowledge_due_at - case.created_at).days == 7
        if filer_type == FilerType.ON_BEHALF:
            assert case.people_affected == 40
        assert case.mandate_status == ("provided" if representative else "none")
        assert case.people_represented == (40 if representative else None)
        [entry] = db.session.scalars(select(CaseEntry).where(CaseEntry.case_id == case.id)).all()
        assert entry.kind == "submission" and entry.visibility == "complainant"


def test_receipt_is_stored_only_as_a_keyed_hash(app, file_grievance):
    _, reference, receipt = file_grievance()
    digits = receipt.replace(" ", "")
    with app.app_context():
        case = _case(reference)
        row = db.session.execute(select(Case.__table__)).one()
        assert all(digits not in str(value) for value in row)
        assert case.receipt_hash != digits and len(case.receipt_hash) == 64


@pytest.mark.parametrize(
    ("children", "retaliation", "urgent"), [("y", None, True), (None, "y", True), (None, None, False)]
)
def test_children_or_retaliation_make_a_case_urgent(app, file_grievance, children, retaliation, urgent):
    _, reference, _ = file_grievance(
        categories=["health_safety"], children_involved=children, retaliation_risk=retaliation
    )
    with app.app_context():
        case = _case(reference)
        assert case.urgent is urgent
        if urgent:
            assert (case.triage_due_at - case.created_at).total_seconds() == 48 * 3600
        else:
            assert case.triage_due_at is None


@pytest.mark.parametrize(
    ("categories", "urgent"),
    [(["child_labour"], True), (["wages_hours", "retaliation"], True), (["health_safety", "land"], False)],
)
def test_an_urgent_category_makes_a_case_urgent(app, file_grievance, categories, urgent):
    """Child labour and retaliation are urgent by default (URGENT_CATEGORIES), even with no box ticked."""
    _, reference, _ = file_grievance(categories=categories)
    with app.app_context():
        case = _case(reference)
        assert case.urgent is urgent
        assert (case.triage_due_at is not None) is urgent


def test_urgent_categories_are_configurable(app, file_grievance, monkeypatch):
    monkeypatch.setitem(app.config, "URGENT_CATEGORIES", frozenset({"land"}))  # the app outlives this test
    _, land, _ = file_grievance(categories=["land"])
    _, children, _ = file_grievance(categories=["child_labour"])
    with app.app_context():
        assert _case(land).urgent is True
        assert _case(children).urgent is False


def test_identity_is_kept_encrypted_when_given(app, file_grievance):
    _, reference, _ = file_grievance(
        anonymous="no",
        name="Amani Kabila",
        email="amani@example.org",
        whatsapp="+243 900 000 000",
        preferred_language="sw",
        share_identity="y",
    )
    with app.app_context():
        case = _case(reference)
        assert not case.anonymous
        assert case.identity["name"] == "Amani Kabila"
        assert case.identity["email"] == "amani@example.org"
        assert case.share_identity_with_company is True
        assert b"Amani" not in case.identity_encrypted


def test_full_form_fields_are_stored(app, file_grievance):
    _, reference, _ = file_grievance(
        filer_type="ngo",
        people_represented="300",
        mandate_consent="The village assembly asked us on 2 March.",
        country="GN",
        commodity="aluminium",
        place="Boké",
        companies="Bauxite mine X",
        incident_date="2026-03-01",
        incident_period="since March",
        ongoing="y",
        people_affected="1 200",
        desired_remedy="Clean wells",
        categories=["land", "environment"],
    )
    with app.app_context():
        case = _case(reference)
        assert (case.country, case.commodity, case.place, case.companies) == (
            "GN",
            "aluminium",
            "Boké",
            "Bauxite mine X",
        )
        assert str(case.incident_date) == "2026-03-01" and case.ongoing and case.incident_period == "since March"
        assert case.people_affected == 1200 and case.desired_remedy == "Clean wells"


MANDATE_MISSING = (
    "Please show that the people agreed that you speak for them: attach a letter, a signed list or meeting minutes, "
    "or write here how they agreed."
)
REPRESENTATIVE = {"filer_type": "union", "people_represented": "40", "mandate_consent": "By vote."}
INVALID = [
    ({"filer_type": None}, "filer_type", "Please choose one of the options."),
    ({"filer_type": "robot"}, "filer_type", "Please choose one of the options."),
    ({"categories": None}, "categories", "Please choose one of the options."),
    ({"categories": ["child_labour", "aliens"]}, "categories", "Please choose one of the options."),
    ({"country": ""}, "country", "Please choose one of the options."),
    ({"country": "XX"}, "country", "Please choose one of the options."),
    ({"commodity": "gold"}, "commodity", "Please choose one of the options."),
    ({"description": ""}, "description", "Please tell us what happened: record a voice note, take a photo or write."),
    ({"description": "too short"}, "description", "Please write a little more: at least 30 letters."),
    ({"description": "x" * 20_001}, "description", "Please write at most 20000 characters."),
    ({"consent": None}, "consent", "We can only handle your complaint if you agree."),
    ({"anonymous": "no"}, "name", "Please give your name, or choose to stay anonymous."),
    ({"anonymous": "no", "name": "A", "email": "not-an-email"}, "email", "This email address does not look right."),
    ({"filer_type": "on_behalf"}, "people_represented", "Please say how many people you file for."),
    (
        {"filer_type": "union", "mandate_consent": "By vote."},
        "people_represented",
        "Please say how many people you file for.",
    ),
    ({"filer_type": "ngo", "people_represented": "40"}, "mandate_consent", MANDATE_MISSING),
    (
        {**REPRESENTATIVE, "households_represented": "some"},
        "households_represented",
        "Please give a whole number, for example 12.",
    ),
    ({**REPRESENTATIVE, "community": "x" * 201}, "community", "Please write at most 200 characters."),
    ({"people_affected": "many"}, "people_affected", "Please give a whole number, for example 12."),
    ({"people_affected": "0"}, "people_affected", "Please give a whole number, for example 12."),
    ({"incident_date": "2999-01-01"}, "incident_date", "This date is in the future."),
    ({"incident_date": "yesterday"}, "incident_date", "Please give a date as year-month-day, for example 2026-03-15."),
    ({"place": "x" * 301}, "place", "Please write at most 300 characters."),
]


@pytest.mark.parametrize(("fields", "field", "message"), INVALID)
def test_every_validation_rule(app, client, file_grievance, fields, field, message):
    typed = "A description that I took a long time to write, in my own words."
    response, reference, _ = file_grievance(**{"description": typed, **fields})
    assert response.status_code == 400
    assert reference is None
    html = response.get_data(as_text=True)
    error = f'<p class="error" id="{field}-error"><span class="visually-hidden">Error: </span>{message}</p>'
    assert error in html.replace("&#39;", "'")
    assert "<title>Error: " in html
    anchor = f"{field}-0" if field in ("filer_type", "categories", "commodity") else field
    assert f'href="#{anchor}"' in html or f'#{anchor}">' in html  # the summary links to the field
    after_what = field == "consent" or STEPS.index(step_of(field)) >= STEPS.index(BY_SLUG["what"])
    if "description" not in fields and after_what:
        assert typed in client.get("/en/report/what").get_data(as_text=True)  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_errors_come_back_in_the_page_language(file_grievance):
    response, _, _ = file_grievance(locale="fr", consent=None)
    html = response.get_data(as_text=True)
    assert 'id="consent-error"' in html
    assert "We can only handle your complaint if you agree." not in html


def test_chosen_files_are_kept_after_an_error(client, file_grievance):
    from tests.samples import jpeg_with_gps, upload

    response, _, _ = file_grievance(description="x" * 20_001, files=[upload(jpeg_with_gps(), "photo.jpg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "photo.jpg" in html  # held in the draft, listed
    assert "choose them again" not in html  # nothing to choose again


def test_honeypot_keeps_nothing(app, file_grievance):
    response, reference, receipt = file_grievance(website="http://spam.example")
    assert response.status_code == 200 and reference is None and receipt is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_every_text_field_comes_back_escaped(file_grievance):
    text_fields = [
        "people_represented",
        "households_represented",
        "community",
        "mandate_consent",
        "name",
        "email",
        "phone",
        "whatsapp",
        "postal",
        "place",
        "companies",
        "incident_period",
        "description",
        "people_affected",
        "desired_remedy",
        "incident_date",
    ]
    response, _, _ = file_grievance(anonymous="no", consent=None, **{field: XSS for field in text_fields})
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_xss_in_stored_text_is_escaped_on_the_case_page(client, file_grievance, open_case):
    _, _, receipt = file_grievance(description=XSS + " and some more words to pass the length check")
    open_case(receipt)
    html = client.get("/en/follow-up/case").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_references_count_up_within_a_year(file_grievance):
    numbers = [int(file_grievance()[1].rsplit("-", 1)[1]) for _ in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_submissions_are_throttled_per_client(app, file_grievance):
    app.config["RATELIMIT_INTAKE_CLIENT"] = "2 per hour"
    try:
        statuses = [file_grievance()[0].status_code for _ in range(3)]
    finally:
        app.config["RATELIMIT_INTAKE_CLIENT"] = "10000 per minute"
    assert statuses == [200, 200, 429]


def test_only_required_fields_are_marked_required(client):
    html = client.get("/en/report").get_data(as_text=True)
    assert 'required="None"' not in html
    assert re.search(r'<input[^>]*id="filer_type-0"[^>]*required', html)
    what = client.get("/en/report/what").get_data(as_text=True)
    assert not re.search(r'<textarea[^>]*id="description"[^>]*required', what)  # a voice note will do
    assert not re.search(r'<input[^>]*id="place"[^>]*required', html)
