"""The complaint form in short steps, with no script needed (docs/architecture.md §7, §8).

Each step page posts its answers into the draft (portal/intake/drafts.py) and answers 303 to the next page that
applies (portal/intake/steps.py); the check page shows every answer with a link back to its page and sends. One
form class (``GrievanceForm``) validates every page: it is bound to the whole draft with this page's answers in
it, and only this page's errors are shown, so rules that look at another page's answer (a representative's
mandate, a name for who is not anonymous, a description unless a voice note or photo was sent) hold everywhere.

Sending keeps the contract of the one-page form: a random form token per rendering of the check page, so a resend
files nothing twice and leads to the same receipt; the honeypot; the per-client limit; the receipt in the session
cookie (``new_receipt``) and a 303 to the receipt page.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal.cases.labels import CATEGORIES, COMMODITIES, FILER_TYPES
from portal.cases.models import AttachmentPurpose, FilerType
from portal.core.errors import keeps_typed_text
from portal.core.i18n import country_name
from portal.core.page_cache import cached_page
from portal.core.transaction import keep_changes
from portal.extensions import limiter
from portal.intake import drafts, operations
from portal.intake.forms import GrievanceForm
from portal.intake.models import ReportDraft
from portal.intake.steps import BY_SLUG, CHECK, STEP_COUNT, STEPS, Step, before, next_after, step_of
from portal.media.uploads import ACCEPT_ATTRIBUTE, PreparedFile, UploadRejected, prepare_uploads

RECEIPT_KEY = "new_receipt"  # the receipt on its way to its page, in the signed session cookie only
_LIST_FIELDS = {
    "filer_type",
    "categories",
    "commodity",
    "anonymous",
    "register_listed",
    "represented_kind",
    "represented_named",
    "consent_method",
    "guardian_consent_method",
}  # radios and checkboxes: link the first box


def _limit():
    return current_app.config["RATELIMIT_INTAKE_CLIENT"]


def _bound(answers: dict[str, list[str]], draft: ReportDraft | None, **extra: str) -> GrievanceForm:
    """The whole form, bound to the draft's answers (and the CSRF token and ``extra`` values of this request)."""
    data = MultiDict([(name, value) for name, values in answers.items() for value in values])
    for name, value in extra.items():
        data[name] = value
    if request.method == "POST":
        data["csrf_token"] = request.form.get("csrf_token", "")
    form = GrievanceForm(g.locale, formdata=data)
    held = draft.files if draft is not None else []
    form.has_evidence = any(item.purpose == AttachmentPurpose.EVIDENCE for item in held)
    form.has_mandate_in_draft = any(item.purpose == AttachmentPurpose.MANDATE for item in held)
    return form


def _anchor(name: str) -> str:
    return f"{name}-0" if name in _LIST_FIELDS else name


def _errors(form: GrievanceForm, names, href=lambda name: "#" + _anchor(name)) -> list[tuple[str, str]]:
    """(link, message) for the error summary, in the order the fields are on the page."""
    return [(href(name), str(form[name].errors[0])) for name in names if form[name].errors]


def _held(draft: ReportDraft | None, step: Step):
    purpose = AttachmentPurpose.MANDATE if "mandate" in step.file_fields else AttachmentPurpose.EVIDENCE
    if draft is None or not step.file_fields:
        return []
    return [(item.id, drafts.file_name(item)) for item in draft.files if item.purpose == purpose]


def _render_step(step: Step, form: GrievanceForm, errors=(), held=(), had_files=False) -> str:
    return render_template(
        "intake/step.html",
        step=step,
        step_count=STEP_COUNT,
        form=form,
        errors=list(errors),
        held=list(held),
        had_files=had_files,
        accept=ACCEPT_ATTRIBUTE,
    )


def _url(step: Step | None, change: bool = False) -> str:
    if step is None:
        return url_for("intake.report_check")
    return url_for(step.endpoint, change=1) if change else url_for(step.endpoint)


def _say_if_lost() -> None:
    if drafts.was_lost():
        session.pop(drafts.SESSION_KEY, None)
        flash(
            _(
                "For your safety we delete unfinished answers after a day, so your earlier answers are gone. "
                "Please start again; what you write now is kept."
            )
        )


def _show(step: Step):
    _say_if_lost()
    draft = drafts.current_draft()
    answers = drafts.answers_of(draft)
    if not step.applies(answers):
        return redirect(_url(next_after(step, answers)), 303)
    held = _held(draft, step)
    if not held and not any(answers.get(name) for name in step.answer_fields):
        # Not answered yet: the page is the same for everyone in a locale but its CSRF token.
        return cached_page(lambda: _render_step(step, GrievanceForm(g.locale, formdata=None)), with_csrf=True)
    return _render_step(step, _bound(answers, draft), held=held)


