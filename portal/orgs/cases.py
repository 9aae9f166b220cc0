"""An organisation's own cases ("Our cases", ``/org/cases``) and its theme trackers (``/org/trackers``).

Members only: an account with the role ``organisation`` and an ``organisation_id``. Their organisation's cases are
those it filed (``Case.filed_by_organisation_id``); any other case answers 404, never 403, so its existence is not
confirmed. On its own case a member reads and does what the complainant can, through the very operations the
follow-up page calls (``portal/intake/operations.py``), with the member as the actor in the audit trail. For
every other case a tracker shows only what the public register shows (``portal/transparency/queries.py``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from werkzeug.datastructures import FileStorage
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Optional

from portal.cases.commitments import Commitment
from portal.cases.committee import Decision
from portal.cases.forms import CaseFilterForm, keyed_choices
from portal.cases.labels import (
    CATEGORIES,
    COMMITMENT_FOR_COMPLAINANT,
    COMMODITIES,
    MANDATE_FOR_COMPLAINANT,
    OUTCOMES,
    STATE_FOR_COMPLAINANT,
)
from portal.cases.loading import REFERENCE
from portal.cases.models import Case, CaseCategory, CaseEntity, CaseEntry, EntryKind
from portal.cases.workflow import FINAL_STATES, Action, State
from portal.core import signals
from portal.core.auth import staff_required
from portal.core.db import upsert, utcnow
from portal.core.errors import keeps_typed_text
from portal.core.forms import REQUIRED, MaxLength, OneOfChoices, QuickSelect, error_links, options
from portal.core.i18n import countries, country_name, words
from portal.core.roles import Role
from portal.core.routing import page_number
from portal.extensions import db
from portal.intake import operations, throttle
from portal.intake.forms import ReplyForm, ReviewRequestForm
from portal.intake.progress import case_progress, next_step, open_question
from portal.media.uploads import ACCEPT_ATTRIBUTE, UploadRejected, prepare_uploads
from portal.organisations.models import SupplyChainEntity
from portal.orgs.trackers import (
    ChangeKind,
    OrgCaseRead,
    Tracker,
    last_seen,
    mark_seen,
    theme_view,
    trackers_of,
)
from portal.transparency import queries as register
from portal.transparency.labels import STAGES as REGISTER_STAGES
from portal.users.models import User

org_cases = Blueprint("org_cases", __name__, url_prefix="/org")

MEMBERS = frozenset({Role.ORGANISATION})
# What of a case's timeline the filing organisation reads: what the complainant reads, and what the committee wrote
# for the organisation ("organisation", the visibility of committee <-> organisation messages). Defined once here.
ORG_VISIBLE = ("complainant", "organisation")
PAGE_SIZE = 25
# The first visit to a tracker lists the changes of the last 30 days.
FIRST_VISIT_WINDOW = timedelta(days=30)


def members_only(view):
    """Signed in with both factors as a member of an organisation; anyone else 403 (anonymous: to the login)."""

    @staff_required(MEMBERS)
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.organisation_id is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def acting(member: User | None = None) -> User:
    """The member who acts: the signed-in one on these pages, a token's owner in the JSON API (portal/api/org.py),
    which passes it. Every rule below takes it, so both read and act under the very same conditions."""
    return member if member is not None else current_user._get_current_object()


def ours(member: User | None = None) -> ColumnElement[bool]:
    """The cases of the member's organisation."""
    return Case.filed_by_organisation_id == acting(member).organisation_id


def our_case(reference: str, member: User | None = None) -> Case:
    """The organisation's case by reference; 404 for any other (or a malformed reference)."""
    if not REFERENCE.fullmatch(reference or ""):
        abort(404)
    case = db.session.scalar(select(Case).where(Case.reference == reference, ours(member)))
    if case is None:
        abort(404)
    return case


# --- "Our cases" -------------------------------------------------------------------------------------------------


def _from_committee() -> ColumnElement[bool]:
    """A message the committee wrote to the complainant's side: a message, or a question."""
    return and_(
        CaseEntry.visibility.in_(ORG_VISIBLE),
        or_(
            CaseEntry.kind == EntryKind.TO_COMPLAINANT,
            and_(CaseEntry.kind == EntryKind.STATE_CHANGE, CaseEntry.new_state == State.INFO_REQUESTED),
        ),
    )


