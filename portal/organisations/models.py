from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import CreatedAtMixin, one_of
from portal.extensions import db


class OrganisationKind(StrEnum):
    COMPANY = "company"
    INDUSTRY_ASSOCIATION = "industry_association"
    UNION = "union"
    NGO = "ngo"
    GOVERNMENT = "government"
    SECRETARIAT = "secretariat"


class Organisation(CreatedAtMixin, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(one_of("kind", OrganisationKind), name="valid_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    covenant_party: Mapped[bool] = mapped_column(Boolean, default=False)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class EntityKind(StrEnum):
    MINE = "mine"
    SMELTER = "smelter"
    REFINERY = "refinery"
    TRADER = "trader"
    MANUFACTURER = "manufacturer"
    PORT = "port"
    DEPOT = "depot"


class SupplyChainEntity(CreatedAtMixin, db.Model):
    """A site in a metal supply chain: a mine, a smelter, a depot. Cases link to it; patterns become visible."""

    __tablename__ = "supply_chain_entities"
    __table_args__ = (CheckConstraint(one_of("kind", EntityKind), name="valid_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    commodities: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Commodity values
    country: Mapped[str] = mapped_column(String(2), index=True)
    # The covenant member company that runs or sources from the site, if any.
    operator_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    operator: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"<SupplyChainEntity {self.id} {self.name!r}>"
