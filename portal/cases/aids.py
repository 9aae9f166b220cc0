"""Reading and writing aids on the staff case pages (issue 15 §8, §9): the working translation of the original
description, message templates per language and their picker, photo thumbnails, and messages to the company.

These routes sit under ``/staff`` beside the case pages of ``views.py`` and answer the same way (``with_case``: 404
for a case the user may not see, 403 for one they see but may not act on). The case page shows what they write
through small includes (``staff/_description_translation.html``, ``_message_templates.html``, ``_photos.html``,
``_company_side.html``), which read it through the template globals below: one query each, only when the case page
is drawn.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from portal.cases import access, labels
from portal.cases.access import COMPANY_VISIBLE_STATES
from portal.cases.attachments import may_download, send_thumbnail
from portal.cases.company_side import message_to_company, progress_by_commitment
from portal.cases.forms import MessageForm
from portal.cases.loading import with_case
from portal.cases.message_templates import (
    STEP_NAMES,
    TEMPLATE_MAX,
    TemplateStep,
    all_templates,
    fill,
    save_template,
)
from portal.cases.models import Attachment, Case
from portal.cases.refusals import CaseworkRefused
from portal.cases.translations import description_translation, set_description_translation
from portal.cases.views import render_case
from portal.core.auth import staff_required
from portal.core.forms import REQUIRED, MaxLength, text_of
from portal.core.i18n import DEFAULT_LOCALE, LOCALES, language_name
from portal.core.roles import CASE_STAFF, CASEWORK
from portal.extensions import db
from portal.media.thumbnails import Thumbnail, thumbnails_of

aids = Blueprint("aids", __name__, url_prefix="/staff")
TEXT_MAX = 20_000


class DescriptionTranslationForm(FlaskForm):
    translation = TextAreaField(
        _l("Working translation of the description"),
        description=_l("For staff only: the complainant and the company never see it. Leave empty to remove it."),
        validators=[MaxLength(TEXT_MAX)],
        render_kw={"rows": 5},
    )


class CompanyMessageForm(FlaskForm):
    text = TextAreaField(
        _l("Message to the company"),
        description=_l("The company's liaisons read this message; the complainant never does."),
        validators=[DataRequired(REQUIRED), MaxLength(TEXT_MAX)],
        render_kw={"rows": 4},
    )


class TemplateForm(FlaskForm):
    step = HiddenField()
    locale = HiddenField()
    body = TextAreaField(
        _l("Text of the template"),
        description=_l("{reference} is replaced by the case's reference. Leave empty to remove this language."),
        validators=[MaxLength(TEMPLATE_MAX)],
        render_kw={"rows": 8},
    )


# --- what the case page's includes read ------------------------------------------------------------------------


@aids.app_template_global()
def aid_description(case: Case) -> dict:
    translation = description_translation(case)
    form = g.get("aid_description_form") or DescriptionTranslationForm(
        formdata=None, prefix="description", translation=translation.text if translation else ""
    )
    return {"translation": translation, "form": form}


@aids.app_template_global()
def aid_template_steps() -> dict:
    return STEP_NAMES


@aids.app_template_global()
def aid_thumbnails(attachments: list[Attachment]) -> list[tuple[Attachment, Thumbnail]]:
    """Of the case's files (``attachments``, oldest first), the photos that have a preview and that the reader may
    download."""
    photos = [file for file in attachments if file.content_type.startswith("image/")]
    found = thumbnails_of([photo.id for photo in photos])
    return [(photo, found[photo.id]) for photo in photos if photo.id in found and may_download(photo, current_user)]


@aids.app_template_global()
def aid_company_side(case: Case) -> dict:
    return {
        "progress": progress_by_commitment(case),
        "can_write": access.can_manage(case, current_user)
        and case.state in COMPANY_VISIBLE_STATES
        and case.respondent_organisation_id is not None,
        "form": g.get("aid_company_form") or CompanyMessageForm(formdata=None, prefix="company"),
    }


# --- the case page's forms ----------------------------------------------------------------------------------------


@aids.post("/cases/<reference>/description-translation")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def translate_description(case: Case):
    form = DescriptionTranslationForm(prefix="description")
    if not form.validate_on_submit():
        g.aid_description_form = form
        return render_case(case, 400)
    set_description_translation(case, current_user, text_of(form.translation), str(get_locale()))
    flash(_("The working translation of the description was saved."))
    return redirect(url_for("staff.case_page", reference=case.reference) + "#summary")


@aids.post("/cases/<reference>/company-message")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def write_to_company(case: Case):
    form = CompanyMessageForm(prefix="company")
    if not form.validate_on_submit():
        g.aid_company_form = form
        return render_case(case, 400)
    try:
        message_to_company(case, current_user, text_of(form.text) or "")
    except CaseworkRefused as refused:
        form.text.errors = [*form.text.errors, str(labels.CASEWORK_REASONS[refused.reason])]
        g.aid_company_form = form
        return render_case(case, 409)
    flash(_("Your message was sent to the company."))
    return redirect(url_for("staff.case_page", reference=case.reference) + "#company-side")


@aids.get("/cases/<reference>/message-template")
@staff_required(CASEWORK)
@with_case(access.can_manage)
def use_template(case: Case):
    """The case page with the message to the complainant filled in from a template (no script: a GET form)."""
    try:
        step = TemplateStep(request.args.get("step", ""))
    except ValueError:
        abort(404)
    filled = fill(step, case)
    if filled is None:
        flash(_("There is no template for this step yet."))
        return render_case(case)
    staff_locale = str(get_locale())
    working = fill(step, case, staff_locale) if filled.locale != staff_locale else None
    if filled.fell_back:
        flash(
            _(
                "There is no template in %(language)s: the English one was filled in.",
                language=language_name(case.written_locale),
            )
        )
    form = MessageForm(formdata=None, text=filled.text, translation=working.text if working else "")
    return render_case(case, message_form=form)


@aids.get("/cases/<reference>/attachments/<int:attachment_id>/thumbnail")
@staff_required(CASEWORK)
@with_case()
def thumbnail(case: Case, attachment_id: int):
    """A photo's preview, to whoever may download the photo itself (the checks of ``views.download``)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.entry.case_id != case.id or not may_download(attachment, current_user):
        abort(404)
    found = thumbnails_of([attachment.id]).get(attachment.id)
    if found is None:
        abort(404)
    return send_thumbnail(attachment, found)