@dataclass(frozen=True)
class OurCase:
    """A row of "Our cases" (the page, its CSV and the JSON API): the few plain values each prints."""

    case_id: int
    reference: str
    state: str
    received: datetime
    categories: tuple[str, ...]
    country: str
    commodity: str
    state_words: object
    next_sentence: object | None
    next_date: datetime | None
    days_overdue: int
    unread: int
    question: bool


@dataclass(frozen=True)
class OurFilters:
    """The dashboard's filters as plain values (the page's form and the API's query both give them)."""

    state: str | None = None
    category: str | None = None
    country: str | None = None
    commodity: str | None = None
    entity: int | None = None
    overdue: bool = False


def our_conditions(filters: OurFilters, now: datetime, member: User | None = None) -> list[ColumnElement[bool]]:
    """The organisation's cases matching ``filters``: always ``ours`` first, whatever else is asked."""
    found: list[ColumnElement[bool]] = [ours(member)]
    if filters.state:
        found.append(Case.state == filters.state)
    if filters.category:
        found.append(exists().where(CaseCategory.case_id == Case.id, CaseCategory.category == filters.category))
    country = (filters.country or "").strip().upper()
    if len(country) == 2 and country.isalpha():
        found.append(Case.country == country)
    if filters.commodity:
        found.append(Case.commodity == filters.commodity)
    if filters.entity is not None:
        found.append(exists().where(CaseEntity.case_id == Case.id, CaseEntity.entity_id == filters.entity))
    if filters.overdue:
        found.append(Case.next_due_at < now)
    return found


def _filters(form: CaseFilterForm, now: datetime) -> list[ColumnElement[bool]]:
    """The valid filters of the page's form; an invalid one is ignored (the form shows its error)."""

    def valid(field) -> str | None:
        return field.data if field.data and not field.errors else None

    entity = valid(form.entity)
    filters = OurFilters(
        state=valid(form.state),
        category=valid(form.category),
        country=form.country.data,
        commodity=valid(form.commodity),
        entity=int(entity) if entity and str(entity).isdigit() else None,
        overdue=bool(form.overdue.data),
    )
    return our_conditions(filters, now)


def _filter_form() -> CaseFilterForm:
    locale = str(get_locale())
    # Staff tags are the secretariat's own words about a case: an organisation filters by none (and sees none).
    form = CaseFilterForm(SupplyChainEntity.choices(), (), locale, formdata=request.args)
    # The state in the complainant's words, as the rest of the page says it, under a key of its own: under the
    # staff list's, the kept options would be the staff's state names.
    said = {state: words_[0] for state, words_ in STATE_FOR_COMPLAINANT.items()}
    keyed_choices(form.state, ("complainant-states-any", locale), lambda: [("", _("Any")), *words(said).items()])
    form.validate()
    return form


# What a row, its CSV line and its "what comes next" (portal/intake/progress.py) read of a case, as plain rows, not
# cases: a case object costs ~40 µs to build even with only these columns loaded, a row ~8 (as the staff lists,
# portal/cases/queries.as_rows). ``is_open`` is the property next_step reads, said in SQL.
_ROW_COLUMNS = (
    Case.id, Case.reference, Case.state, Case.created_at, Case.country, Case.commodity, Case.urgent, Case.paused_at,
    Case.state_before_question, Case.next_due_at, Case.acknowledge_due_at, Case.triage_due_at,
    Case.admissibility_due_at, Case.company_response_due_at, Case.feedback_due_at, Case.decision_due_at,
    Case.review_window_due_at, Case.monitoring_due_at, Case.info_request_due_at,
    Case.state.notin_(FINAL_STATES).label("is_open"),
)  # fmt: skip


def our_row(case, categories: tuple[str, ...], unread: int, now: datetime) -> OurCase:
    """One row from a case or a plain row of ``_ROW_COLUMNS``: the list and a case's JSON say it the same way."""
    sentence, next_date = next_step(case)
    due = case.next_due_at
    return OurCase(
        case_id=case.id,
        reference=case.reference,
        state=case.state,
        received=case.created_at,
        categories=categories,
        country=case.country,
        commodity=case.commodity,
        state_words=STATE_FOR_COMPLAINANT[State(case.state)][0],
        next_sentence=sentence,
        next_date=next_date,
        days_overdue=max(1, (now - due).days) if due is not None and due < now else 0,
        unread=unread,
        question=case.state == State.INFO_REQUESTED,
    )


