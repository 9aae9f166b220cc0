"""The registry of organisations and supply-chain sites (docs/architecture.md §5).

- ``Organisation``: a company, association, union, NGO, community organisation, government body or the
  secretariat; its LEI (ISO 17442) and national register identifiers (``OrganisationIdentifier``, org-id.guide
  style: scheme ``NL-KVK``, identifier ``12345678``).
- ``SupplyChainEntity``: a site (mine, smelter, refinery, trader, manufacturer, port, depot); its commodities
  (``EntityCommodity``), RMI facility id, Open Supply Hub OS ID, GeoNames id, ISO 3166-2 region and coarse
  coordinates (two decimals, about a kilometre: a site, never a person's whereabouts).
- ``EntityRelation``: typed, directed relations, each side exactly one organisation or one site:

  ========== ===================== ==========================
  relation   subject               object
  ========== ===================== ==========================
  operates   organisation          site (besides the site's one ``operator``, e.g. joint-venture partners)
  owned_by   organisation or site  organisation
  supplies   site                  site or organisation
  ========== ===================== ==========================

  The CHECK constraints hold these shapes in the database too.

Identifier formats are checked in ``portal/organisations/identifiers.py``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.core.db import CreatedAtMixin, UTCDateTime, one_of
from portal.extensions import db

# Coordinates are kept to two decimals (about 1.1 km): enough to find a site on a map, too coarse to find a person.
COORDINATE_DECIMALS = 2


class OrganisationKind(StrEnum):
    COMPANY = "company"
    INDUSTRY_ASSOCIATION = "industry_association"
    UNION = "union"
    NGO = "ngo"
    COMMUNITY_ORGANISATION = "community_organisation"
    GOVERNMENT = "government"
    SECRETARIAT = "secretariat"


class Organisation(CreatedAtMixin, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(one_of("kind", OrganisationKind), name="valid_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    covenant_party: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # The organisation agreed to be named in the public register on the cases it filed (transparency/queries.py);
    # without that, the register says only who filed in kind (union, NGO). Its admin decides at /org/.
    named_in_register: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Who of the secretariat verified it and when (portal/orgs/operations.py); a verified union, NGO or community
    # organisation may file on behalf of people. A plain id: this package sits below users (the audit trail has more).
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(Integer)
    # ISO 17442 Legal Entity Identifier, upper case, check digits verified before it is stored.
    lei: Mapped[str | None] = mapped_column(String(20), unique=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2

    identifiers: Mapped[list[OrganisationIdentifier]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="(OrganisationIdentifier.scheme, OrganisationIdentifier.identifier)",
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationIdentifier(db.Model):
    """A national register number, in org-id.guide terms: the register (scheme) and the number in it."""

    __tablename__ = "organisation_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(20))  # e.g. NL-KVK, GB-COH, CD-RCCM
    identifier: Mapped[str] = mapped_column(String(64))

    organisation: Mapped[Organisation] = relationship(back_populates="identifiers")


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
    __table_args__ = (
        CheckConstraint(one_of("kind", EntityKind), name="valid_kind"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="valid_latitude"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="valid_longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    region: Mapped[str | None] = mapped_column(String(6))  # ISO 3166-2, e.g. CD-LU
    # The covenant member company that runs or sources from the site, if any; recusal follows it.
    operator_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    rmi_id: Mapped[str | None] = mapped_column(String(9), unique=True)  # RMI facility id, CID + 6 digits
    os_id: Mapped[str | None] = mapped_column(String(15), unique=True)  # Open Supply Hub OS ID
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    operator: Mapped[Organisation | None] = relationship()
    commodity_rows: Mapped[list[EntityCommodity]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EntityCommodity.commodity"
    )

    @property
    def commodities(self) -> list[str]:
        return [row.commodity for row in self.commodity_rows]

    @commodities.setter
    def commodities(self, values: list[str]) -> None:
        wanted = list(dict.fromkeys(values))
        kept = [row for row in self.commodity_rows if row.commodity in wanted]
        have = {row.commodity for row in kept}
        self.commodity_rows = kept + [EntityCommodity(commodity=value) for value in wanted if value not in have]

    @validates("latitude", "longitude")
    def _coarse(self, key: str, value: float | None) -> float | None:
        return None if value is None else round(float(value), COORDINATE_DECIMALS)

    def __repr__(self) -> str:
        return f"<SupplyChainEntity {self.id} {self.name!r}>"

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        """Every registered site as (id, name), by name: the choices of the list filters (hundreds of sites, not
        case-sized; pairs, not objects, so a form keeps its options keyed by the list itself)."""
        stmt = select(cls.id, cls.name).order_by(cls.name)
        return [(entity_id, name) for entity_id, name in db.session.execute(stmt)]


# The values of ``portal.cases.models.Commodity`` (cases sit above this package); tests/core/test_constraints.py
# holds the two lists to each other.
COMMODITY_VALUES = ("aluminium", "steel", "cobalt", "copper", "nickel", "tin", "zinc", "other")


class EntityCommodity(db.Model):
    """A metal or mineral a site handles."""

    __tablename__ = "entity_commodities"
    __table_args__ = (CheckConstraint(one_of("commodity", COMMODITY_VALUES), name="valid_commodity"),)

    entity_id: Mapped[int] = mapped_column(ForeignKey("supply_chain_entities.id", ondelete="CASCADE"), primary_key=True)
    commodity: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class RelationKind(StrEnum):
    OPERATES = "operates"
    OWNED_BY = "owned_by"
    SUPPLIES = "supplies"


# The shapes of the module docstring's table, as SQL.
_ONE_SUBJECT = "(subject_organisation_id IS NULL) <> (subject_entity_id IS NULL)"
_ONE_OBJECT = "(object_organisation_id IS NULL) <> (object_entity_id IS NULL)"
_SHAPE = (
    "(relation = 'operates' AND subject_organisation_id IS NOT NULL AND object_entity_id IS NOT NULL)"
    " OR (relation = 'owned_by' AND object_organisation_id IS NOT NULL)"
    " OR (relation = 'supplies' AND subject_entity_id IS NOT NULL)"
)


class EntityRelation(CreatedAtMixin, db.Model):
    """``subject relation object``: "Acme operates Kolwezi depot", "Kolwezi depot supplies Fria refinery"."""

    __tablename__ = "entity_relations"
    __table_args__ = (
        CheckConstraint(one_of("relation", RelationKind), name="valid_relation"),
        CheckConstraint(_ONE_SUBJECT, name="one_subject"),
        CheckConstraint(_ONE_OBJECT, name="one_object"),
        CheckConstraint(_SHAPE, name="valid_shape"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relation: Mapped[str] = mapped_column(String(16))
    subject_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    subject_entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_chain_entities.id", ondelete="CASCADE"), index=True
    )
    object_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    object_entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_chain_entities.id", ondelete="CASCADE"), index=True
    )

    subject_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[subject_organisation_id])
    subject_entity: Mapped[SupplyChainEntity | None] = relationship(foreign_keys=[subject_entity_id])
    object_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[object_organisation_id])
    object_entity: Mapped[SupplyChainEntity | None] = relationship(foreign_keys=[object_entity_id])

    @property
    def subject(self) -> Organisation | SupplyChainEntity:
        return self.subject_organisation or self.subject_entity  # type: ignore[return-value]

    @property
    def object(self) -> Organisation | SupplyChainEntity:
        return self.object_organisation or self.object_entity  # type: ignore[return-value]
