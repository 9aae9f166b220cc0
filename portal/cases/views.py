"""Staff pages for the secretariat and the committee: dashboard, case list, case page and its forms.

Each view: load → permission check (portal/cases/access.py) → form → one operation → redirect. The request
commits in portal/core/setup.py.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, select, union
from sqlalchemy.orm import lazyload, selectinload

from portal.cases import access, casework, labels
from portal.cases.attachments import send_attachment
from portal.cases.committee import Decision, PanelKind, PanelSeat, Recusal, SeatKind, VoteChoice
from portal.cases.forms import (
    ActionForm,
    AssignForm,
    CaseFilterForm,
    LinkForm,
    MessageForm,
    MonitoringForm,
    NoteForm,
    PanelSeatForm,
    SummaryForm,
    TranslationForm,
)
from portal.cases.models import Attachment, Case, CaseCategory, CaseEntity, CaseEntry
from portal.cases.operations import ActionInput, record_monitoring_check, set_suspended, take_action
from portal.cases.workflow import FINAL_STATES, TRANSITIONS, Action, InvalidTransition, Outcome
from portal.core.auth import staff_required
from portal.core.db import utcnow
from portal.core.forms import text_of
from portal.core.roles import CASE_STAFF, CASEWORK, COMMITTEE, Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind, SupplyChainEntity
from portal.users.models import User

staff = Blueprint("staff", __name__, url_prefix="/staff")
PAGE_SIZE = 50
DASHBOARD_ROWS = 20


def _list_query(where=None):
    """Cases this user may see, without loading their relations (lists show only plain columns)."""
    query = (
        select(Case)
        .where(access.visible_cases(current_user))
        .options(lazyload(Case.category_rows), lazyload(Case.entity_links))
    )
    return query.where(where) if where is not None else query


@staff.get("/")
@staff_required(CASEWORK)
def dashboard():
    now = utcnow()
    open_cases = Case.state.notin_(FINAL_STATES)
    # A union of two index lookups; an OR across the two would scan every case.
    mine = Case.id.in_(
        union(
            select(Case.id).where(Case.assigned_officer_id == current_user.id),
            select(PanelSeat.case_id).where(PanelSeat.user_id == current_user.id),
        )
    )
    sections = {
        "mine": (_("My cases"), _list_query(open_cases & mine).order_by(Case.next_due_at)),
        "overdue": (_("Overdue"), _list_query(open_cases & (Case.next_due_at < now)).order_by(Case.next_due_at)),
        "due": (
            _("Due this week"),
            _list_query(open_cases & Case.next_due_at.between(now, now + timedelta(days=7))).order_by(Case.next_due_at),
        ),
        "urgent": (_("Urgent"), _list_query(open_cases & Case.urgent).order_by(Case.next_due_at)),
        "unassigned": (
            _("Unassigned"),
            _list_query(open_cases & Case.assigned_officer_id.is_(None)).order_by(Case.created_at),
        ),
    }
    tables = {
        key: (title, db.session.scalars(query.limit(DASHBOARD_ROWS)).all()) for key, (title, query) in sections.items()
    }
    return render_template("staff/dashboard.html", tables=tables, now=now, labels=labels)


@staff.get("/cases")
@staff_required(CASEWORK)
def case_list():
    entities = db.session.scalars(select(SupplyChainEntity).order_by(SupplyChainEntity.name)).all()
    form = CaseFilterForm(entities, formdata=request.args)
    form.validate()
    where = []
    if form.state.data and not form.state.errors:
        where.append(Case.state == form.state.data)
    if form.category.data and not form.category.errors:
        # EXISTS probes the (case_id, category) key per case, so the state/date index drives and LIMIT stops early.
        where.append(exists().where(CaseCategory.case_id == Case.id, CaseCategory.category == form.category.data))
    if form.country.data:
        where.append(Case.country == form.country.data.upper())
    if form.commodity.data and not form.commodity.errors:
        where.append(Case.commodity == form.commodity.data)
    if form.entity.data and not form.entity.errors:
        where.append(exists().where(CaseEntity.case_id == Case.id, CaseEntity.entity_id == int(form.entity.data)))
    if form.urgent.data:
        where.append(Case.urgent)
    if form.overdue.data:
        where.append(Case.next_due_at < utcnow())
    query = _list_query()
    for clause in where:
        query = query.where(clause)
    order = {
        "newest": (Case.created_at.desc(), Case.id.desc()),
        "oldest": (Case.created_at, Case.id),
        "due": (Case.next_due_at, Case.id),
    }[form.sort.data]
    page = max(request.args.get("page", 1, type=int), 1)
    # One row more than a page tells whether a next page exists; no COUNT over every matching case, which
    # would grow with the database (bench: the list's p50 doubled from 10,000 to 100,000 cases with it).
    rows = db.session.scalars(query.order_by(*order).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    cases, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    arguments = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "staff/case_list.html",
        form=form,
        cases=cases,
        page=page,
        has_next=has_next,
        arguments=arguments,
        now=utcnow(),
        labels=labels,
    )


def load_case(reference: str) -> Case:
    """The case, if this user may see it; otherwise a 404 that does not even confirm that it exists."""
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None or not access.can_view(case, current_user):
        abort(404)
    return case


@staff.get("/cases/<reference>")
@staff_required(CASEWORK)
def case_page(reference: str):
    case = load_case(reference)
    return render_case(case)


def render_case(case: Case, status: int = 200, **forms):
    companies = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY).order_by(Organisation.name)
    ).all()
    entities = db.session.scalars(select(SupplyChainEntity).order_by(SupplyChainEntity.name)).all()
    committee = db.session.scalars(select(User).where(User.role.in_(COMMITTEE), User.active).order_by(User.name)).all()
    officers = db.session.scalars(
        select(User).where(User.role == Role.SECRETARIAT, User.active).order_by(User.name)
    ).all()
    link_form = forms.get("link_form") or LinkForm(
        companies,
        entities,
        respondent=str(case.respondent_organisation_id or ""),
        entities=[str(i) for i in case.entity_ids],
    )
    seats = db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id).order_by(PanelSeat.id)).all()
    decisions = db.session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)).all()
    recusals = db.session.scalars(select(Recusal).where(Recusal.case_id == case.id)).all()
    return (
        render_template(
            "staff/case.html",
            case=case,
            labels=labels,
            now=utcnow(),
            entries=db.session.scalars(
                select(CaseEntry)
                .where(CaseEntry.case_id == case.id)
                .options(selectinload(CaseEntry.author))
                .order_by(CaseEntry.id)
            ).all(),
            seats=seats,
            decisions=decisions,
            recusals=recusals,
            actions=access.actions_for(case, current_user),
            can_manage=access.can_manage(case, current_user),
            can_note=access.can_write_internal(case, current_user),
            can_see_identity=access.can_view_identity(case, current_user),
            message_form=forms.get("message_form") or MessageForm(),
            note_form=forms.get("note_form") or NoteForm(),
            action_forms={
                action: (forms["action_form"] if action == forms.get("failed_action") else ActionForm(prefix=action))
                for action in access.actions_for(case, current_user)
            },
            transitions=TRANSITIONS,
            panel_form=forms.get("panel_form") or PanelSeatForm(committee),
            link_form=link_form,
            assign_form=forms.get("assign_form") or AssignForm(officers, officer=str(case.assigned_officer_id or "")),
            summary_form=forms.get("summary_form") or SummaryForm(summary=case.company_summary),
            monitoring_form=forms.get("monitoring_form") or MonitoringForm(),
            translation_form=TranslationForm(),
            identity=forms.get("identity"),
            vote_choices=labels.VOTES,
            outcomes=Outcome,
        ),
        status,
    )


def _back(case: Case, anchor: str = ""):
    return redirect(url_for("staff.case_page", reference=case.reference) + anchor)


@staff.post("/cases/<reference>/identity")
@staff_required(CASE_STAFF)
def show_identity(reference: str):
    case = load_case(reference)
    if not access.can_view_identity(case, current_user):
        abort(403)
    identity = casework.record_identity_view(case, current_user)
    return render_case(case, identity=identity)


@staff.post("/cases/<reference>/message")
@staff_required(CASEWORK)
def send_message(reference: str):
    case = load_case(reference)
    if not access.can_manage(case, current_user):
        abort(403)
    form = MessageForm()
    if not form.validate_on_submit():
        return render_case(case, 400, message_form=form)
    casework.send_message(case, current_user, text_of(form.text), text_of(form.translation))
    flash(_("Your message was sent to the complainant."))
    return _back(case, "#timeline")


@staff.post("/cases/<reference>/note")
@staff_required(CASEWORK)
def add_note(reference: str):
    case = load_case(reference)
    if not access.can_write_internal(case, current_user):
        abort(403)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_case(case, 400, note_form=form)
    casework.add_internal_note(case, current_user, text_of(form.note))
    return _back(case, "#timeline")


@staff.post("/cases/<reference>/entries/<int:entry_id>/translation")
@staff_required(CASE_STAFF)
def set_translation(reference: str, entry_id: int):
    case = load_case(reference)
    entry = db.session.get(CaseEntry, entry_id)
    if entry is None or entry.case_id != case.id or not access.can_manage(case, current_user):
        abort(404)
    form = TranslationForm()
    if form.validate_on_submit():
        casework.set_working_translation(entry, current_user, text_of(form.translation))
    return _back(case, f"#entry-{entry.id}")


def _votes_from_request(case: Case, panel: PanelKind) -> dict[int, VoteChoice]:
    votes = {}
    for seat in db.session.scalars(select(PanelSeat).where(PanelSeat.case_id == case.id, PanelSeat.panel == panel)):
        choice = request.form.get(f"vote-{seat.user_id}")
        if choice in {c.value for c in VoteChoice}:
            votes[seat.user_id] = VoteChoice(choice)
    return votes


@staff.post("/cases/<reference>/actions/<action>")
@staff_required(CASEWORK)
def act(reference: str, action: str):
    case = load_case(reference)
    try:
        action = Action(action)
    except ValueError:
        abort(404)
    if not access.can_take(case, current_user, action):
        abort(403)
    form = ActionForm(prefix=action)
    if not form.validate_on_submit():
        return render_case(case, 400, action_form=form, failed_action=action)
    merge_target = None
    if form.merge_target.data:
        merge_target = db.session.scalar(select(Case).where(Case.reference == text_of(form.merge_target).upper()))
        if merge_target is not None and not access.can_view(merge_target, current_user):
            merge_target = None
    panel = PanelKind.REVIEW if action in (Action.CONFIRM, Action.REVISE) else PanelKind.ORIGINAL
    given = ActionInput(
        reasons=text_of(form.reasons),
        reasons_translation=text_of(form.reasons_translation),
        message=text_of(form.message),
        message_translation=text_of(form.message_translation),
        outcome=Outcome(form.outcome.data) if form.outcome.data else None,
        referral=text_of(form.referral),
        public_summary=text_of(form.public_summary),
        votes=_votes_from_request(case, panel),
        merge_target=merge_target,
    )
    try:
        take_action(case, action, current_user, current_user.account_role, locale=None, given=given)
    except InvalidTransition as refused:
        for reason in refused.reasons or ("reasons",):
            form.form_errors.append(str(labels.GUARD_REASONS.get(reason, reason)))
        return render_case(case, 409, action_form=form, failed_action=action)
    flash(_("Done: %(action)s.", action=labels.ACTIONS[action]))
    return _back(case)


@staff.post("/cases/<reference>/panel")
@staff_required(CASE_STAFF)
def seat_member(reference: str):
    case = load_case(reference)
    if not access.can_manage(case, current_user):
        abort(403)
    committee = db.session.scalars(select(User).where(User.role.in_(COMMITTEE), User.active)).all()
    form = PanelSeatForm(committee)
    if not form.validate_on_submit():
        return render_case(case, 400, panel_form=form)
    member = db.session.get(User, int(form.user_id.data))
    try:
        casework.seat_panel_member(case, member, SeatKind(form.seat.data), PanelKind(form.panel.data), current_user)
    except casework.CaseworkRefused as refused:
        form.user_id.errors.append(str(labels.CASEWORK_REASONS[refused.reason]))
        return render_case(case, 409, panel_form=form)
    return _back(case, "#panel")


@staff.post("/cases/<reference>/links")
@staff_required(CASE_STAFF)
def link(reference: str):
    case = load_case(reference)
    if not access.can_manage(case, current_user):
        abort(403)
    companies = db.session.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY)).all()
    entities = db.session.scalars(select(SupplyChainEntity)).all()
    form = LinkForm(companies, entities)
    if not form.validate_on_submit():
        return render_case(case, 400, link_form=form)
    respondent = int(form.respondent.data) if form.respondent.data else None
    casework.link_case(case, current_user, respondent, [int(value) for value in form.entities.data or []])
    if not access.can_view(case, current_user):
        flash(_("You are tied to what this case now names, so you are recused from it."))
        return redirect(url_for("staff.dashboard"))
    return _back(case, "#links")


@staff.post("/cases/<reference>/assign")
@staff_required(CASE_STAFF)
def assign(reference: str):
    case = load_case(reference)
    if not access.can_manage(case, current_user):
        abort(403)
    officers = db.session.scalars(select(User).where(User.role == Role.SECRETARIAT, User.active)).all()
    form = AssignForm(officers)
    if not form.validate_on_submit():
        return render_case(case, 400, assign_form=form)
    officer = db.session.get(User, int(form.officer.data)) if form.officer.data else None
    try:
        casework.assign_officer(case, officer, current_user)
    except casework.CaseworkRefused as refused:
        form.officer.errors.append(str(labels.CASEWORK_REASONS[refused.reason]))
        return render_case(case, 409, assign_form=form)
    return _back(case)


@staff.post("/cases/<reference>/company-summary")
@staff_required(CASE_STAFF)
def company_summary(reference: str):
    case = load_case(reference)
    if not access.can_manage(case, current_user):
        abort(403)
    form = SummaryForm()
    if not form.validate_on_submit():
        return render_case(case, 400, summary_form=form)
    casework.write_company_summary(case, current_user, form.summary.data)
    return _back(case, "#company")


@staff.post("/cases/<reference>/suspension")
@staff_required({Role.CHAIR})
def suspension(reference: str):
    case = load_case(reference)
    set_suspended(case, request.form.get("suspend") == "1", current_user)
    return _back(case)


@staff.post("/cases/<reference>/monitoring")
@staff_required(CASE_STAFF)
def monitoring_check(reference: str):
    case = load_case(reference)
    form = MonitoringForm()
    if not access.can_manage(case, current_user):
        abort(403)
    if not form.validate_on_submit():
        return render_case(case, 400, monitoring_form=form)
    try:
        record_monitoring_check(case, current_user, text_of(form.note))
    except InvalidTransition:
        abort(409)
    return _back(case)


@staff.get("/cases/<reference>/attachments/<int:attachment_id>")
@staff_required(CASEWORK)
def download(reference: str, attachment_id: int):
    """Decrypted on the fly for an authorised person, always as a download, never from a static path."""
    case = load_case(reference)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.entry.case_id != case.id:
        abort(404)
    casework.record_download(attachment, current_user)
    return send_attachment(attachment)
