"""Message templates per language (issue 15 §8): the secretariat edits them; the case page's picker fills in the
message to the complainant in their language, or in English when there is none; the defaults are seeded in all ten
languages."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.cases.message_templates import MessageTemplate, TemplateStep, default_text, seed_defaults
from portal.core.i18n import LOCALES
from portal.extensions import db


def _textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*id="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, name
    return unescape(match.group(1)).strip()


def _set(app, step: str, locale: str, body: str | None) -> None:
    with app.app_context():
        row = db.session.scalar(
            select(MessageTemplate).where(MessageTemplate.step == step, MessageTemplate.locale == locale)
        )
        if body is None:
            if row is not None:
                db.session.delete(row)
        else:
            if row is None:
                row = MessageTemplate(step=step, locale=locale)
                db.session.add(row)
            row.body = body
        db.session.commit()


def _set_case_locale(app, reference: str, locale: str) -> None:
    from portal.cases.models import Case

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.submission_locale = locale
        case.identity = {**(case.identity or {}), "language": locale}  # the language they asked to be written in
        db.session.commit()
        assert case.written_locale == locale


def test_the_seed_stores_every_step_in_all_ten_languages_once(app):
    with app.app_context():
        assert seed_defaults() == len(TemplateStep) * len(LOCALES) == 40
        assert seed_defaults() == 0
        rows = db.session.scalars(select(MessageTemplate)).all()
        assert {(row.step, row.locale) for row in rows} == {(s.value, code) for s in TemplateStep for code in LOCALES}
        bodies = {row.locale: row.body for row in rows if row.step == TemplateStep.ACKNOWLEDGE}
        assert len(set(bodies.values())) == 10  # each written in its own language
        assert all("{reference}" in body for body in bodies.values())
        db.session.rollback()


def test_the_command_seeds_and_keeps_edited_templates(app):
    _set(app, "acknowledge", "fr", "Texte de la secrétaire {reference}")
    output = app.test_cli_runner().invoke(args=["portal", "seed-message-templates"]).output
    assert "message templates added: 39" in output
    with app.app_context():
        row = db.session.scalar(
            select(MessageTemplate).where(MessageTemplate.step == "acknowledge", MessageTemplate.locale == "fr")
        )
        assert row.body == "Texte de la secrétaire {reference}"


def test_the_picker_fills_the_message_in_the_complainants_language(app, world, client_as):
    _set_case_locale(app, world.reference, "fr")
    _set(app, "request_info", "fr", "Merci de préciser les faits de {reference}.")
    _set(app, "request_info", "en", "Please tell us more about {reference}.")
    response = client_as("secretariat").get(f"/staff/cases/{world.reference}/message-template?step=request_info")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _textarea(html, "text") == f"Merci de préciser les faits de {world.reference}."
    # The staff member reads English: the English version fills the working translation beside it.
    assert _textarea(html, "translation") == f"Please tell us more about {world.reference}."
    assert "the English one was filled in" not in html


def test_the_picker_falls_back_to_english_and_says_so(app, world, client_as):
    _set_case_locale(app, world.reference, "sw")
    _set(app, "acknowledge", "sw", None)
    _set(app, "acknowledge", "en", "We received your grievance {reference}.")
    html = (
        client_as("secretariat")
        .get(f"/staff/cases/{world.reference}/message-template?step=acknowledge")
        .get_data(as_text=True)
    )
    assert _textarea(html, "text") == f"We received your grievance {world.reference}."
    assert "There is no template in Swahili: the English one was filled in." in html


def test_without_any_template_the_form_stays_empty(app, world, client_as):
    html = (
        client_as("secretariat")
        .get(f"/staff/cases/{world.reference}/message-template?step=admitted")
        .get_data(as_text=True)
    )
    assert _textarea(html, "text") == "" and "There is no template for this step yet." in html


def test_the_case_page_offers_the_picker_to_case_staff_only(world, client_as):
    picker = f"/staff/cases/{world.reference}/message-template"
    assert picker in client_as("secretariat").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert picker not in client_as("member_panel").get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert client_as("member_panel").get(picker + "?step=acknowledge").status_code == 403
    assert client_as("secretariat_recused").get(picker + "?step=acknowledge").status_code == 404
    assert client_as("secretariat").get(picker + "?step=nonsense").status_code == 404


def test_the_secretariat_edits_a_template_and_it_is_audited(app, world, client_as):
    secretariat = client_as("secretariat")
    page = secretariat.get("/staff/message-templates?step=admitted&locale=ar")
    assert page.status_code == 200
    response = secretariat.post(
        "/staff/message-templates", data={"step": "admitted", "locale": "ar", "body": "قُبلت شكواك {reference}."}
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(
            select(MessageTemplate).where(MessageTemplate.step == "admitted", MessageTemplate.locale == "ar")
        )
        assert row.body == "قُبلت شكواك {reference}." and row.updated_by_id == world.users["secretariat"]
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "message-template-changed"))
        assert '"locale":"ar"' in audit.data and '"step":"admitted"' in audit.data and "قُبلت" not in audit.data
    overview = secretariat.get("/staff/message-templates").get_data(as_text=True)
    assert "قُبلت شكواك" in overview


def test_an_emptied_template_is_removed_and_the_picker_falls_back(app, world, client_as):
    _set(app, "acknowledge", "en", "English acknowledgement {reference}")
    _set(app, "acknowledge", "nl", "Nederlandse bevestiging {reference}")
    _set_case_locale(app, world.reference, "nl")
    secretariat = client_as("secretariat")
    secretariat.post("/staff/message-templates", data={"step": "acknowledge", "locale": "nl", "body": ""})
    html = secretariat.get(f"/staff/cases/{world.reference}/message-template?step=acknowledge").get_data(as_text=True)
    assert _textarea(html, "text") == f"English acknowledgement {world.reference}"


def test_too_long_a_template_is_refused_and_kept(app, world, client_as):
    long = "y" * 5_001
    response = client_as("secretariat").post(
        "/staff/message-templates", data={"step": "acknowledge", "locale": "en", "body": long}
    )
    assert response.status_code == 400 and long in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["member_panel", "liaison", "admin"])
def test_only_case_staff_manage_templates(world, client_as, who):
    assert client_as(who).get("/staff/message-templates").status_code == 403
    assert (
        client_as(who)
        .post("/staff/message-templates", data={"step": "acknowledge", "locale": "en", "body": "x"})
        .status_code
        == 403
    )


def test_unknown_step_or_locale_is_not_found(world, client_as):
    assert client_as("secretariat").get("/staff/message-templates?step=acknowledge&locale=xx").status_code == 404
    assert (
        client_as("secretariat")
        .post("/staff/message-templates", data={"step": "x", "locale": "en", "body": "x"})
        .status_code
        == 404
    )


def test_the_defaults_are_translated(app):
    with app.app_context():
        assert default_text(TemplateStep.ACKNOWLEDGE, "en") != default_text(TemplateStep.ACKNOWLEDGE, "fr")
