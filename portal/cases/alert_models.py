"""The secretariat's desk: pattern alerts and duplicate suggestions (docs/architecture.md §5).

- ``Alert``: several grievances about one group within the window (``ALERT_THRESHOLD`` in ``ALERT_WINDOW_DAYS``):
  one site, one organisation (as respondent or as the operator of a linked site), or one category + commodity +
  country. ``AlertCase`` holds the cases it groups, ``AlertMember`` the covenant members downstream of it in the
  registry's supply relations (a record of what the secretariat was told). Rules in ``portal/cases/alerts.py``.
- ``DuplicateSuggestion``: two open cases that may be one grievance, with a score and the reasons (keys, never
  text), computed when a case is filed or linked (``portal/cases/duplicates.py``). The pair is stored once, lower
  case id first; a dismissed pair is kept so that it is never suggested again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.models import Case, Category, Commodity
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of
from portal.extensions import db


class AlertKind(StrEnum):
    # In order of precedence: a group whose cases an alert of an earlier kind already holds raises none.
    SITE = "site"
    ORGANISATION = "organisation"
    PATTERN = "pattern"  # the same category, commodity and country


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISMISSED = "dismissed"


class SuggestionStatus(StrEnum):
    SUGGESTED = "suggested"
    DISMISSED = "dismissed"


class DuplicateReason(StrEnum):
    SITE = "site"
    RESPONDENT = "respondent"
    CATEGORY = "category"
    DATES = "dates"
    PLACE = "place"
    TEXT = "text"


class Alert(CreatedAtMixin, db.Model):
    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(one_of("kind", AlertKind), name="valid_kind"),
        CheckConstraint(one_of("status", AlertStatus), name="valid_status"),
        CheckConstraint(f"category IS NULL OR {one_of('category', Category)}", name="valid_category"),
        CheckConstraint(f"commodity IS NULL OR {one_of('commodity', Commodity)}", name="valid_commodity"),
        CheckConstraint(
            "(kind = 'site') = (entity_id IS NOT NULL) AND (kind = 'organisation') = (organisation_id IS NOT NULL)"
            " AND (kind = 'pattern') = (category IS NOT NULL AND commodity IS NOT NULL AND country IS NOT NULL)",
            name="valid_group",
        ),
        # The dashboard: open alerts, newest case first; detection: the alerts of one group.
        Index("ix_alerts_status_last_case_at", "status", "last_case_at"),
        Index("ix_alerts_group_key_id", "group_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # "site:12", "organisation:3", "pattern:child_labour:cobalt:CD": the group, for detection's one indexed lookup.
    group_key: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("supply_chain_entities.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(32))
    commodity: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.OPEN)
    # The filing times of its first and newest grouped case when it was raised or a case joined it (a dismissed
    # alert keeps the value it had when dismissed: its window ends ALERT_WINDOW_DAYS after it).
    first_case_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_case_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    entity = relationship("SupplyChainEntity")
    organisation = relationship("Organisation")
    status_changed_by = relationship("User")
    case_rows: Mapped[list[AlertCase]] = relationship(cascade="all, delete-orphan", order_by="AlertCase.case_id")
    member_rows: Mapped[list[AlertMember]] = relationship(
        cascade="all, delete-orphan", order_by="(AlertMember.hops, AlertMember.organisation_id)"
    )

    @property
    def audit_target(self) -> str:
        return f"alert:{self.id}"

    @property
    def case_ids(self) -> set[int]:
        return {row.case_id for row in self.case_rows}

    def __repr__(self) -> str:
        return f"<Alert {self.id} {self.group_key} {self.status}>"


class AlertCase(db.Model):
    __tablename__ = "alert_cases"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertMember(db.Model):
    """A covenant member downstream of the alert's group, ``hops`` supply relations away."""

    __tablename__ = "alert_members"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    hops: Mapped[int] = mapped_column(Integer)

    organisation = relationship("Organisation", lazy="joined")


class DuplicateSuggestion(CreatedAtMixin, db.Model):
    __tablename__ = "duplicate_suggestions"
    __table_args__ = (
        CheckConstraint(one_of("status", SuggestionStatus), name="valid_status"),
        CheckConstraint("first_case_id < second_case_id", name="ordered_pair"),
        CheckConstraint("score >= 0 AND score <= 100", name="valid_score"),
        UniqueConstraint("first_case_id", "second_case_id"),
        Index("ix_duplicate_suggestions_second_case_id", "second_case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    second_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)  # 0..100
    # DuplicateReason values, comma-separated, strongest first: why, never what was written.
    reasons: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=SuggestionStatus.SUGGESTED)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def reason_keys(self) -> list[str]:
        return [key for key in self.reasons.split(",") if key]

    def other(self, case_id: int) -> int:
        return self.second_case_id if case_id == self.first_case_id else self.first_case_id


# Detection counts the cases of a category + commodity + country within a window: one index range per group.
# Declared here (the desk's query) on the cases table; the desk's migration creates it.
Index("ix_cases_country_commodity_created_at", Case.country, Case.commodity, Case.created_at)
