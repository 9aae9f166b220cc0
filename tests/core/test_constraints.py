"""The database keeps every enum column within its enum: in the models, and in the schema the migrations build.

Alembic's autogenerate does not compare CHECK constraints, so ``flask db check`` misses a value added to an enum
without a migration; these tests do not. The schema checked is the one ``tests/conftest.py`` builds with the real
migrations (``flask db upgrade``), on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import re

from sqlalchemy import CheckConstraint, String, text

# Every model imported, so that the metadata holds every table.
import portal.audit.models
import portal.notifications.models  # noqa: F401
from portal.api.webhooks import DeliveryStatus, WebhookEvent
from portal.cases.alert_models import AlertKind, AlertStatus, SuggestionStatus
from portal.cases.commitments import CommitmentStatus
from portal.cases.committee import DecisionKind, PanelKind, SeatKind, VoteChoice
from portal.cases.meetings import MeetingKind
from portal.cases.message_templates import TemplateStep
from portal.cases.models import (
    AttachmentPurpose,
    Category,
    Commodity,
    ConsentMethod,
    EntryKind,
    FilerType,
    MandateStatus,
    RepresentedKind,
    Visibility,
)
from portal.cases.workflow import Clock, Outcome, State
from portal.core.roles import ACCOUNT_ROLES, Role
from portal.extensions import db
from portal.organisations.models import EntityKind, OrganisationKind, RelationKind
from portal.transparency.models import PublicationStatus, PublicItem
from portal.transparency.review_models import Answerer, Channel, ReviewStatus, Scale
from portal.users.models import Nomination

# Every column that stores an enum's value, and that enum.
ENUM_COLUMNS = {
    ("webhook_deliveries", "status"): DeliveryStatus,
    ("webhook_deliveries", "event"): WebhookEvent,
    ("cases", "state"): State,
    ("cases", "state_before_question"): State,
    ("cases", "filer_type"): FilerType,
    ("cases", "commodity"): Commodity,
    ("cases", "outcome"): Outcome,
    ("cases", "mandate_status"): MandateStatus,
    ("cases", "represented_kind"): RepresentedKind,
    ("cases", "consent_method"): ConsentMethod,
    ("cases", "guardian_consent_method"): ConsentMethod,
    ("attachments", "purpose"): AttachmentPurpose,
    ("draft_files", "purpose"): AttachmentPurpose,
    ("case_categories", "category"): Category,
    ("case_entries", "kind"): EntryKind,
    ("case_entries", "visibility"): Visibility,
    ("case_entries", "new_state"): State,
    ("panel_seats", "seat"): SeatKind,
    ("panel_seats", "panel"): PanelKind,
    ("decisions", "kind"): DecisionKind,
    ("decisions", "outcome"): Outcome,
    ("votes", "choice"): VoteChoice,
    ("users", "role"): [role for role in Role if role in ACCOUNT_ROLES],  # the order of the enum
    ("users", "nomination"): Nomination,
    ("organisations", "kind"): OrganisationKind,
    ("supply_chain_entities", "kind"): EntityKind,
    ("reminders_sent", "clock"): Clock,
    ("entity_commodities", "commodity"): Commodity,
    ("entity_relations", "relation"): RelationKind,
    ("meetings", "kind"): MeetingKind,
    ("commitment_checks", "status"): CommitmentStatus,
    ("publications", "item"): PublicItem,
    ("publications", "status"): PublicationStatus,
    ("org_trackers", "category"): Category,
    ("org_trackers", "commodity"): Commodity,
    ("annual_reviews", "status"): ReviewStatus,
    ("satisfaction_answers", "answered_by"): Answerer,
    ("satisfaction_answers", "commodity"): Commodity,
    ("satisfaction_answers", "channel"): Channel,
    ("satisfaction_answers", "fair"): Scale,
    ("satisfaction_answers", "respected"): Scale,
    ("satisfaction_answers", "safe"): Scale,
    ("satisfaction_markers", "answered_by"): Answerer,
    ("message_templates", "step"): TemplateStep,
    ("alerts", "kind"): AlertKind,
    ("alerts", "status"): AlertStatus,
    ("alerts", "category"): Category,
    ("alerts", "commodity"): Commodity,
    ("duplicate_suggestions", "status"): SuggestionStatus,
}
# Every other text column, so that a new column must be put in one list or the other.
FREE_TEXT_COLUMNS = {
    ("api_idempotency_keys", "key"),  # the client's own Idempotency-Key, up to 200 characters
    ("api_idempotency_keys", "fingerprint"),  # SHA-256 of the request body, hex
    ("api_tokens", "name"),  # the owner's label for a token
    ("webhook_subscriptions", "url"),  # the receiver's address, checked by webhooks.check_url
    ("webhook_subscriptions", "events"),  # space-separated WebhookEvent values, checked by webhooks.subscribe
    ("webhook_deliveries", "payload"),  # the JSON body as posted: references and public fields only
    ("webhook_deliveries", "last_error"),  # a key of webhook_delivery.ERRORS
    ("api_tokens", "token_hash"),  # SHA-256, hex
    ("api_tokens", "shown"),  # the token's first characters
    ("api_tokens", "scopes"),  # space-separated Scope values, written only by tokens.issue
    ("org_trackers", "name"),  # the theme's name, chosen by the organisation
    ("org_trackers", "country"),  # ISO 3166 alpha-2: chosen from Babel's list; a CHECK keeps it 2 letters
    ("org_digests_sent", "week"),  # ISO 8601 week, written by the digest
    ("commitments", "currency"),  # ISO 4217: the form checks it against Babel's list; a CHECK keeps it 3 letters
    ("organisations", "name"),
    ("supply_chain_entities", "name"),
    ("supply_chain_entities", "country"),
    ("supply_chain_entities", "region"),
    ("supply_chain_entities", "rmi_id"),
    ("supply_chain_entities", "os_id"),
    ("organisations", "lei"),
    ("organisations", "country"),
    ("organisation_identifiers", "scheme"),
    ("organisation_identifiers", "identifier"),
    ("users", "email"),
    ("users", "name"),
    ("users", "password_hash"),
    ("users", "locale"),
    ("affiliations", "note"),
    ("audit_entries", "action"),
    ("audit_entries", "target"),
    ("audit_entries", "data"),
    ("audit_entries", "previous_hash"),
    ("audit_entries", "entry_hash"),
    ("cases", "reference"),
    ("cases", "receipt_hash"),
    ("cases", "submission_locale"),
    ("cases", "country"),
    ("cases", "rules_version"),
    ("recovery_codes", "code_hash"),
    ("case_entries", "locale"),
    ("decisions", "referral"),
    ("recusals", "reason"),
    ("reminders_sent", "kind"),
    ("attachments", "content_type"),
    ("attachments", "sha256"),
    ("attachments", "storage_key"),
    ("blob_chunks", "storage_key"),
    ("login_failures", "client_hash"),
    ("ended_holder_sessions", "session_hash"),
    ("held_receipts", "submission_hash"),
    ("report_drafts", "draft_hash"),
    ("draft_files", "content_type"),
    ("cases", "submission_hash"),
    ("satisfaction_answers", "id"),  # a random key (no order that could follow the cases')
    ("satisfaction_answers", "country"),  # ISO 3166-1, copied from the case
    # ISO 639 codes and IANA zones: sets of hundreds that Babel and the system's zone database keep up to date;
    # the forms and casework check them against those lists (core/i18n.spoken_languages, time_zones).
    ("cases", "language"),
    ("cases", "interpreter_language"),
    ("cases", "consent_language"),  # ISO 639, as ``language``
    ("users", "invitation_hash"),
    ("case_receipts", "receipt_hash"),
    ("meetings", "interpreter_language"),
    ("meetings", "timezone"),
    # Interface locales (core/i18n.LOCALES): the template page accepts only those; storage keys of the thumbnails.
    ("description_translations", "locale"),
    ("message_templates", "locale"),
    ("message_templates", "body"),  # templates hold no personal data: plain text the secretariat edits
    ("attachment_thumbnails", "storage_key"),
    # The lists (portal/cases/search.py): keyed hashes of the blind index; a person's filter name and query string.
    ("case_search_terms", "term"),
    ("saved_filters", "name"),
    ("saved_filters", "query"),
    # The desk: a group's key ("site:12"), built from ids and enum values; ISO 3166-1 like cases.country; the reason
    # keys of a duplicate suggestion (DuplicateReason values, comma-separated, checked where they are written).
    ("alerts", "group_key"),
    ("alerts", "country"),
    ("duplicate_suggestions", "reasons"),
}

# What ``portal.core.db.one_of`` writes: "column IN ('a', 'b')", possibly after "column IS NULL OR".
ONE_OF = re.compile(r"^(?:(\w+) IS NULL OR )?(\w+) IN \(('[^']*'(?:, '[^']*')*)\)$")


def _one_of_constraints() -> dict[tuple[str, str], tuple[list[str], bool]]:
    """(table, column) -> (the values the CHECK allows, whether NULL is allowed), from the models."""
    found = {}
    for table in db.Model.metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            match = ONE_OF.match(str(constraint.sqltext))
            if match is None:
                continue
            nullable_column, column, values = match.groups()
            assert nullable_column in (None, column), constraint.name
            assert (table.name, column) not in found, f"two enum constraints on {table.name}.{column}"
            found[table.name, column] = (re.findall(r"'([^']*)'", values), nullable_column is not None)
    return found


def test_every_enum_constraint_in_the_models_lists_its_enum_exactly(app):  # the app imports every model
    constraints = _one_of_constraints()
    assert set(constraints) == set(ENUM_COLUMNS), "an enum column without a constraint, or a constraint unmapped"
    for (table, column), (values, allows_null) in constraints.items():
        assert values == [member.value for member in ENUM_COLUMNS[table, column]], (table, column)
        assert allows_null == db.Model.metadata.tables[table].c[column].nullable, (table, column)


def test_every_text_column_is_either_an_enum_or_free_text(app):  # the app imports every model
    text_columns = {
        (table.name, column.name)
        for table in db.Model.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String)
    }
    assert set(ENUM_COLUMNS) & FREE_TEXT_COLUMNS == set()
    assert text_columns == set(ENUM_COLUMNS) | FREE_TEXT_COLUMNS


def _constraint_sql(app) -> dict[str, str]:
    """Constraint name -> its CHECK expression, as the migrated database holds it."""
    if app.config["DATABASE_KIND"] == "sqlite":
        checks = {}
        for (sql,) in db.session.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table'")):
            for name, expression in _sqlite_checks(sql):
                checks[name] = expression
        return checks
    rows = db.session.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
        )
    )
    return dict(rows.all())


def _sqlite_checks(sql: str):
    """Each "CONSTRAINT name CHECK (expression)" in a CREATE TABLE statement, parentheses balanced."""
    for match in re.finditer(r'CONSTRAINT\s+"?(\w+)"?\s+CHECK\s*\(', sql):
        depth, start = 1, match.end()
        for index in range(start, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[index], 0)
            if depth == 0:
                yield match.group(1), sql[start:index]
                break


def test_the_migrated_database_keeps_every_enum_column_within_its_enum(app):
    """Fails when a value is added to an enum (a new State, say) without a migration that widens the CHECK."""
    with app.app_context():
        checks = _constraint_sql(app)
    constraints = _one_of_constraints()
    for (table, column), enum in ENUM_COLUMNS.items():
        name = next(
            constraint.name
            for constraint in db.Model.metadata.tables[table].constraints
            if isinstance(constraint, CheckConstraint)
            and ONE_OF.match(str(constraint.sqltext))
            and ONE_OF.match(str(constraint.sqltext)).group(2) == column
        )
        assert name in checks, f"{name} is in the models but no migration creates it"
        expression = checks[name]
        assert sorted(re.findall(r"'([^']*)'", expression)) == sorted(member.value for member in enum), name
        assert ("IS NULL" in expression.upper()) == constraints[table, column][1], name
