"""Staff pages for the secretariat and the committee: dashboard, case list, case page and its forms.

Each view: ``with_case`` loads the case and applies its permission → the form → one operation → redirect
(``submit`` below does the form part the same way for every form on the case page). The request commits in
``portal/core/transaction.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Row, select
from sqlalchemy.orm import selectinload

from portal.cases import access, bulk, casework, export, labels, mandates, queries, remedy, search, tags, workload
from portal.cases.attachments import may_download, send_attachment
from portal.cases.commitments import Commitment, CommitmentStatus
from portal.cases.committee import Decision, PanelSeat, SeatKind, VoteChoice
from portal.cases.forms import (
    ActionForm,
    AssignForm,
    CaseFilterForm,
    CommitmentForm,
    LinkForm,
    MandateRequestForm,
    MandateVerifyForm,
    MessageForm,
    MonitoringForm,
    NoteForm,
    PanelSeatForm,
    SummaryForm,
    TranslationForm,
    UrgencyForm,
)
from portal.cases.loading import REFERENCE, with_case
from portal.cases.meetings import meetings_of
from portal.cases.models import Attachment, AttachmentPurpose, Case, CaseEntry
from portal.cases.operations import (
    ActionInput,
    Finding,
    quorum_problems,
    record_monitoring_check,
    set_suspended,
    set_urgency,
    take_action,
)
from portal.cases.refusals import CaseworkRefused
from portal.cases.workflow import TRANSITIONS, Action, Ask, InvalidTransition, Outcome, PanelKind
from portal.core import signals
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.forms import text_of
from portal.core.i18n import LOCALES
from portal.core.roles import CASE_STAFF, CASEWORK, COMMITTEE, Role
from portal.core.routing import page_number
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind, SupplyChainEntity
from portal.users.models import User

staff = Blueprint("staff", __name__, url_prefix="/staff")
DASHBOARD_ROWS = 20


@staff.get("/")
@staff_required(CASEWORK)
def dashboard():
    now = utcnow()
    titles = {
        "overdue": _("Overdue"),
        "urgent": _("Urgent"),
        "due": _("Due this week"),
        "mine": _("My cases"),
        "unassigned": _("Unassigned"),
    }
    figures = workload.workload(current_user, now)
    tables = {
        key: (titles[key], cases) for key, cases in queries.dashboard_tables(current_user, now, DASHBOARD_ROWS).items()
    }
    return render_template(
        "staff/dashboard.html",
        tables=tables,
        counts=figures.sections,
        see_all={key: queries.section_filters(key) for key in tables},
        charts=workload.charts(figures),
        now=now,
        labels=labels,
        **_rows_extras([case for _title, cases in tables.values() for case in cases]),
    )


def _rows_extras(cases: list[Case]) -> dict:
    """What a list's rows show beside the case's own columns, for all rows at once: officers' names and tags."""
    officer_ids = {case.assigned_officer_id for case in cases if case.assigned_officer_id}
    names = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(officer_ids))).all())
        if officer_ids
        else {}
    )
    locale = str(get_locale())
    tag_labels = {tag.id: tag.label(locale) for tag in tags.all_tags()}
    return {"officer_names": names, "case_tags": tags.tags_of([case.id for case in cases]), "tag_labels": tag_labels}


def _filter_form() -> CaseFilterForm:
    locale = str(get_locale())
    form = CaseFilterForm(SupplyChainEntity.choices(), tags.sorted_labels(locale), locale, formdata=request.args)
    form.validate()
    return form


def _filters(form: CaseFilterForm) -> queries.CaseFilters:
    """The valid filters of the list form; an invalid one is ignored (the form shows its error)."""

    def valid(field) -> str | None:
        return field.data if field.data and not field.errors else None

    entity, tag = valid(form.entity), valid(form.tag)
    return queries.CaseFilters(
        state=valid(form.state),
        category=valid(form.category),
        country=valid(form.country),
        commodity=valid(form.commodity),
        entity_id=int(entity) if entity else None,
        tag_id=int(tag) if tag else None,
        urgent=bool(form.urgent.data),
        overdue=bool(form.overdue.data),
        mine=bool(form.mine.data),
        unassigned=bool(form.unassigned.data),
        due_week=bool(form.due_week.data),
        text=valid(form.q),
        locale=str(get_locale()),
        sort=form.sort.data,
    )