def our_cases(
    conditions: list[ColumnElement[bool]],
    now: datetime,
    page: int | None,
    member: User | None = None,
    size: int = PAGE_SIZE,
) -> list[OurCase]:
    """The rows (one more than ``size``: another page follows), with what each prints, in a fixed number of
    queries (rows, categories, unread counts), whatever the number of rows.
    Unread counts are the ``member``'s own."""
    reader = acting(member)
    stmt = select(*_ROW_COLUMNS).where(*conditions).order_by(Case.id.desc())
    if page is not None:
        stmt = stmt.limit(size + 1).offset((page - 1) * size)
    cases = db.session.execute(stmt).all()
    ids = [case.id for case in cases]
    unread: dict[int, int] = {}
    categories: dict[int, list[str]] = {}
    if ids:
        read_up_to = func.coalesce(OrgCaseRead.last_entry_id, 0)
        counted = (
            select(CaseEntry.case_id, func.count())
            .outerjoin(OrgCaseRead, and_(OrgCaseRead.case_id == CaseEntry.case_id, OrgCaseRead.user_id == reader.id))
            .where(CaseEntry.case_id.in_(ids), _from_committee(), CaseEntry.id > read_up_to)
            .group_by(CaseEntry.case_id)
        )
        unread = {case_id: count for case_id, count in db.session.execute(counted)}
        filed = (
            select(CaseCategory.case_id, CaseCategory.category)
            .where(CaseCategory.case_id.in_(ids))
            .order_by(CaseCategory.case_id, CaseCategory.category)
        )
        for case_id, category in db.session.execute(filed):
            categories.setdefault(case_id, []).append(category)
    return [our_row(case, tuple(categories.get(case.id, ())), unread.get(case.id, 0), now) for case in cases]


@org_cases.get("/cases")
@members_only
def dashboard():
    form = _filter_form()
    now = utcnow()
    page = page_number()
    rows = our_cases(_filters(form, now), now, page)
    arguments = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "organisations/cases.html",
        form=form,
        rows=rows[:PAGE_SIZE],
        page=page,
        has_next=len(rows) > PAGE_SIZE,
        arguments=arguments,
        categories=words(CATEGORIES),
        commodities=words(COMMODITIES),
    )


CSV_FIELDS = ("reference", "state", "received", "categories", "country", "commodity", "next_step_by",
              "days_overdue", "unread_messages", "question_waiting")  # fmt: skip


@org_cases.get("/cases.csv")
@members_only
def export():
    """The organisation's own cases, with the fields the dashboard shows, for donor and board reports (audited)."""
    form = _filter_form()
    now = utcnow()
    rows = our_cases(_filters(form, now), now, page=None)
    categories = words(CATEGORIES)
    commodities = words(COMMODITIES)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow(
            [
                row.reference,
                str(row.state_words),
                row.received.date().isoformat(),
                "; ".join(categories[code] for code in row.categories),
                country_name(row.country),
                commodities[row.commodity],
                row.next_date.date().isoformat() if row.next_date else "",
                row.days_overdue,
                row.unread,
                "yes" if row.question else "no",
            ]
        )
    signals.org_cases_exported.send(
        current_user.organisation, actor=current_user, case_ids=[row.case_id for row in rows]
    )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="our-cases-{now.date().isoformat()}.csv"'},
    )


def org_entries(case: Case) -> list[CaseEntry]:
    """The case's timeline as the filing organisation reads it (``ORG_VISIBLE``), oldest first."""
    return list(
        db.session.scalars(
            select(CaseEntry)
            .where(CaseEntry.case_id == case.id, CaseEntry.visibility.in_(ORG_VISIBLE))
            .order_by(CaseEntry.id)
        )
    )


def mark_read(case: Case, entries: list[CaseEntry], member: User | None = None) -> None:
    reader = acting(member)
    newest = max((entry.id for entry in entries), default=0)
    # One statement, never lowering the mark: two first reads at once both succeed (a read-then-insert failed the
    # second on the key), and an older page read late does not undo a newer one.
    db.session.execute(
        upsert(db.session, OrgCaseRead)
        .values(user_id=reader.id, case_id=case.id, last_entry_id=newest)
        .on_conflict_do_update(
            index_elements=[OrgCaseRead.user_id, OrgCaseRead.case_id],
            set_={"last_entry_id": newest},
            where=OrgCaseRead.last_entry_id < newest,
        )
    )


