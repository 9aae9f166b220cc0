"""Marshmallow schemas of the organisation endpoints (portal/api/org.py): what flask-smorest validates and documents.

The filing body uses the names of the org filing journey's form fields (portal/intake/forms.py ``GrievanceForm``):
the view hands it to that very form, which applies every rule of the pages; this schema only checks JSON types.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from portal.api.schemas import Paged, TimelineEntry
from portal.cases.models import Category, Commodity, ConsentMethod, RepresentedKind
from portal.cases.workflow import State

STATES = [state.value for state in State]
CATEGORY_VALUES = [category.value for category in Category]
COMMODITY_VALUES = [commodity.value for commodity in Commodity]
METHODS = [method.value for method in ConsentMethod]


class PageArguments(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    limit = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class OrgCaseFilters(PageArguments):
    """The filters of /org/cases."""

    state = fields.String(validate=validate.OneOf(STATES))
    category = fields.String(validate=validate.OneOf(CATEGORY_VALUES))
    country = fields.String(validate=validate.Regexp(r"^[A-Za-z]{2}$"))
    commodity = fields.String(validate=validate.OneOf(COMMODITY_VALUES))
    entity = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    overdue = fields.Boolean(load_default=False)


class OrgCaseRow(Schema):
    reference = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "the workflow state (stable code)"})
    state_label = fields.String(required=True, metadata={"description": "the state in the complainant's words"})
    received = fields.DateTime(required=True)
    categories = fields.List(fields.String(), required=True)
    country = fields.String(required=True)
    commodity = fields.String(required=True)
    next_step = fields.String(allow_none=True, required=True)
    next_step_due = fields.DateTime(allow_none=True, required=True)
    days_overdue = fields.Integer(required=True, metadata={"description": "days the committee's deadline passed"})
    unread_messages = fields.Integer(required=True)
    question_waiting = fields.Boolean(required=True)


class OrgCasePage(Paged):
    cases = fields.List(fields.Nested(OrgCaseRow), required=True)


class Question(Schema):
    entry_id = fields.Integer(required=True)
    text = fields.String(allow_none=True, required=True)
    answer_by = fields.DateTime(allow_none=True, required=True)


class DecisionOut(Schema):
    at = fields.DateTime(required=True)
    admissible = fields.Boolean(allow_none=True, required=True)
    outcome = fields.String(allow_none=True, required=True)
    reasons = fields.String(allow_none=True, required=True)


class OrgCaseDetail(OrgCaseRow):
    question = fields.Nested(Question, allow_none=True, required=True)
    timeline = fields.List(fields.Nested(TimelineEntry), required=True)
    decisions = fields.List(fields.Nested(DecisionOut), required=True)


class ReplyIn(Schema):
    message = fields.String(required=True, validate=validate.Length(max=20_000))


class EvidenceIn(Schema):
    """multipart/form-data: a ``message`` and one or more files as ``evidence`` (required: checked by the view,
    which reads the files themselves from the request)."""

    message = fields.String(required=True, validate=validate.Length(max=20_000))
    evidence = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}))


class FilingIn(Schema):
    """A grievance filed on behalf of people: the org filing journey's answers."""

    description = fields.String(required=True, validate=validate.Length(max=20_000))
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORY_VALUES)), required=True)
    country = fields.String(required=True, validate=validate.Length(equal=2))
    commodity = fields.String(required=True, validate=validate.OneOf(COMMODITY_VALUES))
    place = fields.String(validate=validate.Length(max=300))
    companies = fields.String(validate=validate.Length(max=500))
    incident_date = fields.Date()
    incident_period = fields.String(validate=validate.Length(max=300))
    ongoing = fields.Boolean(load_default=False)
    people_represented = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000_000))
    households_represented = fields.Integer(validate=validate.Range(min=1, max=10_000_000))
    community = fields.String(validate=validate.Length(max=200))
    mandate_consent = fields.String(validate=validate.Length(max=2000))
    represented_kind = fields.String(required=True, validate=validate.OneOf([k.value for k in RepresentedKind]))
    represented_named = fields.Boolean(load_default=False, metadata={"description": "names given to the committee"})
    represented_names = fields.String(validate=validate.Length(max=2000))
    own_receipts = fields.Integer(load_default=0, validate=validate.Range(min=0, max=20))
    consent_by = fields.String(validate=validate.Length(max=300))
    consent_method = fields.String(validate=validate.OneOf(METHODS))
    consent_on = fields.Date()
    consent_language = fields.String(validate=validate.Length(max=100))
    children_involved = fields.Boolean(load_default=False)
    guardian_consent_by = fields.String(validate=validate.Length(max=300))
    guardian_consent_method = fields.String(validate=validate.OneOf(METHODS))
    safeguarding = fields.Boolean(load_default=False)
    retaliation_risk = fields.Boolean(load_default=False)
    desired_remedy = fields.String(validate=validate.Length(max=5000))
    register_listed = fields.Boolean(load_default=True)
    spoken_language = fields.String(validate=validate.Length(max=100))
    consent = fields.Boolean(
        required=True, metadata={"description": "the filer agrees that the committee uses what is sent"}
    )


class Filed(Schema):
    reference = fields.String(required=True)
    receipt = fields.String(
        allow_none=True, required=True, metadata={"description": "the case's receipt, shown once (null on a retry)"}
    )
    extra_receipts = fields.List(
        fields.String(), required=True, metadata={"description": "receipts for the people represented, shown once"}
    )


class TrackerOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    category = fields.String(allow_none=True, required=True)
    commodity = fields.String(allow_none=True, required=True)
    country = fields.String(allow_none=True, required=True)
    entity_id = fields.Integer(allow_none=True, required=True)


class TrackerList(Schema):
    trackers = fields.List(fields.Nested(TrackerOut), required=True)


class MonthCountOut(Schema):
    month = fields.String(required=True)
    cases = fields.Integer(required=True)


class TrackerCase(Schema):
    """A case of the theme as the public register shows it."""

    reference = fields.String(required=True)
    stage = fields.String(required=True)
    received_month = fields.String(required=True, metadata={"description": "YYYY-MM: the register shows no day"})
    categories = fields.List(fields.String(), required=True)
    country = fields.String(required=True)
    commodity = fields.String(required=True)
    outcome = fields.String(allow_none=True, required=True)


class TrackerDetail(TrackerOut):
    cases = fields.List(fields.Nested(TrackerCase), required=True)
    next_before = fields.Integer(allow_none=True, required=True)
    counts = fields.List(fields.Nested(MonthCountOut), required=True)


class TrackerArguments(Schema):
    before = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