def _prepare_files(step: Step, draft: ReportDraft | None):
    """Check and clean the files chosen on this page, within the limits for all of the complaint's files; nothing
    is written yet. Returns (files were chosen, [(purpose, files)], (field, refusal) or None)."""
    chosen = {name: [f for f in request.files.getlist(name) if f and f.filename] for name in step.file_fields}
    config = current_app.config
    held = list(draft.files) if draft is not None else []
    count, size = len(held), sum(item.size for item in held)
    prepared: list[tuple[str, list[PreparedFile]]] = []
    for name, uploads in chosen.items():
        if not uploads:
            continue
        try:
            if count + len(uploads) > config["UPLOAD_MAX_FILES"]:
                raise UploadRejected(_("You can send at most %(num)d files at once.", num=config["UPLOAD_MAX_FILES"]))
            files = prepare_uploads(uploads)
            count, size = count + len(files), size + sum(len(item.data) for item in files)
            if size > config["UPLOAD_MAX_TOTAL_BYTES"]:
                limit = config["UPLOAD_MAX_TOTAL_BYTES"] >> 20
                raise UploadRejected(_("Together the files are larger than %(size)d MB.", size=limit), status=413)
        except UploadRejected as rejected:
            return True, [], (name, rejected)
        prepared.append((AttachmentPurpose.MANDATE if name == "mandate" else AttachmentPurpose.EVIDENCE, files))
    return any(chosen.values()), prepared, None


def _save(step: Step):
    lost = drafts.was_lost() or (drafts.current_draft() is None and step is not STEPS[0])
    if lost:
        session.pop(drafts.SESSION_KEY, None)
        flash(
            _(
                "For your safety we delete unfinished answers after a day, so your earlier answers are gone. "
                "We kept what you wrote on this page. Please answer the other questions again."
            )
        )
    draft = drafts.current_draft()
    answers = {name: values for name, values in drafts.answers_of(draft).items() if name not in step.answer_fields}
    answers.update({name: request.form.getlist(name) for name in step.answer_fields})
    remove = request.form.get("remove_file", "")
    if draft is not None and remove.isdecimal():
        drafts.save_answers(draft, answers)
        drafts.remove_file(draft, int(remove))
        return redirect(request.full_path, 303)
    # Check the answers and clean the files first, write after: the database's write lock is held briefly.
    had_files, prepared, refused = _prepare_files(step, draft)
    form = _bound(answers, draft)
    form.has_evidence |= any(purpose == AttachmentPurpose.EVIDENCE for purpose, _files in prepared)
    form.has_mandate_in_draft |= any(purpose == AttachmentPurpose.MANDATE for purpose, _files in prepared)
    form.validate()
    status = 0
    if refused is not None:
        name, rejected = refused
        form[name].errors = [rejected.message]
        status = rejected.status
    draft = drafts.open_draft()
    drafts.save_answers(draft, answers)
    for purpose, files in prepared:
        drafts.add_files(draft, files, purpose)
    keep_changes()  # the answers are kept even when the page answers with errors: nothing typed is lost
    errors = _errors(form, step.fields)
    if errors:
        status = status or 400
        return _render_step(step, form, errors, _held(draft, step), had_files and refused is not None), status
    if lost:
        return redirect(url_for("intake.report"), 303)  # the earlier pages need answering again
    following = next_after(step, answers)
    if request.args.get("change"):
        # Back to the check page, unless the change opened a page not answered yet (say, "not anonymous").
        opens = following in _opened(step) and not any(answers.get(name) for name in following.answer_fields)
        return redirect(_url(following, change=True) if opens else _url(None), 303)
    return redirect(_url(following), 303)


def _opened(step: Step) -> tuple[Step, ...]:
    """The pages a change on ``step`` may open."""
    return {"who": (BY_SLUG["group"],), "contact": (BY_SLUG["identity"],)}.get(step.slug, ())


def _step_view(step: Step):
    def view():
        return _show(step) if request.method == "GET" else _save(step)

    view.__name__ = step.endpoint.split(".")[1]
    if step.file_fields:  # cleaning files costs time: as limited as sending
        view = limiter.limit(_limit, methods=["POST"])(view)
    return keeps_typed_text(*step.text_fields)(view)  # marks the function Flask calls


def report_back(slug: str):
    """The page before ``slug`` for these answers (the back links are the same for everyone, so they are cached)."""
    if slug != CHECK and slug not in BY_SLUG:
        return redirect(url_for("intake.report"), 303)
    previous = before(slug, drafts.answers_of(drafts.current_draft()))
    return redirect(_url(previous) if previous else url_for("public.landing"), 303)


