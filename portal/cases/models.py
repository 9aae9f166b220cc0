"""Cases, their timeline and their attachments (docs/architecture.md §5)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.workflow import FINAL_STATES, Action, Clock, Outcome, State, allowed_actions
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of, utcnow
from portal.core.encrypted import EncryptedJSON, EncryptedText
from portal.core.i18n import LOCALES
from portal.core.roles import Role
from portal.extensions import db


class FilerType(StrEnum):
    AFFECTED_PERSON = "affected_person"
    ON_BEHALF = "on_behalf"
    UNION = "union"
    NGO = "ngo"
    WITNESS = "witness"


# Filers who speak for other people: they say whom they represent and give their mandate (§5).
REPRESENTATIVE_FILERS = frozenset({FilerType.ON_BEHALF, FilerType.UNION, FilerType.NGO})


class MandateStatus(StrEnum):
    NONE = "none"  # not a representative, or filed before mandates were recorded
    PROVIDED = "provided"  # a mandate document or a statement of consent was given
    VERIFIED = "verified"  # case staff checked it
    MORE_REQUESTED = "more_requested"  # case staff asked the representative for more


class RepresentedKind(StrEnum):
    """Whom an organisation files for (portal/orgs/filing.py)."""

    PERSON = "person"
    SEVERAL = "several"
    HOUSEHOLDS = "households"
    COMMUNITY = "community"


class ConsentMethod(StrEnum):
    """How the people (or a child's guardian) gave consent that a field worker recorded."""

    SPOKEN = "spoken"
    THUMBPRINT = "thumbprint"
    SIGNED = "signed"


class AttachmentPurpose(StrEnum):
    EVIDENCE = "evidence"
    MANDATE = "mandate"  # a letter, signed list or minutes showing that a representative may speak for people


class Category(StrEnum):
    CHILD_LABOUR = "child_labour"
    FORCED_LABOUR = "forced_labour"
    HEALTH_SAFETY = "health_safety"
    WAGES_HOURS = "wages_hours"
    FREEDOM_OF_ASSOCIATION = "freedom_of_association"
    DISCRIMINATION = "discrimination"
    ENVIRONMENT = "environment"
    LAND = "land"
    INDIGENOUS = "indigenous"
    SECURITY_VIOLENCE = "security_violence"
    CORRUPTION = "corruption"
    RETALIATION = "retaliation"
    OTHER = "other"


class Commodity(StrEnum):
    ALUMINIUM = "aluminium"
    STEEL = "steel"
    COBALT = "cobalt"
    COPPER = "copper"
    NICKEL = "nickel"
    TIN = "tin"
    ZINC = "zinc"
    OTHER = "other"


class EntryKind(StrEnum):
    SUBMISSION = "submission"
    FROM_COMPLAINANT = "from_complainant"
    TO_COMPLAINANT = "to_complainant"
    INTERNAL_NOTE = "internal_note"
    STATE_CHANGE = "state_change"
    COMPANY_RESPONSE = "company_response"
    CASE_JOINED = "case_joined"  # another grievance about the same events was merged into this one
    FROM_COMPANY = "from_company"  # a company liaison's message to the secretariat (visibility company)
    TO_COMPANY = "to_company"  # the secretariat's message to the respondent company (visibility company)


class Visibility(StrEnum):
    COMPLAINANT = "complainant"  # the complainant and staff
    INTERNAL = "internal"  # staff only
    COMPANY = "company"  # staff and the respondent company
    ORGANISATION = "organisation"  # staff and the filing organisation, never the company nor the receipt holder


class ReferenceCounter(db.Model):
    """The last reference number handed out per year; the row lock serialises concurrent submissions."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Case(CreatedAtMixin, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(one_of("state", State), name="valid_state"),
        CheckConstraint(one_of("filer_type", FilerType), name="valid_filer_type"),
        CheckConstraint(one_of("commodity", Commodity), name="valid_commodity"),
        CheckConstraint("people_affected IS NULL OR people_affected > 0", name="people_affected_positive"),
        CheckConstraint("anonymous OR identity_encrypted IS NOT NULL", name="identity_unless_anonymous"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', Outcome)}", name="valid_outcome"),
        CheckConstraint("(state = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"),
        CheckConstraint(
            f"state_before_question IS NULL OR {one_of('state_before_question', State)}",
            name="valid_state_before_question",
        ),
        # One index per list filter and sort (the staff list must stay fast at hundreds of thousands of cases).
        CheckConstraint(one_of("mandate_status", MandateStatus), name="valid_mandate_status"),
        CheckConstraint("people_represented IS NULL OR people_represented > 0", name="people_represented_positive"),
        CheckConstraint(
            "households_represented IS NULL OR households_represented > 0", name="households_represented_positive"
        ),
        CheckConstraint(
            f"represented_kind IS NULL OR {one_of('represented_kind', RepresentedKind)}", name="valid_represented_kind"
        ),
        CheckConstraint(
            f"consent_method IS NULL OR {one_of('consent_method', ConsentMethod)}", name="valid_consent_method"
        ),
        CheckConstraint(
            f"guardian_consent_method IS NULL OR {one_of('guardian_consent_method', ConsentMethod)}",
            name="valid_guardian_consent_method",
        ),
        Index("ix_cases_state_created_at", "state", "created_at"),
        Index("ix_cases_state_next_due_at", "state", "next_due_at"),
        Index("ix_cases_created_at_id", "created_at", "id"),
        Index("ix_cases_urgent_next_due_at", "urgent", "next_due_at"),
        Index("ix_cases_assigned_officer_id_created_at", "assigned_officer_id", "created_at"),
        # The staff case page lists the cases merged into this one (absorbed_references): without it, a full scan.
        Index("ix_cases_merged_into_id", "merged_into_id"),
        # The public register filters on these and pages newest first by id (portal/transparency/queries.py).
        Index("ix_cases_country_id", "country", "id"),
        Index("ix_cases_commodity_id", "commodity", "id"),
        Index("ix_cases_outcome_id", "outcome", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed hash of the grievance form's one-time token: a resent form finds its case instead of filing another
    # (portal/intake/operations.py). None for cases filed before the token existed.
    submission_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(32), default=State.SUBMITTED)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)

    filer_type: Mapped[str] = mapped_column(String(32))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    identity_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    share_identity_with_company: Mapped[bool] = mapped_column(Boolean, default=False)
    submission_locale: Mapped[str] = mapped_column(String(16))

    country: Mapped[str] = mapped_column(String(2), index=True)
    commodity: Mapped[str] = mapped_column(String(16), index=True)
    place_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    companies_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    incident_date: Mapped[date | None] = mapped_column(Date)
    incident_period_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    description_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    desired_remedy_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    people_affected: Mapped[int | None] = mapped_column(Integer)
    children_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    retaliation_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    # Representation (filers in REPRESENTATIVE_FILERS): whom they speak for, and how they may (their mandate).
    people_represented: Mapped[int | None] = mapped_column(Integer)
    households_represented: Mapped[int | None] = mapped_column(Integer)
    community_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    mandate_consent_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    mandate_status: Mapped[str] = mapped_column(String(16), default=MandateStatus.NONE, server_default="none")

    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rules_version: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filed_by_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Filed on behalf of people by a verified organisation (portal/orgs/filing.py): whom, whether they are named to
    # the committee (the names, encrypted; None = anonymous), the consent a field worker recorded, a guardian's
    # consent when children are involved, and the safeguarding flag (urgent; never public before release).
    represented_kind: Mapped[str | None] = mapped_column(String(16))
    represented_names_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent_by_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent_method: Mapped[str | None] = mapped_column(String(16))
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_language: Mapped[str | None] = mapped_column(String(12))
    guardian_consent_by_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    guardian_consent_method: Mapped[str | None] = mapped_column(String(16))
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    respondent_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    assigned_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    company_summary_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    company_extension_used: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the company took its one extension, and the reason its liaison gave (also an entry on the timeline).
    company_extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    company_extension_reason_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Asking the complainant a question pauses the clocks; the answer returns the case to this state.
    state_before_question: Mapped[str | None] = mapped_column(String(32))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    monitoring_checks_done: Mapped[int] = mapped_column(Integer, default=0)

    # One column per clock (workflow.Clock); None when the clock is not running.
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    triage_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    admissibility_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    company_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_window_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    monitoring_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    info_request_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The earliest running deadline, kept by operations, so "overdue" and "due this week" are one index range.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The complainant's own language, any ISO 639 code Babel names (core/i18n.spoken_languages), beside
    # ``submission_locale`` (the interface language they filed in); and whether an interpreter is needed, for which.
    language: Mapped[str | None] = mapped_column(String(12))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    interpreter_language: Mapped[str | None] = mapped_column(String(12))
    interpreter_note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The complainant's choice about the public register (portal/transparency): listed unless they say no, as the
    # rules of procedure promise that outcomes are published; they may change it on the follow-up page at any time.
    register_listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # A case with a retaliation or safeguarding flag is listed only once it is closed and the secretariat released it.
    register_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The secretariat's own short summary, for finding the case (portal/cases/search.py; its blind index).
    staff_summary_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)

    identity = EncryptedJSON("identity_encrypted")
    place = EncryptedText("place_encrypted")
    companies = EncryptedText("companies_encrypted")
    incident_period = EncryptedText("incident_period_encrypted")
    description = EncryptedText("description_encrypted")
    desired_remedy = EncryptedText("desired_remedy_encrypted")
    company_summary = EncryptedText("company_summary_encrypted")
    company_extension_reason = EncryptedText("company_extension_reason_encrypted")
    community = EncryptedText("community_encrypted")
    mandate_consent = EncryptedText("mandate_consent_encrypted")
    interpreter_note = EncryptedText("interpreter_note_encrypted")
    represented_names = EncryptedText("represented_names_encrypted")
    consent_by = EncryptedText("consent_by_encrypted")
    guardian_consent_by = EncryptedText("guardian_consent_by_encrypted")
    staff_summary = EncryptedText("staff_summary_encrypted")

    # In a fixed order (PostgreSQL returns rows in no promised order): every page and list says them alike.
    category_rows: Mapped[list[CaseCategory]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin", order_by="CaseCategory.category"
    )
    entries: Mapped[list[CaseEntry]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEntry.id", foreign_keys="CaseEntry.case_id"
    )
    entity_links: Mapped[list[CaseEntity]] = relationship(cascade="all, delete-orphan")
    respondent = relationship("Organisation", foreign_keys=[respondent_organisation_id])
    assigned_officer = relationship("User", foreign_keys=[assigned_officer_id])
    merged_into = relationship("Case", remote_side=[id])

    @property
    def categories(self) -> list[str]:
        return [row.category for row in self.category_rows]

    @categories.setter
    def categories(self, values: list[str]) -> None:
        self.category_rows = [CaseCategory(category=value) for value in dict.fromkeys(values)]

    @property
    def is_representative(self) -> bool:
        return self.filer_type in REPRESENTATIVE_FILERS

    @property
    def written_locale(self) -> str:
        """The interface language we write to the complainant in: the one they asked for, else the one they filed in."""
        asked = (self.identity or {}).get("language")
        return asked if asked in LOCALES else self.submission_locale

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    @property
    def urgent_open(self) -> bool:
        """Shown as urgent: a closed case never is, whatever its flag says (lists read it as a column too)."""
        return self.urgent and self.is_open

    @property
    def review_window_open(self) -> bool:
        return self.review_window_due_at is not None and utcnow() <= self.review_window_due_at

    @property
    def entity_ids(self) -> set[int]:
        return {link.entity_id for link in self.entity_links}

    def due(self) -> dict[Clock, datetime | None]:
        return {clock: getattr(self, f"{clock.value}_due_at") for clock in Clock}

    def set_due(self, due: dict[Clock, datetime | None]) -> None:
        for clock, at in due.items():
            setattr(self, f"{clock.value}_due_at", at)
        running = [at for at in due.values() if at is not None]
        self.next_due_at = min(running) if running and self.paused_at is None and not self.suspended else None

    def running_clocks(self) -> list[tuple[Clock, datetime]]:
        return sorted(((clock, at) for clock, at in self.due().items() if at is not None), key=lambda item: item[1])

    def can_complainant(self, action: Action) -> bool:
        return action in allowed_actions(State(self.state), Role.COMPLAINANT)

    def entries_for_complainant(self) -> list[CaseEntry]:
        stmt = (
            select(CaseEntry)
            .where(CaseEntry.case_id == self.id, CaseEntry.visibility == Visibility.COMPLAINANT)
            .order_by(CaseEntry.id)
        )
        return list(db.session.scalars(stmt)) + self._joint_news()

    def joint_chain(self) -> list[Case]:
        """The cases this one was merged into, in order (a joint case may itself be merged later)."""
        chain: list[Case] = []
        case = self.merged_into
        while case is not None and case not in chain and case is not self:
            chain.append(case)
            case = case.merged_into
        return chain

    def joint_case(self) -> Case:
        """Where this case's grievance is handled now: the end of its merge chain, or itself."""
        chain = self.joint_chain()
        return chain[-1] if chain else self

    @property
    def replies_open(self) -> bool:
        """The holder may write while the case, or the joint case it was merged into, is open."""
        return self.joint_case().is_open

    def absorbed_references(self) -> list[str]:
        """The references of the cases merged into this one (the staff page links them), oldest first."""
        return list(db.session.scalars(select(Case.reference).where(Case.merged_into_id == self.id).order_by(Case.id)))

    def _joint_news(self) -> list[CaseEntry]:
        """What an absorbed case's complainant reads of the joint case since the merge: the secretariat's messages
        and status changes, and their own replies. Never the other complainants' words (their replies, or the
        reasons they gave when they withdrew or asked for a review), nor what was said to them before."""
        chain = self.joint_chain()
        if not chain or self.closed_at is None:
            return []
        stmt = (
            select(CaseEntry)
            .where(
                CaseEntry.case_id.in_([case.id for case in chain]),
                CaseEntry.visibility == Visibility.COMPLAINANT,
                CaseEntry.created_at >= self.closed_at,
            )
            .order_by(CaseEntry.created_at, CaseEntry.id)
        )
        return [entry for entry in db.session.scalars(stmt) if entry.is_news_for(self)]

    @classmethod
    def by_receipt_hash(cls, receipt_hash: str) -> Case | None:
        return db.session.scalar(select(cls).where(cls.receipt_hash == receipt_hash))

    @classmethod
    def by_submission_hash(cls, submission_hash: str) -> Case | None:
        return db.session.scalar(select(cls).where(cls.submission_hash == submission_hash))

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.state}>"


