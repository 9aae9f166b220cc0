"""An organisation's endpoints (``/api/v1/org/...``): its cases, replies and evidence, filing on behalf of people,
its theme trackers. The token's owner acts as the member they are, under the rules of /org/cases and /org/trackers:
the views here call the same functions of ``portal/orgs/cases.py`` (the list query, ``our_case`` that answers 404
for another organisation's case, ``reply_as_member``) and of the filing journey (``GrievanceForm``,
``grievance_input``, ``with_organisation``), so the API cannot drift from the pages.
"""

from __future__ import annotations

from flask import abort, g, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnprocessableEntity

from portal.api import org_schemas as schemas
from portal.api.idempotency import KEY_MAX, KeyReused, file_once, fingerprint
from portal.api.schemas import entry_json, numbered_page, problems
from portal.api.tokens import Scope, require
from portal.cases.committee import Decision
from portal.cases.models import Case
from portal.core.db import utcnow
from portal.core.forms import REQUIRED
from portal.core.i18n import day
from portal.extensions import db
from portal.intake import operations
from portal.intake.forms import GrievanceForm
from portal.intake.progress import open_question
from portal.intake.report import grievance_input, with_organisation
from portal.organisations.models import OrganisationKind
from portal.orgs import cases as org_pages
from portal.orgs.filing import FILER_TYPE_OF_KIND
from portal.orgs.trackers import monthly_counts, trackers_of
from portal.transparency import queries as register
from portal.users.models import User

api_org = Blueprint("api_org", __name__, url_prefix="/api/v1", description="An organisation's cases and trackers")
SECURED = [{"token": []}]


def member() -> User:
    """The token's owner; a member of no organisation any more has no organisation endpoints."""
    user: User = g.api_user
    if user.organisation_id is None:
        abort(403, _l("This account belongs to no organisation."))
    return user


def invalid(errors: dict) -> None:
    """A 422 problem naming each field and its messages (as webargs' own would)."""
    error = UnprocessableEntity()
    error.data = {"messages": {"json": {name: [str(m) for m in messages] for name, messages in errors.items()}}}
    raise error


def _said(words, said: dict[int, str]) -> str:
    """``words`` (a lazy translation) in the reader's language, looked up once per response: a page of 25 rows
    repeats a handful of sentences, and each lookup goes through the translation catalogue again."""
    text = said.get(id(words))
    if text is None:
        text = said[id(words)] = str(words)
    return text


def _next_step(sentence, due, said: dict[int, str]) -> str | None:
    # "is not None", not truth: the truth of a lazy sentence is its length, a translation each time.
    return _said(sentence, said) % {"date": day(due, "long")} if sentence is not None and due else None


def _row(row: org_pages.OurCase, said: dict[int, str] | None = None) -> dict:
    said = {} if said is None else said
    return {
        "reference": row.reference,
        "state": row.state,
        "state_label": _said(row.state_words, said),
        "received": row.received,
        "categories": list(row.categories),
        "country": row.country,
        "commodity": row.commodity,
        "next_step": _next_step(row.next_sentence, row.next_date, said),
        "next_step_due": row.next_date,
        "days_overdue": row.days_overdue,
        "unread_messages": row.unread,
        "question_waiting": row.question,
    }


# --- cases -------------------------------------------------------------------------------------------------------


@api_org.get("/org/cases")
@api_org.doc(security=SECURED)
@api_org.arguments(schemas.OrgCaseFilters, location="query")
@api_org.response(200, schemas.OrgCasePage)
@problems(api_org, 401, 403, 422, 429)
@require(Scope.ORG_READ)
def list_cases(arguments: dict):
    """The organisation's cases, newest first, with the filters of /org/cases."""
    user, now = member(), utcnow()
    filters = org_pages.OurFilters(
        state=arguments.get("state"),
        category=arguments.get("category"),
        country=arguments.get("country"),
        commodity=arguments.get("commodity"),
        entity=arguments.get("entity"),
        overdue=arguments["overdue"],
    )
    page, size = arguments["page"], arguments["limit"]
    rows = org_pages.our_cases(org_pages.our_conditions(filters, now, user), now, page, user, size=size)
    said: dict[int, str] = {}
    return numbered_page([_row(row, said) for row in rows[:size]], page, len(rows) > size)


