"""Panels, recusals and decisions: how the committee proves that a case was handled impartially."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.workflow import DecisionKind, Outcome, PanelKind
from portal.core.db import CreatedAtMixin, one_of
from portal.core.encrypted import EncryptedText
from portal.extensions import db
from portal.users.models import Nomination, User


class SeatKind(StrEnum):
    CHAIR = "chair"
    INDUSTRY = "industry"
    CIVIL_SOCIETY = "civil_society"


# Which nomination may take which seat.
SEAT_NOMINATION = {SeatKind.INDUSTRY: Nomination.INDUSTRY, SeatKind.CIVIL_SOCIETY: Nomination.CIVIL_SOCIETY}


class PanelSeat(CreatedAtMixin, db.Model):
    __tablename__ = "panel_seats"
    __table_args__ = (
        CheckConstraint(one_of("seat", SeatKind), name="valid_seat"),
        CheckConstraint(one_of("panel", PanelKind), name="valid_panel"),
        UniqueConstraint("case_id", "panel", "user_id"),
        UniqueConstraint("case_id", "panel", "seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seat: Mapped[str] = mapped_column(String(16))
    panel: Mapped[str] = mapped_column(String(16), default=PanelKind.ORIGINAL)

    user: Mapped[User] = relationship(lazy="joined")


class Recusal(CreatedAtMixin, db.Model):
    """Recorded when a case names an organisation or site a staff member is tied to."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="joined")


class VoteChoice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Decision(CreatedAtMixin, db.Model):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(one_of("kind", DecisionKind), name="valid_kind"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', Outcome)}", name="valid_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    admissible: Mapped[bool | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(32))
    reasons_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    # The reasons in the complainant's language, when they were written in another.
    reasons_translation_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    referral: Mapped[str | None] = mapped_column(String(300))
    public_summary_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    published: Mapped[bool] = mapped_column(default=False)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    reasons = EncryptedText("reasons_encrypted")
    reasons_translation = EncryptedText("reasons_translation_encrypted")
    public_summary = EncryptedText("public_summary_encrypted")

    votes: Mapped[list[Vote]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    signed_by: Mapped[User] = relationship()


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        CheckConstraint(one_of("choice", VoteChoice), name="valid_choice"),
        UniqueConstraint("decision_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(lazy="joined")