class CaseEntity(db.Model):
    """A supply-chain site a case concerns; the same site across cases shows patterns."""

    __tablename__ = "case_entities"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("supply_chain_entities.id"), primary_key=True, index=True)

    entity = relationship("SupplyChainEntity", lazy="joined")


class CaseCategory(db.Model):
    __tablename__ = "case_categories"
    __table_args__ = (CheckConstraint(one_of("category", Category), name="valid_category"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    case: Mapped[Case] = relationship(back_populates="category_rows")


class CaseEntry(CreatedAtMixin, db.Model):
    """One item of a case's timeline: a message, a note, a state change."""

    __tablename__ = "case_entries"
    __table_args__ = (
        CheckConstraint(one_of("kind", EntryKind), name="valid_kind"),
        CheckConstraint(one_of("visibility", Visibility), name="valid_visibility"),
        CheckConstraint(f"new_state IS NULL OR {one_of('new_state', State)}", name="valid_new_state"),
        Index("ix_case_entries_case_id_visibility", "case_id", "visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    body_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    translation_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # For state changes: the state the case entered (not secret, used for the complainant's timeline).
    new_state: Mapped[str | None] = mapped_column(String(32))
    # A reply written on the joint case by the complainant of a case merged into it: which case they hold.
    from_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)

    body = EncryptedText("body_encrypted")
    translation = EncryptedText("translation_encrypted")

    def is_news_for(self, absorbed: Case) -> bool:
        """Whether the complainant of ``absorbed`` may read this entry of the joint case (see Case._joint_news)."""
        if self.kind == EntryKind.FROM_COMPLAINANT:
            return self.from_case_id == absorbed.id
        if self.kind == EntryKind.TO_COMPLAINANT:
            return True
        # A status change the complainant made carries their words; one without words tells only the status.
        return self.kind == EntryKind.STATE_CHANGE and (self.author_id is not None or self.body is None)

    @property
    def text_for_complainant(self) -> str | None:
        """The body is what was written for the complainant (or by them); ``translation`` is staff's working copy."""
        return self.body

    case: Mapped[Case] = relationship(back_populates="entries", foreign_keys=[case_id])
    from_case = relationship("Case", foreign_keys=[from_case_id])
    author = relationship("User")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", lazy="selectin", order_by="Attachment.id"
    )


class Attachment(CreatedAtMixin, db.Model):
    """Evidence: the encrypted file lives in blob storage under ``storage_key``, never in a static path."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint(one_of("purpose", AttachmentPurpose), name="valid_purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("case_entries.id", ondelete="CASCADE"), index=True)
    name_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    # False when metadata could not be removed (a PDF or recording kept as sent): only case staff may download it.
    cleaned: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    purpose: Mapped[str] = mapped_column(String(16), default=AttachmentPurpose.EVIDENCE, server_default="evidence")

    original_name = EncryptedText("name_encrypted")

    @property
    def is_mandate(self) -> bool:
        return self.purpose == AttachmentPurpose.MANDATE

    entry: Mapped[CaseEntry] = relationship(back_populates="attachments")