# --- the check page and sending -------------------------------------------------------------------------------


_ORGANISATION_RADIOS = ("represented_kind", "represented_named", "consent_method", "guardian_consent_method")


def _shown(form: GrievanceForm, name: str, files: list[str]) -> str:
    field = form[name]
    if name in ("voice_note", "photo", "evidence", "mandate"):
        return ", ".join(files)
    data = field.data
    if name == "filer_type":
        return str(FILER_TYPES[FilerType(data)]) if data in set(FilerType) else ""
    if name == "categories":
        return ", ".join(str(CATEGORIES[c]) for c in data or () if c in CATEGORIES)
    if name == "commodity":
        return str(COMMODITIES.get(data, "")) if data else ""
    if name == "country":
        return country_name(data) if data else ""
    if name == "register_listed":  # the question says what yes means; the long option would cost a phone line
        return _("No") if data == "no" else _("Yes")
    if name in ("anonymous", "preferred_language", *_ORGANISATION_RADIOS):
        return {choice.value: str(choice.label) for choice in field.choices}.get(data, "")
    if field.type == "BooleanField":
        return _("Yes") if data else _("No")
    return str(data or "").strip()


def _rows(form: GrievanceForm, draft: ReportDraft | None, answers):
    """Every page that applies, with each question answered (and each required one, answered or not), its answer
    and the link to change it. A page with nothing to show gets one row that leads to it: the page stays short."""
    held = list(draft.files) if draft is not None else []
    named = {
        "mandate": [drafts.file_name(item) for item in held if item.purpose == AttachmentPurpose.MANDATE],
        "evidence": [drafts.file_name(item) for item in held if item.purpose == AttachmentPurpose.EVIDENCE],
    }
    sections = []
    for step in STEPS:
        if not step.applies(answers):
            continue
        rows = []
        for name in step.fields:
            if name in ("voice_note", "photo"):  # listed with the other files
                continue
            field = form[name]
            value = _shown(form, name, named.get(name, []))
            if (field.type == "BooleanField" and not field.data) or not (value or field.flags.required):
                continue
            label = _("Files") if name == "evidence" else field.label.text
            rows.append((name, label, value, f"{_url(step, change=True)}#{_anchor(name)}"))
        if not rows:
            rows.append((step.slug, step.title, "", _url(step, change=True)))
        sections.append((step, rows))
    return sections