@staff.get("/cases")
@staff_required(CASEWORK)
def case_list():
    form = _filter_form()
    now = utcnow()
    page = page_number()
    cases, has_next = queries.page_of(queries.as_rows(queries.filtered(current_user, _filters(form), now)), page)
    arguments = {key: value for key, value in request.args.items() if key != "page"}
    may_bulk = current_user.is_in(CASE_STAFF)
    locale = str(get_locale())
    return render_template(
        "staff/case_list.html",
        form=form,
        cases=cases,
        page=page,
        has_next=has_next,
        arguments=arguments,
        sorting={key: value for key, value in arguments.items() if key != "sort"},
        sort=form.sort.data,
        now=now,
        labels=labels,
        saved=search.saved_filters(current_user),
        saved_form=search.SavedFilterForm(),
        bulk_form=bulk.BulkForm(bulk.officers(), tags.sorted_labels(locale)) if may_bulk else None,
        **_rows_extras(cases),
    )


@staff.get("/go")
@staff_required(CASEWORK)
def go():
    """The "go to reference" box of every staff page: an exact reference the reader may open → the case; anything
    else → the list, searched."""
    text = (request.args.get("q") or "").strip()[: search.QUERY_MAX]
    reference = search.reference_in(text)
    if reference:
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        if case is not None and access.can_view(case, current_user):
            return redirect(url_for("staff.case_page", reference=reference))
    return redirect(url_for("staff.case_list", q=text) if text else url_for("staff.case_list"))


