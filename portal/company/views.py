"""Company liaisons: the cases that name their company, as the secretariat's redacted summary, and their answer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.cases import access, casework, labels, queries
from portal.cases.attachments import may_download, send_attachment
from portal.cases.commitments import Commitment
from portal.cases.committee import Decision
from portal.cases.company_side import company_message, progress_by_commitment, report_progress
from portal.cases.loading import with_case
from portal.cases.meetings import meetings_for_company
from portal.cases.models import Attachment, Case, CaseEntry, EntryKind, Visibility
from portal.cases.operations import grant_company_extension
from portal.cases.refusals import CaseworkRefused
from portal.company.forms import CompanyMessageForm, CompanyResponseForm, ExtensionForm, ProgressForm
from portal.company.stage import ENTRY_KINDS, empty_text, stage_text
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.forms import text_of
from portal.core.roles import COMPANY_LIAISONS
from portal.extensions import db
from portal.media.uploads import ACCEPT_ATTRIBUTE, UploadRejected, prepare_uploads

company = Blueprint("company", __name__, url_prefix="/company")


@company.get("/")
@staff_required(COMPANY_LIAISONS)
def case_list():
    cases = db.session.scalars(
        queries.visible_to(current_user).order_by(Case.company_response_due_at, Case.created_at.desc())
    ).all()
    return render_template("company/list.html", cases=cases, labels=labels, now=utcnow())


def _render(
    case: Case,
    form: CompanyResponseForm | None = None,
    status: int = 200,
    extension_form: ExtensionForm | None = None,
    message_form: CompanyMessageForm | None = None,
    progress_form: tuple[int, ProgressForm] | None = None,
):
    entries = db.session.scalars(
        select(CaseEntry)
        .where(CaseEntry.case_id == case.id, CaseEntry.visibility == Visibility.COMPANY)
        .order_by(CaseEntry.id)
    ).all()
    decisions = db.session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)).all()
    responded = any(entry.kind == EntryKind.COMPANY_RESPONSE for entry in entries)
    # The commitments the respondent owes, with its reports: what it is asked to report on while monitored.
    commitments = [c for c in Commitment.of_case(case.id) if c.owed_by_respondent]
    can_report = access.can_report_progress(case, current_user)
    # One form per commitment (prefixed by its id); the one that failed comes back with its errors and text.
    progress_forms = {
        commitment.id: ProgressForm(prefix=f"progress-{commitment.id}", formdata=None) for commitment in commitments
    }
    if progress_form is not None:
        progress_forms[progress_form[0]] = progress_form[1]
    return (
        render_template(
            "company/case.html",
            case=case,
            entries=entries,
            decisions=decisions,
            labels=labels,
            now=utcnow(),
            form=form or CompanyResponseForm(),
            extension_form=extension_form or ExtensionForm(),
            accept=ACCEPT_ATTRIBUTE,
            can_respond=access.can_respond_as_company(case, current_user),
            identity=case.identity if access.can_view_identity(case, current_user) else None,
            # Only the meetings it is invited to, and never who attends (docs/architecture.md §4).
            meetings=meetings_for_company(case),
            stage_text=stage_text(case.state, responded),
            empty_text=empty_text(case.state),
            entry_kinds=ENTRY_KINDS,
            can_message=access.can_message_as_company(case, current_user),
            message_form=message_form or CompanyMessageForm(formdata=None),
            commitments=commitments,
            progress=progress_by_commitment(case) if commitments else {},
            can_report=can_report,
            progress_forms=progress_forms,
        ),
        status,
    )


@company.get("/cases/<reference>")
@staff_required(COMPANY_LIAISONS)
@with_case()
def case_page(case: Case):
    return _render(case)


@company.post("/cases/<reference>/response")
@staff_required(COMPANY_LIAISONS)
@with_case(access.can_respond_as_company)
def respond(case: Case):
    form = CompanyResponseForm()
    if not form.validate_on_submit():
        return _render(case, form, 400)
    try:
        files = prepare_uploads(form.documents.data)
    except UploadRejected as rejected:
        form.documents.errors.append(rejected.message)
        return _render(case, form, rejected.status)
    casework.company_respond(case, current_user, text_of(form.response), files)
    flash(_("Your response was sent to the committee."))
    return redirect(url_for("company.case_page", reference=case.reference))


@company.post("/cases/<reference>/extension")
@staff_required(COMPANY_LIAISONS)
@with_case(access.can_respond_as_company)
def extension(case: Case):
    form = ExtensionForm()
    if not form.validate_on_submit():
        return _render(case, status=400, extension_form=form)
    try:
        grant_company_extension(case, current_user, text_of(form.reason) or "")
    except CaseworkRefused as refused:  # what was typed is shown again with the reason
        form.reason.errors = [*form.reason.errors, str(labels.CASEWORK_REASONS[refused.reason])]
        return _render(case, status=409, extension_form=form)
    flash(_("Your deadline was extended once."))
    return redirect(url_for("company.case_page", reference=case.reference))


@company.post("/cases/<reference>/messages")
@staff_required(COMPANY_LIAISONS)
@with_case(access.can_message_as_company)
def message(case: Case):
    form = CompanyMessageForm()
    if not form.validate_on_submit():
        return _render(case, status=400, message_form=form)
    company_message(case, current_user, text_of(form.message) or "")
    flash(_("Your message was sent to the secretariat."))
    return redirect(url_for("company.case_page", reference=case.reference) + "#messages")


@company.post("/cases/<reference>/commitments/<int:commitment_id>/progress")
@staff_required(COMPANY_LIAISONS)
@with_case(access.can_report_progress)
def progress(case: Case, commitment_id: int):
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.case_id != case.id or not commitment.owed_by_respondent:
        abort(404)  # not a commitment this company reports on
    form = ProgressForm(prefix=f"progress-{commitment_id}")
    if not form.validate_on_submit():
        return _render(case, status=400, progress_form=(commitment_id, form))
    try:
        report_progress(case, commitment_id, current_user, text_of(form.progress) or "")
    except CaseworkRefused as refused:
        form.progress.errors = [*form.progress.errors, str(labels.CASEWORK_REASONS[refused.reason])]
        return _render(case, status=409, progress_form=(commitment_id, form))
    flash(_("Your progress report was sent to the secretariat."))
    return redirect(url_for("company.case_page", reference=case.reference) + f"#commitment-{commitment_id}")


@company.get("/cases/<reference>/attachments/<int:attachment_id>")
@staff_required(COMPANY_LIAISONS)
@with_case()
def download(case: Case, attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id)
    # A company sees only the files of its own responses.
    if attachment is None or attachment.entry.case_id != case.id or attachment.entry.visibility != Visibility.COMPANY:
        abort(404)
    if not may_download(attachment, current_user):  # not cleaned of metadata: staff only
        abort(404)
    casework.record_download(attachment, current_user)
    return send_attachment(attachment)