def _detail(case: Case, user: User) -> dict:
    entries = org_pages.org_entries(case)
    org_pages.mark_read(case, entries, user)  # as opening the page does: these messages are read now
    question = open_question(case, entries)
    decisions = db.session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.id))
    return {
        **_row(org_pages.our_row(case, tuple(case.categories), 0, utcnow())),
        "question": (
            {"entry_id": question.entry.id, "text": question.entry.text_for_complainant, "answer_by": question.due}
            if question
            else None
        ),
        "timeline": [_entry_json(entry) for entry in entries],
        "decisions": [
            {
                "at": decision.created_at,
                "admissible": decision.admissible,
                "outcome": decision.outcome,
                "reasons": decision.reasons_translation or decision.reasons,
            }
            for decision in decisions
        ],
    }


@api_org.get("/org/cases/<reference>")
@api_org.doc(security=SECURED)
@api_org.response(200, schemas.OrgCaseDetail)
@problems(api_org, 401, 403, 404, 429)
@require(Scope.ORG_READ)
def case_detail(reference: str):
    """One of the organisation's cases with the timeline its members read (any other reference: 404)."""
    user = member()
    return _detail(org_pages.our_case(reference, user), user)


def _reply(reference: str, text: str, evidence: list) -> dict:
    user = member()
    case = org_pages.our_case(reference, user)
    if not case.replies_open:
        abort(409, _l("This case is closed: it takes no more messages."))
    if not text.strip():
        invalid({"message": [REQUIRED]})
    try:
        entry = org_pages.reply_as_member(case, text.strip(), evidence, str(get_locale()), member=user)
    except org_pages.ReplyRefused as refused:
        if refused.status == 400:
            invalid({refused.field: [refused.message]})
        abort(refused.status, refused.message)
    return _entry_json(entry)


@api_org.post("/org/cases/<reference>/replies")
@api_org.doc(security=SECURED)
@api_org.arguments(schemas.ReplyIn)
@api_org.response(201, schemas.TimelineEntry)
@problems(api_org, 401, 403, 404, 409, 422, 429)
@require(Scope.ORG_WRITE)
def reply(body: dict, reference: str):
    """Write to the committee on the case; while it waits for an answer, this answers its question."""
    return _reply(reference, body["message"], [])


@api_org.post("/org/cases/<reference>/evidence")
@api_org.doc(security=SECURED)
@api_org.arguments(schemas.EvidenceIn, location="form", content_type="multipart/form-data")
@api_org.response(201, schemas.TimelineEntry)
@problems(api_org, 401, 403, 404, 409, 413, 415, 422, 429)
@require(Scope.ORG_WRITE)
def evidence(body: dict, reference: str):
    """Add files (multipart ``evidence``, with a ``message``), cleaned and checked as on the page."""
    uploads = request.files.getlist("evidence")
    if not any(upload.filename for upload in uploads):
        invalid({"evidence": [REQUIRED]})
    return _reply(reference, body["message"], uploads)


# --- filing on behalf of people ----------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "description": "chosen by the client, the same on a retry: a retry answers the case filed before",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX},
}
# JSON values -> the journey's form fields: plain text, ticked boxes (BooleanField: present means yes).
TEXT_FIELDS = ("description", "country", "commodity", "place", "companies", "incident_date", "incident_period",
               "people_represented", "households_represented", "community", "mandate_consent", "represented_kind",
               "represented_names", "own_receipts", "consent_by", "consent_method", "consent_on", "consent_language",
               "guardian_consent_by", "guardian_consent_method", "desired_remedy", "spoken_language")  # fmt: skip
TICKED_FIELDS = ("ongoing", "children_involved", "safeguarding", "retaliation_risk", "consent")