@staff.get("/cases.csv")
@staff_required(CASEWORK)
def export_csv():
    form = _filter_form()
    filters = _filters(form)
    query = queries.filtered(current_user, filters, utcnow())
    arguments = urlencode(sorted((key, value) for key, value in request.args.items() if key != "page"))
    signals.cases_exported.send(current_user._get_current_object(), actor=current_user, filters=arguments[:500])
    locale = str(get_locale())
    tag_labels = {tag.id: tag.label(locale) for tag in tags.all_tags()}
    response = Response(stream_with_context(export.rows(query, locale, tag_labels)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="cases-{utcnow().date().isoformat()}.csv"'
    return response


@staff.post("/cases/bulk")
@staff_required(CASE_STAFF)
def bulk_action():
    locale = str(get_locale())
    form = bulk.BulkForm(bulk.officers(), tags.sorted_labels(locale))
    references = [value.upper() for value in request.form.getlist("case") if REFERENCE.fullmatch(value.upper())]
    if not form.validate_on_submit() or not references:
        if not references:
            form.form_errors.append(_("Select at least one case."))
        return render_template("staff/bulk_result.html", form=form, results=None, labels=labels), 400
    action = bulk.BulkAction(form.action.data)
    officer = db.session.get(User, int(form.officer.data)) if form.officer.data else None
    tag = db.session.get(tags.Tag, int(form.tag.data)) if form.tag.data else None
    results = bulk.apply(current_user, references, action, officer=officer, tag=tag)
    return render_template(
        "staff/bulk_result.html",
        form=form,
        results=results,
        action=action,
        officer=officer,
        tag_label=tag.label(locale) if tag else None,
        done=[result for result in results if result.done],
        refused=[result for result in results if not result.done],
        labels=labels,
    )


@staff.post("/cases/saved")
@staff_required(CASEWORK)
def save_filter():
    form = search.SavedFilterForm()
    arguments = {key: value for key, value in request.form.items() if key in _LIST_ARGUMENTS}
    if form.validate_on_submit():
        try:
            search.save_filter(current_user, form.name.data, arguments)
            flash(_("Filter saved."))
        except CaseworkRefused as refused:
            flash(str(bulk.REASONS[refused.reason]))
    else:
        flash(_("Give the filter a name."))
    return redirect(url_for("staff.case_list", **arguments))


@staff.post("/cases/saved/<int:filter_id>/delete")
@staff_required(CASEWORK)
def delete_filter(filter_id: int):
    if not FlaskForm().validate_on_submit() or not search.delete_filter(current_user, filter_id):
        abort(404)
    flash(_("Filter deleted."))
    return redirect(url_for("staff.case_list"))


_LIST_ARGUMENTS = frozenset(
    {"q", "state", "category", "country", "commodity", "entity", "tag", "mine", "unassigned", "urgent", "overdue",
     "due_week", "sort"}
)  # fmt: skip


@staff.route("/tags", methods=["GET", "POST"])
@staff_required({Role.SECRETARIAT})
def tag_admin():
    form = tags.TagForm.for_locales()()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            tags.create_tag(form.labels(), current_user)
            flash(_("Tag created."))
            return redirect(url_for("staff.tag_admin"))
        status = 400
    locale = str(get_locale())
    return (
        render_template(
            "staff/tags.html",
            form=form,
            tag_labels=tags.sorted_labels(locale),
            locales=LOCALES,
            all_tags=tags.all_tags(),
        ),
        status,
    )


@staff.post("/cases/<reference>/tags")
@staff_required(CASE_STAFF)
@with_case(tags.can_tag)
def tag_case(case: Case):
    form = tags.CaseTagForm(tags.sorted_labels(str(get_locale())))
    return submit(
        case,
        form,
        "tag_form",
        lambda: tags.add_tag(case, db.session.get(tags.Tag, int(form.tag.data)), current_user),
        "#tags",
        error_field=form.tag,
    )


@staff.post("/cases/<reference>/tags/<int:tag_id>/remove")
@staff_required(CASE_STAFF)
@with_case(tags.can_tag)
def untag_case(case: Case, tag_id: int):
    tag = db.session.get(tags.Tag, tag_id)
    if tag is None or not FlaskForm().validate_on_submit():
        abort(404)
    tags.remove_tag(case, tag, current_user)
    return back_to_case(case, "#tags")


@staff.post("/cases/<reference>/staff-summary")
@staff_required(CASE_STAFF)
@with_case(tags.can_tag)
def staff_summary(case: Case):
    form = search.StaffSummaryForm()
    return submit(
        case,
        form,
        "staff_summary_form",
        lambda: search.set_staff_summary(case, text_of(form.summary), current_user),
        "#tags",
        error_field=form.summary,
    )


def _active(roles) -> list[Row]:
    """(id, name, role) of the active accounts in ``roles``, by name, for a form's choices: plain rows, not accounts
    (their password hashes and TOTP secrets have no business in a choice list)."""
    query = select(User.id, User.name, User.role).where(User.role.in_(roles), User.active).order_by(User.name)
    return list(db.session.execute(query))


def _link_form(case: Case | None = None) -> LinkForm:
    companies = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.COMPANY)
        .order_by(Organisation.name)
    ).all()
    entities = SupplyChainEntity.choices()
    if case is None:
        return LinkForm(companies, entities)
    return LinkForm(
        companies,
        entities,
        respondent=str(case.respondent_organisation_id or ""),
        entities=[str(i) for i in case.entity_ids],
    )


