"""What a settlement or decision obliges someone to do, and what each monitoring check-in found (§5).

A commitment is one thing owed by one party by one date: compensation paid in two instalments is two commitments,
"instalment 1 of 2" and "2 of 2", each with its own amount and due date. Amounts are whole minor units of an ISO 4217
currency (cents for USD, none for JPY, fils for KWD): exact integers on every database, never a float, and the
currency's own number of decimals says how to read and print them (``babel.numbers.get_currency_precision``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

from babel.numbers import get_currency_precision, list_currencies
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases.workflow import State
from portal.core.db import CreatedAtMixin, one_of, utcnow
from portal.core.encrypted import EncryptedText
from portal.extensions import db
from portal.users.models import User

# Commitments are recorded once the case is decided, and while the remedy is monitored.
COMMITMENT_STATES = frozenset({State.DECIDED, State.MONITORING})
CURRENCIES = frozenset(list_currencies())


class CommitmentStatus(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    MISSED = "missed"


class Commitment(CreatedAtMixin, db.Model):
    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint("(amount_minor IS NULL) = (currency IS NULL)", name="amount_has_currency"),
        CheckConstraint("amount_minor IS NULL OR amount_minor > 0", name="amount_positive"),
        CheckConstraint("currency IS NULL OR length(currency) = 3", name="currency_code"),
        CheckConstraint("(instalment IS NULL) = (instalments IS NULL)", name="instalment_of"),
        CheckConstraint(
            "instalment IS NULL OR (instalment >= 1 AND instalment <= instalments AND instalments >= 2)",
            name="instalment_in_range",
        ),
        CheckConstraint("owed_by_respondent OR owed_by_encrypted IS NOT NULL", name="owed_by_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The decision (a settlement, a decision or a review) whose terms these are; None if none was signed yet.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="SET NULL"), index=True)
    what_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    # Owed by the respondent company, or by another party named in words (a contractor, a local authority...).
    owed_by_respondent: Mapped[bool] = mapped_column(Boolean, default=True)
    owed_by_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    due_on: Mapped[date] = mapped_column(Date)
    instalment: Mapped[int | None] = mapped_column(Integer)
    instalments: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    what = EncryptedText("what_encrypted")
    owed_by = EncryptedText("owed_by_encrypted")

    checks: Mapped[list[CommitmentCheck]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="CommitmentCheck.id", lazy="selectin"
    )

    @property
    def latest(self) -> CommitmentCheck | None:
        return self.checks[-1] if self.checks else None

    @property
    def status(self) -> str | None:
        return self.latest.status if self.latest else None

    @property
    def amount(self) -> Decimal | None:
        if self.amount_minor is None or self.currency is None:
            return None
        return Decimal(self.amount_minor).scaleb(-get_currency_precision(self.currency))

    @property
    def is_due(self) -> bool:
        return self.due_on <= utcnow().date()

    def can_edit(self) -> bool:
        """Terms may be corrected (removed and recorded again) until a check-in has looked at them."""
        return not self.checks

    @classmethod
    def of_case(cls, case_id: int) -> list[Commitment]:
        stmt = select(cls).where(cls.case_id == case_id).order_by(cls.due_on, cls.id)
        return list(db.session.scalars(stmt))


class CommitmentCheck(CreatedAtMixin, db.Model):
    """What one check-in found about one commitment. The note is internal: the complainant reads the status only."""

    __tablename__ = "commitment_checks"
    __table_args__ = (CheckConstraint(one_of("status", CommitmentStatus), name="valid_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    note = EncryptedText("note_encrypted")

    commitment: Mapped[Commitment] = relationship(back_populates="checks")
    checked_by: Mapped[User] = relationship()


AMOUNT = re.compile(r"\d{1,15}(\.\d{1,4})?")


def to_minor_units(text: str, currency: str) -> int | None:
    """ "1200" or "1200.50" in ``currency`` → whole minor units; None if it is not a positive amount in that
    currency's precision (no fractions of a cent). A comma is refused: "1,200" and "12,50" mean different things
    in different countries, so only a point separates decimals."""
    text = text.replace(" ", "")
    if not AMOUNT.fullmatch(text):
        return None
    minor = Decimal(text).scaleb(get_currency_precision(currency))
    if minor <= 0 or minor != minor.to_integral_value():
        return None
    return int(minor)


def any_missed(case_id: int) -> bool:
    """Whether the latest check-in of some commitment of the case found it missed (the guard of reopening)."""
    return any(commitment.status == CommitmentStatus.MISSED for commitment in Commitment.of_case(case_id))
