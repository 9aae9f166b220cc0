"""The schemas of the public endpoints (portal/api/public.py): what a client may ask and what it gets back.

The answers are built by the same serialisers as the open data (``transparency/opendata.py``), so these schemas
describe those dicts; schemathesis (tests/api/test_schema.py) checks every answer against them.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from portal.cases.models import Category, Commodity
from portal.cases.workflow import Outcome
from portal.organisations.models import EntityKind
from portal.transparency.queries import Stage

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


def _choice(values, description: str) -> fields.String:
    return fields.String(validate=validate.OneOf([str(v) for v in values]), metadata={"description": description})


class PageQuerySchema(Schema):
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Opaque: the next_cursor of the previous page. Leave out for the first page."},
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."},
    )


class RegisterQuerySchema(PageQuerySchema):
    """The register page's filters (``queries.RegisterFilters``), by the same names."""

    stage = _choice(Stage, "Where the case is now (a case waiting for an answer stays in its stage).")
    category = _choice(Category, "One of the case's categories.")
    commodity = _choice(Commodity, "The metal or mineral.")
    country = fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2}$"), metadata={"description": "ISO 3166-1 alpha-2 country code."}
    )
    entity = fields.Integer(
        validate=validate.Range(1, 2**31 - 1), metadata={"description": "A registered site's id (/api/v1/entities)."}
    )
    year = fields.Integer(validate=validate.Range(2000, 2999), metadata={"description": "The year it was received."})
    outcome = _choice(Outcome, "The outcome decided.")


class EntityQuerySchema(PageQuerySchema):
    kind = _choice(EntityKind, "The kind of site.")
    country = fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2}$"), metadata={"description": "ISO 3166-1 alpha-2 country code."}
    )


# --- answers ------------------------------------------------------------------------------------------------------

_DATE = "ISO 8601: YYYY-MM-DD, or YYYY-MM where date_precision is month."


class SiteSchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True)
    country = fields.String(required=True)
    region = fields.String(allow_none=True, metadata={"description": "ISO 3166-2"})
    rmi_id = fields.String(allow_none=True, metadata={"description": "RMI facility id"})
    os_id = fields.String(allow_none=True, metadata={"description": "Open Supply Hub OS ID"})
    geonames_id = fields.Integer(allow_none=True)


class EntitySchema(SiteSchema):
    id = fields.Integer(required=True)


class IdentifierSchema(Schema):
    scheme = fields.String(required=True)
    identifier = fields.String(required=True)


class RespondentSchema(Schema):
    name = fields.String(required=True)
    lei = fields.String(allow_none=True)
    identifiers = fields.List(fields.Nested(IdentifierSchema), required=True)


class StageDateSchema(Schema):
    stage = fields.String(required=True)
    date = fields.String(required=True, metadata={"description": _DATE})


_TEXTS = fields.Dict(
    keys=fields.String(), values=fields.String(), metadata={"description": "Published text by language code"}
)


class PublicDecisionSchema(Schema):
    kind = fields.String(required=True)
    date = fields.String(required=True, metadata={"description": _DATE})
    admissible = fields.Boolean(allow_none=True)
    outcome = fields.String(allow_none=True)
    referral = fields.String(allow_none=True)
    summary = _TEXTS


class CheckSchema(Schema):
    date = fields.String(required=True)
    status = fields.String(required=True)


class CommitmentSchema(Schema):
    payment = fields.Boolean(required=True, metadata={"description": "A sum of money, else another action"})
    due = fields.String(required=True, metadata={"description": "YYYY-MM"})
    instalment = fields.Integer(allow_none=True)
    instalments = fields.Integer(allow_none=True)
    checks = fields.List(fields.Nested(CheckSchema), required=True)


class PublicCaseSchema(Schema):
    """A listed case: the register page's fields, never a name, contact, description, message or file."""

    reference = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The register page of the case"})
    stage = fields.String(required=True)
    date_precision = fields.String(required=True, validate=validate.OneOf(["day", "month"]))
    stages = fields.List(fields.Nested(StageDateSchema), required=True)
    filer_type = fields.String(required=True)
    representing_organisation = fields.String(allow_none=True)
    country = fields.String(required=True)
    regions = fields.List(fields.String(), required=True)
    commodity = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    respondent = fields.Nested(RespondentSchema, allow_none=True)
    sites = fields.List(fields.Nested(SiteSchema), required=True)
    outcome = fields.String(allow_none=True)
    remedy_types = fields.List(fields.String(), required=True)
    summary = _TEXTS
    decisions = fields.List(fields.Nested(PublicDecisionSchema), required=True)
    commitments = fields.List(fields.Nested(CommitmentSchema), required=True)
    last_updated = fields.String(required=True, metadata={"description": _DATE})


class CaseDetailSchema(PublicCaseSchema):
    related = fields.List(fields.String(), required=True, metadata={"description": "Listed cases about the same sites"})


class _Page(Schema):
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "Pass as ?cursor= for the next page; null at the end"}
    )


class RegisterPageSchema(_Page):
    licence = fields.String(required=True)
    cases = fields.List(fields.Nested(PublicCaseSchema), required=True)


class PublishedDecisionSchema(Schema):
    reference = fields.String(required=True)
    url = fields.String(required=True)
    published_at = fields.DateTime(required=True)
    summary = _TEXTS


class DecisionPageSchema(_Page):
    decisions = fields.List(fields.Nested(PublishedDecisionSchema), required=True)


class EntityPageSchema(_Page):
    entities = fields.List(fields.Nested(EntitySchema), required=True)


class CellSchema(Schema):
    """A published figure, or the marker of a suppressed one (its value is never sent)."""

    keys = fields.List(fields.Raw(), required=True, metadata={"description": "What the row counts, e.g. [2026, 3]"})
    suppressed = fields.Boolean(required=True, metadata={"description": "True: fewer than the threshold"})
    value = fields.Float(metadata={"description": "Absent when suppressed"})


class TableSchema(Schema):
    name = fields.String(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(["cases", "days", "percent", "commitments"]))
    rows = fields.List(fields.Nested(CellSchema), required=True)


class StatisticsSchema(Schema):
    version = fields.Integer(required=True, metadata={"description": "The register version the figures are of"})
    built_at = fields.String(required=True, metadata={"description": "When the snapshot was built (ISO 8601)"})
    threshold = fields.Integer(required=True, metadata={"description": "Counts from 1 to threshold - 1 are hidden"})
    rule = fields.String(required=True)
    total = fields.Nested(CellSchema, required=True)
    decided = fields.Nested(CellSchema, required=True)
    tables = fields.List(fields.Nested(TableSchema), required=True)