def render_case(case: Case, status: int = 200, **forms):
    """The case page; ``forms`` carries a form that failed, so its errors and everything typed are shown again."""
    seats = access.case_seats(case)
    decisions = db.session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)).all()
    recusals = access.case_recusals(case)
    actions = access.actions_for(case, current_user)
    meetings = meetings_of(case)
    people = _active(COMMITTEE | {Role.SECRETARIAT})  # one query for the panel and the officer choices
    failed_action = forms.get("failed_action")
    can_record_commitments = remedy.can_record_commitments(case)
    entries = db.session.scalars(
        select(CaseEntry)
        .where(CaseEntry.case_id == case.id)
        .options(selectinload(CaseEntry.author))
        .order_by(CaseEntry.id)
    ).all()
    # Every file of the case hangs from an entry, and the entries come with their files: the mandate and the photos
    # are picked from those, not read again.
    attachments = sorted((file for entry in entries for file in entry.attachments), key=lambda file: file.id)
    return (
        render_template(
            "staff/case.html",
            case=case,
            labels=labels,
            now=utcnow(),
            entries=entries,
            attachments=attachments,
            seats=seats,
            decisions=decisions,
            recusals=recusals,
            can_manage=access.can_manage(case, current_user),
            can_note=access.can_write_internal(case, current_user),
            can_see_identity=access.can_view_identity(case, current_user),
            can_suspend=access.can_suspend(case, current_user),
            message_form=forms.get("message_form") or MessageForm(),
            note_form=forms.get("note_form") or NoteForm(),
            action_forms={
                action: (
                    forms["action_form"]
                    if action == failed_action
                    else ActionForm(prefix=action, tells_complainant=TRANSITIONS[action].tells_complainant)
                )
                for action in actions
            },
            transitions=TRANSITIONS,
            Ask=Ask,
            panel_form=forms.get("panel_form") or PanelSeatForm([u for u in people if u.role in COMMITTEE]),
            link_form=forms.get("link_form") or _link_form(case),
            assign_form=forms.get("assign_form")
            or AssignForm(
                [u for u in people if u.role == Role.SECRETARIAT], officer=str(case.assigned_officer_id or "")
            ),
            summary_form=forms.get("summary_form") or SummaryForm(summary=case.company_summary),
            monitoring_form=forms.get("monitoring_form") or MonitoringForm(),
            commitments=Commitment.of_case(case.id),
            # Built only where it is shown: its instalment rows are a dozen subforms (6% of the page).
            commitment_form=forms.get("commitment_form") or (CommitmentForm() if can_record_commitments else None),
            can_record_commitments=can_record_commitments,
            findings=forms.get("findings") or {},
            urgency_form=forms.get("urgency_form") or UrgencyForm(urgent="0" if case.urgent else "1"),
            mandate_documents=[file for file in attachments if file.purpose == AttachmentPurpose.MANDATE]
            if case.is_representative
            else [],
            mandate_verify_form=forms.get("mandate_verify_form") or MandateVerifyForm(),
            mandate_request_form=forms.get("mandate_request_form") or MandateRequestForm(),
            identity=forms.get("identity"),
            failed_action=failed_action,
            quorum_help=forms.get("quorum_help", False),
            meetings=meetings,
            meeting_kinds=labels.MEETING_KINDS,
            case_tag_ids=tags.tags_of([case.id]).get(case.id, []),
            tag_names=dict(tags.sorted_labels(str(get_locale()))),
            tag_form=forms.get("tag_form") or tags.CaseTagForm(tags.sorted_labels(str(get_locale()))),
            staff_summary_form=forms.get("staff_summary_form")
            or search.StaffSummaryForm(formdata=None, summary=case.staff_summary or ""),
            can_tag=tags.can_tag(case, current_user),
            vote_choices=labels.VOTES,
            outcomes=Outcome,
        ),
        status,
    )


def back_to_case(case: Case, anchor: str = ""):
    return redirect(url_for("staff.case_page", reference=case.reference) + anchor)


def submit(
    case: Case,
    form: FlaskForm,
    again: str | Callable[[int], object],
    apply: Callable[[], object],
    anchor: str = "",
    error_field=None,
):
    """The one way a case's form is handled: invalid → the form again with its errors (400); refused by the rules →
    the form again with the reason (409); done → back to the case. Nothing typed is lost. ``again`` is where the form
    is shown again: its name on the case page, or a function that renders the form's own page with a status
    (cases/meeting_views.py)."""

    def shown_again(status: int):
        return render_case(case, status, **{again: form}) if isinstance(again, str) else again(status)

    if not form.validate_on_submit():
        return shown_again(400)
    try:
        apply()
    except CaseworkRefused as refused:
        errors = error_field.errors if error_field is not None else form.form_errors
        errors.append(str(labels.CASEWORK_REASONS[refused.reason]))
        return shown_again(409)
    return back_to_case(case, anchor)


@staff.get("/cases/<reference>")
@staff_required(CASEWORK)
@with_case()
def case_page(case: Case):
    return render_case(case)


@staff.post("/cases/<reference>/identity")
@staff_required(CASE_STAFF)
@with_case(access.can_view_identity)
def show_identity(case: Case):
    return render_case(case, identity=casework.record_identity_view(case, current_user))


@staff.post("/cases/<reference>/message")
@staff_required(CASEWORK)
@with_case(access.can_manage)
def send_message(case: Case):
    form = MessageForm()

    def send():
        casework.send_message(case, current_user, text_of(form.text), text_of(form.translation))
        flash(_("Your message was sent to the complainant."))

    return submit(case, form, "message_form", send, "#timeline")