def _render_case(case: Case, form: ReplyForm | None = None, review_form: ReviewRequestForm | None = None, status=200):
    entries = org_entries(case)
    mark_read(case, entries)
    can_review = case.can_complainant(Action.REQUEST_REVIEW)
    return (
        render_template(
            "organisations/cases_case.html",
            case=case,
            form=form or ReplyForm(formdata=None),
            review_form=review_form or ReviewRequestForm(formdata=None),
            accept=ACCEPT_ATTRIBUTE,
            state_words=STATE_FOR_COMPLAINANT[State(case.state)],
            state_names={state: words[0] for state, words in STATE_FOR_COMPLAINANT.items()},
            mandate_words=MANDATE_FOR_COMPLAINANT[case.mandate_status] if case.is_representative else None,
            entries=entries,
            progress=case_progress(case),
            question=open_question(case, entries),
            decisions=list(
                db.session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id))
            ),
            outcomes=OUTCOMES,
            commitments=Commitment.of_case(case.joint_case().id),
            commitment_words=COMMITMENT_FOR_COMPLAINANT,
            can_request_review=can_review and case.review_window_open,
            review_ended_on=case.review_window_due_at if can_review and not case.review_window_open else None,
        ),
        status,
    )


class ReplyRefused(Exception):
    """A reply the rules refuse: ``field`` it concerns, ``message`` in the member's language, the HTTP status."""

    def __init__(self, field: str, message: str, status: int):
        super().__init__(message)
        self.field, self.message, self.status = field, message, status


def reply_as_member(
    case: Case,
    text: str,
    evidence: list[FileStorage],
    locale: str,
    mandate: FileStorage | None = None,
    member: User | None = None,
) -> CaseEntry:
    """The member writes to the committee on their organisation's case, with files (cleaned and checked here, the
    storage cap and the reply limits applied), through the follow-up page's own operation. Nothing is stored when
    a check refuses: every check runs before the operation writes."""
    try:
        prepared = prepare_uploads(([mandate] if mandate is not None else []) + evidence)
    except UploadRejected as rejected:
        field = "mandate" if mandate is not None and rejected.upload is mandate else "evidence"
        raise ReplyRefused(field, rejected.message, rejected.status) from rejected
    files, mandates = (prepared[1:], prepared[:1]) if mandate is not None else (prepared, [])
    if not throttle.storage_left_for(case.joint_case(), files + mandates):
        raise ReplyRefused(
            "evidence", _("This case holds as many files as we can keep. Send your message without files."), 413
        )
    if not throttle.reply_allowed(case):
        wait = _("You have sent many messages in a short time. Please wait an hour and send this one again.")
        raise ReplyRefused("message", wait, 429)
    return operations.add_complainant_reply(case, text, files, locale, mandates, actor=acting(member))


@org_cases.get("/cases/<reference>")
@members_only
def case_page(reference: str):
    return _render_case(our_case(reference))


@org_cases.post("/cases/<reference>")
@members_only
@keeps_typed_text("message")
def reply(reference: str):
    """Answer a question, write to the committee, add evidence: the follow-up page's reply, by the member."""
    case = our_case(reference)
    form = ReplyForm()
    if not case.replies_open:
        return redirect(url_for("org_cases.case_page", reference=case.reference))
    if not form.validate_on_submit():
        return _render_case(case, form=form, status=400)
    given = form.mandate.data if case.is_representative and getattr(form.mandate.data, "filename", None) else None
    try:
        reply_as_member(case, form.message.data.strip(), list(form.evidence.data or []), str(get_locale()), given)
    except ReplyRefused as refused:
        field = {"mandate": form.mandate, "evidence": form.evidence, "message": form.message}[refused.field]
        field.errors = [*field.errors, refused.message]
        return _render_case(case, form=form, status=refused.status)
    flash(_("Your message was sent. Thank you."))
    return redirect(url_for("org_cases.case_page", reference=case.reference))


@org_cases.post("/cases/<reference>/review")
@members_only
@keeps_typed_text("reasons")
def review(reference: str):
    case = our_case(reference)
    if not (case.can_complainant(Action.REQUEST_REVIEW) and case.review_window_open):
        return redirect(url_for("org_cases.case_page", reference=case.reference))
    form = ReviewRequestForm()
    if not form.validate_on_submit():
        return _render_case(case, review_form=form, status=400)
    operations.request_review(
        case, form.reasons.data.strip(), str(get_locale()), actor=current_user._get_current_object()
    )
    flash(_("Your request for a review was sent."))
    return redirect(url_for("org_cases.case_page", reference=case.reference))


# --- theme trackers ------------------------------------------------------------------------------------------------