def applicable(answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """The answers of the pages that apply: a page skipped after a change (a representative who now files for
    themselves) leaves no answer behind."""
    kept = {name for step in STEPS if step.applies(answers) for name in step.fields}
    return {name: values for name, values in answers.items() if name in kept}


def _link_to_question(name: str) -> str:
    """From the check page, an error links to its question on its own page (the consent is on this one)."""
    return "#consent" if name == "consent" else f"{_url(step_of(name), change=True)}#{_anchor(name)}"


def _render_check(form: GrievanceForm, draft, answers, errors=()) -> str:
    form.submission_token.data = form.submission_token.data or operations.new_submission_token()
    return render_template(
        "intake/check.html",
        step_count=STEP_COUNT,
        form=form,
        sections=_rows(form, draft, answers),
        errors=list(errors),
        not_given=_("Not given"),
    )


def check():
    _say_if_lost()
    draft = drafts.current_draft()
    if draft is None:
        return redirect(url_for("intake.report"), 303)
    answers = applicable(drafts.answers_of(draft))
    form = _bound(answers, draft)
    form.submission_token.data = operations.new_submission_token()
    return _render_check(form, draft, answers)


def send():
    token = request.form.get("submission_token", "")
    if not operations.is_submission_token(token):
        token = operations.new_submission_token()  # tampered with: it files, but is not recognised when resent
    if request.form.get("website"):
        # The honeypot: answer a bot as if all went well, but keep nothing.
        draft = drafts.current_draft()
        if draft is not None:
            drafts.discard(draft)
        return render_template("intake/receipt.html", reference=None, receipt=None)
    token_hash = operations.submission_hash(token)
    filed = operations.find_filed(token_hash)  # a resend: file nothing, lead to the same receipt page
    if filed is None:
        draft = drafts.current_draft()
        if draft is None:
            _say_if_lost()
            return redirect(url_for("intake.report"), 303)
        answers = drafts.answers_of(draft)
        form = _bound(answers, draft, consent=request.form.get("consent", ""), submission_token=token, website="")
        if not form.validate():
            names = [name for step in STEPS if step.applies(answers) for name in step.fields] + ["consent"]
            errors = _errors(form, names, href=_link_to_question)
            return _render_check(form, draft, answers, errors), 400
        evidence = drafts.prepared_files(draft, AttachmentPurpose.EVIDENCE)
        mandate = drafts.prepared_files(draft, AttachmentPurpose.MANDATE) if form.is_representative else []
        grievance = grievance_input(form)
        if form.files_for_organisation:
            organisation_id = filing_organisation(form.on_behalf_of.data)
            if organisation_id is None:
                # Signed out, removed, or the organisation is no longer verified: nothing is filed in its name.
                flash(_("Only a member of a verified organisation can file on behalf of people. Please sign in again."))
                return redirect(url_for("users.login"), 303)
            grievance = with_organisation(grievance, form, organisation_id)
        drafts.discard(draft)  # in the filing's transaction: a concurrent send that loses rolls this back
        filed = operations.file_grievance(grievance, evidence, token_hash, mandate)
    session[RECEIPT_KEY] = {
        "token": token_hash,
        "reference": filed.reference,
        "receipt": filed.receipt,
        "extra": list(filed.extra_receipts),
    }
    # 303: a reload of the receipt page is a GET and can never send the form again.
    return redirect(url_for("intake.receipt"), 303)


def report_check():
    return check() if request.method == "GET" else send()


def grievance_input(form: GrievanceForm) -> operations.GrievanceInput:
    anonymous = form.anonymous.data != "no"
    identity = {
        "name": form.name.data,
        "email": form.email.data,
        "phone": form.phone.data,
        "whatsapp": form.whatsapp.data,
        "postal": form.postal.data,
        "language": form.preferred_language.data,
    }
    return operations.GrievanceInput(
        filer_type=FilerType(form.filer_type.data),
        anonymous=anonymous,
        identity=identity,
        share_identity_with_company=form.share_identity.data,
        categories=form.categories.data,
        country=form.country.data,
        commodity=form.commodity.data,
        place=form.place.data,
        companies=form.companies.data,
        incident_date=form.incident_date.data,
        incident_period=form.incident_period.data,
        ongoing=form.ongoing.data,
        # A case always has a description: told in a voice note or photo, it says so, in the person's language.
        description=(form.description.data or "").strip() or _("I told what happened in a voice note or a photo."),
        people_affected=form.people_affected.data or form.people_represented.data,
        children_involved=form.children_involved.data,
        retaliation_risk=form.retaliation_risk.data,
        desired_remedy=form.desired_remedy.data,
        locale=g.locale,
        people_represented=form.people_represented.data,
        households_represented=form.households_represented.data,
        community=form.community.data,
        mandate_consent=form.mandate_consent.data,
        language=form.spoken_language_code,
        register_listed=form.register_listed.data != "no",
    )


def filing_organisation(value: str | None) -> int | None:
    """The organisation a draft files for, if the person sending may file in its name now (``User``'s rule)."""
    user = current_user
    if not value or not value.isdecimal() or not user.is_authenticated:
        return None
    return user.organisation_id if user.can_file_on_behalf and str(user.organisation_id) == value else None


def with_organisation(grievance: operations.GrievanceInput, form: GrievanceForm, organisation_id: int, member=None):
    """What an organisation adds to a grievance it files on behalf of people (``member``: who files, when not the
    signed-in user: the owner of an API token, portal/api/org.py)."""
    named = form.represented_named.data == "named"
    grievance.organisation = operations.OrganisationFiling(
        organisation_id=organisation_id,
        filed_by=member if member is not None else current_user._get_current_object(),
        represented_kind=form.represented_kind.data,
        represented_names=(form.represented_names.data or "").strip() if named else None,
        consent_by=(form.consent_by.data or "").strip() or None,
        consent_method=form.consent_method.data or None,
        consent_on=form.consent_on.data or None,
        consent_language=form.consent_language_code,
        guardian_consent_by=(form.guardian_consent_by.data or "").strip() if form.children_for_organisation else None,
        guardian_consent_method=form.guardian_consent_method.data if form.children_for_organisation else None,
        safeguarding=bool(form.safeguarding.data) and form.children_for_organisation,
        own_receipts=form.own_receipts.data or 0,
    )
    return grievance


def register(blueprint: Blueprint) -> None:
    """Add the step pages, the back links and the check page to the intake blueprint."""
    for step in STEPS:
        path = "/report" if step.slug == "who" else f"/report/{step.slug}"
        blueprint.add_url_rule(path, view_func=_step_view(step), methods=["GET", "POST"])
    blueprint.add_url_rule("/report/back/<slug>", view_func=report_back)
    blueprint.add_url_rule(
        "/report/check", view_func=limiter.limit(_limit, methods=["POST"])(report_check), methods=["GET", "POST"]
    )