# --- the secretariat's templates --------------------------------------------------------------------------------


def _chosen(step: str | None, locale: str | None) -> tuple[TemplateStep, str] | None:
    try:
        chosen = TemplateStep(step or "")
    except ValueError:
        return None
    return (chosen, locale) if locale in LOCALES else None


@aids.get("/message-templates")
@staff_required(CASE_STAFF)
def templates_page():
    chosen = _chosen(request.args.get("step"), request.args.get("locale"))
    if request.args.get("step") is not None and chosen is None:
        abort(404)
    return _templates_page(chosen)


def _templates_page(chosen, form: TemplateForm | None = None, status: int = 200):
    stored = all_templates()
    if chosen is not None and form is None:
        existing = stored.get((chosen[0].value, chosen[1]))
        form = TemplateForm(
            formdata=None, step=chosen[0].value, locale=chosen[1], body=existing.body if existing else ""
        )
    return (
        render_template(
            "staff/message_templates.html",
            steps=STEP_NAMES,
            locales=LOCALES,
            stored=stored,
            chosen=chosen,
            form=form,
            default_locale=DEFAULT_LOCALE,
        ),
        status,
    )


@aids.post("/message-templates")
@staff_required(CASE_STAFF)
def save_template_view():
    form = TemplateForm()
    chosen = _chosen(form.step.data, form.locale.data)
    if chosen is None:
        abort(404)
    if not form.validate_on_submit():
        return _templates_page(chosen, form, 400)
    save_template(chosen[0], chosen[1], form.body.data or "", current_user)
    flash(_("The template was saved."))
    return redirect(url_for("aids.templates_page", step=chosen[0].value, locale=chosen[1]))