@staff.post("/cases/<reference>/note")
@staff_required(CASEWORK)
@with_case(access.can_write_internal)
def add_note(case: Case):
    form = NoteForm()
    return submit(
        case, form, "note_form", lambda: casework.add_internal_note(case, current_user, text_of(form.note)), "#timeline"
    )


@staff.post("/cases/<reference>/entries/<int:entry_id>/translation")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def set_translation(case: Case, entry_id: int):
    entry = db.session.get(CaseEntry, entry_id)
    if entry is None or entry.case_id != case.id:
        abort(404)
    form = TranslationForm()
    if form.validate_on_submit():
        casework.set_working_translation(entry, current_user, text_of(form.translation))
    return back_to_case(case, f"#entry-{entry.id}")


def _votes_from_request(case: Case, panel: PanelKind | None) -> dict[int, VoteChoice]:
    if panel is None:
        return {}
    votes = {}
    for seat in db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.panel == panel)):
        choice = request.form.get(f"vote-{seat.user_id}")
        if choice in {c.value for c in VoteChoice}:
            votes[seat.user_id] = VoteChoice(choice)
    return votes


def _merge_target(text: str | None) -> Case | None:
    reference = (text or "").upper()
    if not REFERENCE.fullmatch(reference):
        return None
    target = db.session.scalar(select(Case).where(Case.reference == reference))
    return target if target is not None and access.can_view(target, current_user) else None


@staff.post("/cases/<reference>/actions/<action>")
@staff_required(CASEWORK)
@with_case()
def act(case: Case, action: str):
    try:
        action = Action(action)
    except ValueError:
        abort(404)
    if not access.can_take(case, current_user, action):
        abort(403)
    transition = TRANSITIONS[action]
    form = ActionForm(prefix=action, tells_complainant=transition.tells_complainant)
    if not form.validate_on_submit():
        return render_case(case, 400, action_form=form, failed_action=action)
    given = ActionInput(
        reasons=text_of(form.reasons),
        reasons_translation=text_of(form.reasons_translation),
        message=text_of(form.message),
        message_translation=text_of(form.message_translation),
        outcome=Outcome(form.outcome.data) if form.outcome.data else None,
        referral=text_of(form.referral),
        public_summary=text_of(form.public_summary),
        votes=_votes_from_request(case, transition.panel),
        merge_target=_merge_target(text_of(form.merge_target)) if Ask.MERGE_TARGET in transition.asks else None,
    )
    try:
        take_action(case, action, current_user, current_user.account_role, locale=None, given=given)
    except InvalidTransition as refused:
        quorum_help = False
        for reason in refused.reasons or ("reasons",):
            form.form_errors.append(str(labels.GUARD_REASONS.get(reason, reason)))
            if reason in labels.QUORUM_GUARDS:  # say what is missing, and where to seat an alternate
                panel = labels.QUORUM_GUARDS[reason]
                form.form_errors.extend(labels.quorum_explanation(quorum_problems(case, panel), panel))
                quorum_help = True
        return render_case(case, 409, action_form=form, failed_action=action, quorum_help=quorum_help)
    flash(_("Done: %(action)s.", action=labels.ACTIONS[action]))
    return back_to_case(case)


@staff.post("/cases/<reference>/panel")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def seat_member(case: Case):
    form = PanelSeatForm(_active(COMMITTEE))

    def seat():
        member = db.session.get(User, int(form.user_id.data))
        casework.seat_panel_member(case, member, SeatKind(form.seat.data), PanelKind(form.panel.data), current_user)

    return submit(case, form, "panel_form", seat, "#panel", error_field=form.user_id)


@staff.post("/cases/<reference>/links")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def link(case: Case):
    form = _link_form()
    if not form.validate_on_submit():
        return render_case(case, 400, link_form=form)
    respondent = int(form.respondent.data) if form.respondent.data else None
    casework.link_case(case, current_user, respondent, [int(value) for value in form.entities.data or []])
    if not access.can_view(case, current_user):
        flash(_("You are tied to what this case now names, so you are recused from it."))
        return redirect(url_for("staff.dashboard"))
    return back_to_case(case, "#links")