class TrackerForm(FlaskForm):
    """A theme: a name, and any mix of category, metal, country and registered site (at least one)."""

    name = StringField(_l("Name of the theme"), validators=[DataRequired(REQUIRED), MaxLength(120)])
    category = SelectField(
        _l("Category"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    commodity = SelectField(
        _l("Metal or mineral"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    country = SelectField(
        _l("Country"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )
    entity = SelectField(
        _l("Site"), validators=[Optional(), OneOfChoices()], validate_choice=False, widget=QuickSelect()
    )

    def __init__(self, entities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anything = ("", _("Any"))
        self.category.choices = options([anything, *words(CATEGORIES).items()])
        self.commodity.choices = options([anything, *words(COMMODITIES).items()])
        self.country.choices = options([anything, *countries(str(get_locale()))])
        self.entity.choices = options([anything, *((str(e.id), e.name) for e in entities)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not any((self.category.data, self.commodity.data, self.country.data, self.entity.data)):
            self.category.errors = [_("Choose at least one: a category, a metal, a country or a site.")]
            return False
        return valid


def _tracker_form(formdata=None) -> TrackerForm:
    entities = db.session.execute(select(SupplyChainEntity.id, SupplyChainEntity.name)).all()
    return TrackerForm(sorted(entities, key=lambda entity: entity.name), formdata=formdata)


@org_cases.get("/trackers")
@members_only
def trackers(form: TrackerForm | None = None, status: int = 200):
    form = form or _tracker_form()
    return (
        render_template(
            "organisations/trackers.html",
            trackers=trackers_of(current_user.organisation_id),
            form=form,
            problems=error_links(form),
            categories=words(CATEGORIES),
            commodities=words(COMMODITIES),
        ),
        status,
    )


@org_cases.post("/trackers")
@members_only
@keeps_typed_text("name")
def add_tracker():
    form = _tracker_form(request.form)
    if not form.validate():
        return trackers(form=form, status=400)
    tracker = Tracker(
        organisation_id=current_user.organisation_id,
        name=form.name.data.strip(),
        category=form.category.data or None,
        commodity=form.commodity.data or None,
        country=form.country.data or None,
        entity_id=int(form.entity.data) if form.entity.data else None,
        created_by_id=current_user.id,
    )
    db.session.add(tracker)
    db.session.flush()
    flash(_("You now follow this theme."))
    return redirect(url_for("org_cases.tracker", tracker_id=tracker.id))


def our_tracker(tracker_id: int, member: User | None = None) -> Tracker:
    tracker = db.session.get(Tracker, tracker_id)
    if tracker is None or tracker.organisation_id != acting(member).organisation_id:
        abort(404)
    return tracker


@org_cases.get("/trackers/<int:tracker_id>")
@members_only
def tracker(tracker_id: int):
    """The theme's public cases (the register's own list and fields), counts by month, and what changed since the
    member's last visit."""
    tracker = our_tracker(tracker_id)
    now = utcnow()
    since = last_seen(current_user.id, tracker) or now - FIRST_VISIT_WINDOW
    view = theme_view(tracker, now)
    changes = view.changes_since(since)
    before = request.args.get("before", "")
    if before.isdigit() and len(before) < 10:  # a further page: the first is the theme's, shared
        rows, next_before = register.listing(tracker.filters, int(before))
    else:
        rows, next_before = view.rows, view.next_before
    counts = view.counts
    mark_seen(current_user.id, tracker, now)
    locale = str(get_locale())
    return render_template(
        "organisations/trackers_theme.html",
        tracker=tracker,
        since=since,
        changes=changes,
        change_kinds=ChangeKind,
        rows=rows,
        next_before=next_before,
        first_page=bool(before),
        chart_rows=[
            {"label": _month_label(count.month, locale), "value": count.value, "shown": str(count.value)}
            for count in counts
        ],
        stages=words(REGISTER_STAGES),
        categories=words(CATEGORIES),
        commodities=words(COMMODITIES),
        outcomes=words(OUTCOMES),
        locale=locale,
    )


def _month_label(month: str, locale: str) -> str:
    from babel.dates import format_date

    year, number = int(month[:4]), int(month[5:])
    return format_date(datetime(year, number, 1).date(), "MMM y", locale=locale)


@org_cases.post("/trackers/<int:tracker_id>/delete")
@members_only
def delete_tracker(tracker_id: int):
    tracker = our_tracker(tracker_id)
    db.session.delete(tracker)
    flash(_("You no longer follow this theme."))
    return redirect(url_for("org_cases.trackers"))
