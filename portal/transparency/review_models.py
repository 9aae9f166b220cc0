"""The annual effectiveness review and the complainants' satisfaction answers (docs/architecture.md §5, §8).

**Satisfaction** is anonymous by construction. ``SatisfactionAnswer`` holds the answers and only what the review's
indicators group by (the year the case closed, commodity, country, categories, channel, who answered): no case id,
no receipt, no timestamp, and a random key instead of a counting id, so neither a column nor the order of the rows
leads back to a case. ``SatisfactionMarker`` is the one-way mark on the case that the question was answered (or
declined) by that kind of person, so it is not asked twice; it holds no answer and no time.

**The review** of a year (``AnnualReview``) is computed from the cases when asked (``portal/transparency/review.py``);
the committee writes its narrative (per language) and the chair adopts it, which freezes the indicators as they
stood (``indicators``, already suppressed: no small count is ever stored) and publishes it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.models import Commodity
from portal.core.db import UTCDateTime, one_of
from portal.core.roles import CASEWORK, Role
from portal.extensions import db


class Channel(StrEnum):
    """How a grievance reached the mechanism: the online form (the person or someone for them), or an
    organisation filing through its own account (``Case.filed_by_organisation_id``)."""

    ONLINE = "online"
    ORGANISATION = "organisation"


class Answerer(StrEnum):
    """Who answers the satisfaction questions of a closed case: the receipt holder, or the filing organisation."""

    COMPLAINANT = "complainant"
    ORGANISATION = "organisation"


class Scale(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    PREFER_NOT = "prefer_not"


QUESTIONS = ("fair", "respected", "safe")


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"


def _random_key() -> str:
    return secrets.token_hex(16)


class SatisfactionAnswer(db.Model):
    __tablename__ = "satisfaction_answers"
    __table_args__ = (
        CheckConstraint(one_of("answered_by", Answerer), name="valid_answered_by"),
        CheckConstraint(one_of("commodity", Commodity), name="valid_commodity"),
        CheckConstraint(one_of("channel", Channel), name="valid_channel"),
        CheckConstraint(f"fair IS NULL OR {one_of('fair', Scale)}", name="valid_fair"),
        CheckConstraint(f"respected IS NULL OR {one_of('respected', Scale)}", name="valid_respected"),
        CheckConstraint(f"safe IS NULL OR {one_of('safe', Scale)}", name="valid_safe"),
    )

    # Random, so that the order of the rows says nothing about the order in which cases closed.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    year: Mapped[int] = mapped_column(Integer, index=True)  # the year the case closed: the review's year
    answered_by: Mapped[str] = mapped_column(String(16))
    commodity: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    categories: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(16))
    fair: Mapped[str | None] = mapped_column(String(16))
    respected: Mapped[str | None] = mapped_column(String(16))
    safe: Mapped[str | None] = mapped_column(String(16))


class SatisfactionMarker(db.Model):
    """That this kind of person answered (or declined) for this case: never what, never when."""

    __tablename__ = "satisfaction_markers"
    __table_args__ = (CheckConstraint(one_of("answered_by", Answerer), name="valid_answered_by"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    answered_by: Mapped[str] = mapped_column(String(16), primary_key=True)


class AnnualReview(db.Model):
    __tablename__ = "annual_reviews"
    __table_args__ = (CheckConstraint(one_of("status", ReviewStatus), name="valid_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.DRAFT)
    # {locale: text}: the committee's narrative, public once adopted.
    narrative: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The indicators as they stood at adoption (review.compute, suppressed); None while a draft.
    indicators: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def audit_target(self) -> str:
        return f"review:{self.year}"

    @property
    def is_adopted(self) -> bool:
        return self.status == ReviewStatus.ADOPTED

    def narrative_for(self, locale: str) -> tuple[str, str] | None:
        """(locale, text) in ``locale``, else English, else the first language written."""
        texts = self.narrative or {}
        for code in (locale, "en", *texts):
            if texts.get(code):
                return code, texts[code]
        return None


# Who does what with the review (docs/architecture.md §4).
REVIEW_READERS = CASEWORK  # the secretariat, the chair and the committee's members


def can_read_review(user) -> bool:
    return user.is_authenticated and user.role in REVIEW_READERS


def can_write_narrative(user) -> bool:
    """The committee writes its narrative; the secretariat drafts it for them."""
    return user.is_authenticated and user.role in REVIEW_READERS


def can_adopt(user) -> bool:
    """Only the chair adopts the review for the committee."""
    return user.is_authenticated and user.role == Role.CHAIR