@staff.post("/cases/<reference>/assign")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def assign(case: Case):
    form = AssignForm(_active({Role.SECRETARIAT}))

    def assign_officer():
        officer = db.session.get(User, int(form.officer.data)) if form.officer.data else None
        casework.assign_officer(case, officer, current_user)

    return submit(case, form, "assign_form", assign_officer, error_field=form.officer)


@staff.post("/cases/<reference>/company-summary")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def company_summary(case: Case):
    form = SummaryForm()
    return submit(
        case,
        form,
        "summary_form",
        lambda: casework.write_company_summary(case, current_user, form.summary.data),
        "#company",
    )


@staff.post("/cases/<reference>/suspension")
@staff_required({Role.CHAIR})
@with_case(access.can_suspend)
def suspension(case: Case):
    set_suspended(case, request.form.get("suspend") == "1", current_user)
    return back_to_case(case)


@staff.post("/cases/<reference>/urgency")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def urgency(case: Case):
    form = UrgencyForm()
    return submit(
        case,
        form,
        "urgency_form",
        lambda: set_urgency(case, form.urgent.data == "1", text_of(form.reason) or "", current_user),
        "#clocks",
        error_field=form.reason,
    )


@staff.post("/cases/<reference>/mandate/verify")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def verify_mandate(case: Case):
    form = MandateVerifyForm()
    return submit(
        case, form, "mandate_verify_form", lambda: mandates.verify_mandate(case, current_user), "#representation"
    )


@staff.post("/cases/<reference>/mandate/request")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def request_mandate(case: Case):
    form = MandateRequestForm()

    def ask():
        mandates.request_more(case, current_user, text_of(form.text), text_of(form.translation))
        flash(_("Your request was sent to the representative."))

    return submit(case, form, "mandate_request_form", ask, "#representation", error_field=form.text)


def _findings_from_request(case: Case) -> dict[int, Finding]:
    """The check-in's mark for each commitment of the case (``status-<id>``, ``note-<id>``); unmarked ones are left
    out, so the operation can refuse a check-in that skips one that is due."""
    findings = {}
    for commitment in Commitment.of_case(case.id):
        status = request.form.get(f"status-{commitment.id}")
        if status in {s.value for s in CommitmentStatus}:
            note = (request.form.get(f"note-{commitment.id}") or "").strip()[:20_000]
            findings[commitment.id] = Finding(CommitmentStatus(status), note or None)
    return findings


@staff.post("/cases/<reference>/monitoring")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def monitoring_check(case: Case):
    form = MonitoringForm()
    findings = _findings_from_request(case)
    if not form.validate_on_submit():
        return render_case(case, 400, monitoring_form=form, findings=findings)
    try:
        record_monitoring_check(case, current_user, text_of(form.note), findings)
    except CaseworkRefused as refused:
        form.note.errors.append(str(labels.CASEWORK_REASONS[refused.reason]))
        return render_case(case, 409, monitoring_form=form, findings=findings)
    return back_to_case(case, "#commitments")


@staff.post("/cases/<reference>/commitments")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def add_commitment(case: Case):
    form = CommitmentForm()

    def add():
        remedy.add_commitments(
            case,
            current_user,
            form.what.data or "",
            [remedy.Instalment(due_on, amount) for due_on, amount in form.rows()],
            owed_by=text_of(form.other_party) if form.owed_by.data == "other" else None,
            currency=form.currency.data,
        )

    return submit(case, form, "commitment_form", add, "#commitments", error_field=form.what)


@staff.post("/cases/<reference>/commitments/<int:commitment_id>/remove")
@staff_required(CASE_STAFF)
@with_case(access.can_manage)
def remove_commitment(case: Case, commitment_id: int):
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.case_id != case.id:
        abort(404)
    try:
        remedy.remove_commitment(case, commitment, current_user)
    except CaseworkRefused as refused:
        flash(str(labels.CASEWORK_REASONS[refused.reason]))
    return back_to_case(case, "#commitments")


@staff.get("/cases/<reference>/attachments/<int:attachment_id>")
@staff_required(CASEWORK)
@with_case()
def download(case: Case, attachment_id: int):
    """Decrypted on the fly for an authorised person, always as a download, never from a static path."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.entry.case_id != case.id or not may_download(attachment, current_user):
        abort(404)
    casework.record_download(attachment, current_user)
    return send_attachment(attachment)