def _filing_form(body: dict, user: User) -> GrievanceForm:
    """The org filing journey's form, bound to the JSON answers as the journey's pages bind the draft's: the same
    validators decide (a consent record whole or absent, a guardian's consent for a child's case, ...)."""
    organisation = user.organisation
    data = MultiDict()
    data["filer_type"] = FILER_TYPE_OF_KIND[OrganisationKind(organisation.kind)].value
    data["on_behalf_of"] = str(organisation.id)
    data["anonymous"] = "yes"  # the organisation files: no person's contact details
    data["represented_named"] = "named" if body["represented_named"] else "anonymous"
    data["register_listed"] = "yes" if body["register_listed"] else "no"
    data.setlist("categories", body["categories"])
    for name in TEXT_FIELDS:
        value = body.get(name)
        if value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    for name in TICKED_FIELDS:
        if body.get(name):
            data[name] = "y"
    form = GrievanceForm(str(get_locale()), formdata=data, meta={"csrf": False})
    if not form.validate():
        invalid({name: messages for name, messages in form.errors.items() if messages})
    return form


@api_org.post("/org/cases")
@api_org.doc(security=SECURED, parameters=[IDEMPOTENCY_HEADER])
@api_org.arguments(schemas.FilingIn)
@api_org.response(201, schemas.Filed)
@api_org.alt_response(200, schema=schemas.Filed, description="A retry with the same key: the case filed before")
@problems(api_org, 401, 403, 409, 422, 429)
@require(Scope.ORG_WRITE)
def file_case(body: dict):
    """File a grievance on behalf of people, as a member of a verified organisation. ``Idempotency-Key`` is
    required: the same key and body again answer the same case (200), never a second one; another body 409."""
    user = member()
    if not user.can_file_on_behalf:
        abort(403, _l("Only a member of a verified organisation can file on behalf of people."))
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > KEY_MAX:
        invalid({"Idempotency-Key": [_l("Send an Idempotency-Key header of at most 200 characters.")]})
    digest = fingerprint(request.get_json())
    form = _filing_form(body, user)
    g.locale = str(get_locale())  # grievance_input records the language the grievance was filed in
    grievance = with_organisation(grievance_input(form), form, user.organisation_id, member=user)
    shown: dict = {}

    def file() -> Case:
        case, receipt, extra = operations.submit_grievance_with_receipts(grievance, [], None, [])
        shown.update(receipt=receipt, extra=extra)
        return case

    try:
        case, created = file_once(user.organisation_id, key, digest, file)
    except KeyReused:
        abort(409, _l("This Idempotency-Key was used with another request."))
    answer = {"reference": case.reference, "receipt": shown.get("receipt"), "extra_receipts": shown.get("extra", [])}
    return answer, 201 if created else 200


# --- theme trackers ----------------------------------------------------------------------------------------------


def _tracker(tracker) -> dict:
    return {
        "id": tracker.id,
        "name": tracker.name,
        "category": tracker.category,
        "commodity": tracker.commodity,
        "country": tracker.country,
        "entity_id": tracker.entity_id,
    }


@api_org.get("/org/trackers")
@api_org.doc(security=SECURED)
@api_org.response(200, schemas.TrackerList)
@problems(api_org, 401, 403, 429)
@require(Scope.ORG_READ)
def trackers():
    """The themes the organisation follows."""
    return {"trackers": [_tracker(tracker) for tracker in trackers_of(member().organisation_id)]}


@api_org.get("/org/trackers/<int:tracker_id>")
@api_org.doc(security=SECURED)
@api_org.arguments(schemas.TrackerArguments, location="query")
@api_org.response(200, schemas.TrackerDetail)
@problems(api_org, 401, 403, 404, 422, 429)
@require(Scope.ORG_READ)
def tracker(arguments: dict, tracker_id: int):
    """A theme's cases with the public register's fields only (the register's own query), newest first, paged
    with ``before``, and the count of its public cases by month received over the last twelve months. Reading it
    here does not move the page's "changes since your last visit"."""
    found = org_pages.our_tracker(tracker_id, member())
    rows, next_before = register.listing(found.filters, arguments.get("before"))
    return {
        **_tracker(found),
        "cases": [
            {
                "reference": row.reference,
                "stage": row.stage,
                "received_month": row.created_at.strftime("%Y-%m"),
                "categories": row.categories,
                "country": row.country,
                "commodity": row.commodity,
                "outcome": row.outcome,
            }
            for row in rows
        ],
        "next_before": next_before,
        "counts": [{"month": count.month, "cases": count.value} for count in monthly_counts(found, utcnow())],
    }


def _entry_json(entry) -> dict:
    """A timeline entry as the complainant sees it (the case detail and the answer to a reply)."""
    return entry_json(entry, entry.text_for_complainant)
