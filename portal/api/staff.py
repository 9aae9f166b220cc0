"""Staff read endpoints (``/api/v1/staff/...``), for the committee's reporting tools: the cases list and a case, as
the token's owner may see them. Every read goes through ``portal/cases/queries.py`` (which applies
``access.visible_cases``) and ``access.can_view``: a recused member's token never lists a recused case and reads
it as 404, like the pages. The complainant's identity is left out of v1 (on the page, showing it is a deliberate,
audited act); internal notes come only to whom the page shows them. Nothing here changes a case.
"""

from __future__ import annotations

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from portal.api.org_schemas import CATEGORY_VALUES, COMMODITY_VALUES, STATES, PageArguments
from portal.api.schemas import Paged, TimelineEntry, entry_json, numbered_page, problems
from portal.api.tokens import Scope, require
from portal.cases import access, queries
from portal.cases.loading import REFERENCE
from portal.cases.models import Case, CaseEntry, Visibility
from portal.core.db import utcnow
from portal.extensions import db
from portal.users.models import User

api_staff = Blueprint("api_staff", __name__, url_prefix="/api/v1", description="Cases as staff may see them")
SECURED = [{"token": []}]


class StaffCaseFilters(PageArguments):
    state = fields.String(validate=validate.OneOf(STATES))
    category = fields.String(validate=validate.OneOf(CATEGORY_VALUES))
    country = fields.String(validate=validate.Regexp(r"^[A-Za-z]{2}$"))
    commodity = fields.String(validate=validate.OneOf(COMMODITY_VALUES))
    assignee = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "user id"})
    urgent = fields.Boolean(load_default=False)


class StaffCaseRow(Schema):
    reference = fields.String(required=True)
    state = fields.String(required=True)
    urgent = fields.Boolean(required=True)
    received = fields.DateTime(required=True)
    categories = fields.List(fields.String(), required=True)
    country = fields.String(required=True)
    commodity = fields.String(required=True)
    filer_type = fields.String(required=True)
    next_due_at = fields.DateTime(allow_none=True, required=True)
    assignee = fields.Integer(allow_none=True, required=True)
    filed_by_organisation = fields.Integer(allow_none=True, required=True)


class StaffCasePage(Paged):
    cases = fields.List(fields.Nested(StaffCaseRow), required=True)


class StaffEntry(TimelineEntry):
    visibility = fields.String(required=True)
    author = fields.Integer(allow_none=True, required=True, metadata={"description": "user id of a staff author"})


class StaffCaseDetail(StaffCaseRow):
    description = fields.String(allow_none=True, required=True)
    anonymous = fields.Boolean(required=True)
    children_involved = fields.Boolean(required=True)
    retaliation_risk = fields.Boolean(required=True)
    timeline = fields.List(fields.Nested(StaffEntry), required=True)


def _row(case: Case) -> dict:
    return {
        "reference": case.reference,
        "state": case.state,
        "urgent": case.urgent,
        "received": case.created_at,
        "categories": case.categories,
        "country": case.country,
        "commodity": case.commodity,
        "filer_type": case.filer_type,
        "next_due_at": case.next_due_at,
        "assignee": case.assigned_officer_id,
        "filed_by_organisation": case.filed_by_organisation_id,
    }


@api_staff.get("/staff/cases")
@api_staff.doc(security=SECURED)
@api_staff.arguments(StaffCaseFilters, location="query")
@api_staff.response(200, StaffCasePage)
@problems(api_staff, 401, 403, 422, 429)
@require(Scope.STAFF_READ)
def list_cases(arguments: dict):
    """The cases the token's owner may see (recusals applied), newest first, with the staff list's filters."""
    user: User = g.api_user
    filters = queries.CaseFilters(
        state=arguments.get("state"),
        category=arguments.get("category"),
        country=arguments.get("country"),
        commodity=arguments.get("commodity"),
        assignee_id=arguments.get("assignee"),
        urgent=arguments["urgent"],
    )
    page, size = arguments["page"], arguments["limit"]
    cases, more = queries.page_of(queries.filtered(user, filters, utcnow()), page, size)
    return numbered_page([_row(case) for case in cases], page, more)


@api_staff.get("/staff/cases/<reference>")
@api_staff.doc(security=SECURED)
@api_staff.response(200, StaffCaseDetail)
@problems(api_staff, 401, 403, 404, 429)
@require(Scope.STAFF_READ)
def case_detail(reference: str):
    """A case the token's owner may see (any other, or a recused one: 404), without the complainant's identity."""
    user: User = g.api_user
    found = REFERENCE.fullmatch(reference)
    case = db.session.scalar(select(Case).where(Case.reference == reference)) if found else None
    if case is None or not access.can_view(case, user):
        abort(404)
    # The page shows internal notes to whoever may write them; anyone else reads the rest of the timeline.
    hidden = () if access.can_write_internal(case, user) else (Visibility.INTERNAL,)
    entries = db.session.scalars(
        select(CaseEntry)
        .where(CaseEntry.case_id == case.id, CaseEntry.visibility.not_in(hidden))
        .order_by(CaseEntry.id)
    )
    return {
        **_row(case),
        "description": case.description,
        "anonymous": case.anonymous,
        "children_involved": case.children_involved,
        "retaliation_risk": case.retaliation_risk,
        "timeline": [
            {**entry_json(entry, entry.body), "visibility": entry.visibility, "author": entry.author_id}
            for entry in entries
        ],
    }
