"""Registry lists and what a detail page shows: filters as plain data, one query per list.

The filters use the indexes of kind, country, covenant party and commodity; the name search is a substring match
(the registry holds thousands of rows, not millions).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from portal.cases.models import Case, CaseEntity
from portal.core.i18n import country_name
from portal.extensions import db
from portal.organisations.models import EntityCommodity, EntityRelation, Organisation, SupplyChainEntity

PAGE_SIZE = 50


@dataclass(frozen=True)
class RegistryFilters:
    kind: str | None = None
    country: str | None = None
    commodity: str | None = None
    covenant_party: bool = False
    text: str | None = None


def _name_contains(column, text: str):
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def organisations(filters: RegistryFilters) -> Select:
    query = select(Organisation).options(selectinload(Organisation.identifiers))
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind)
    if filters.country:
        query = query.where(Organisation.country == filters.country)
    if filters.covenant_party:
        query = query.where(Organisation.covenant_party)
    if filters.commodity:  # organisations operating or owning a site that handles it
        query = query.where(
            exists().where(
                SupplyChainEntity.operator_organisation_id == Organisation.id,
                EntityCommodity.entity_id == SupplyChainEntity.id,
                EntityCommodity.commodity == filters.commodity,
            )
        )
    if filters.text:
        query = query.where(_name_contains(Organisation.name, filters.text))
    return query.order_by(Organisation.name, Organisation.id)


def entities(filters: RegistryFilters) -> Select:
    query = select(SupplyChainEntity).options(selectinload(SupplyChainEntity.operator))
    if filters.kind:
        query = query.where(SupplyChainEntity.kind == filters.kind)
    if filters.country:
        query = query.where(SupplyChainEntity.country == filters.country)
    if filters.commodity:
        query = query.where(
            exists().where(
                EntityCommodity.entity_id == SupplyChainEntity.id, EntityCommodity.commodity == filters.commodity
            )
        )
    if filters.covenant_party:  # sites run by a covenant party
        query = query.join(Organisation, SupplyChainEntity.operator_organisation_id == Organisation.id).where(
            Organisation.covenant_party
        )
    if filters.text:
        query = query.where(_name_contains(SupplyChainEntity.name, filters.text))
    return query.order_by(SupplyChainEntity.name, SupplyChainEntity.id)


def page_of(query: Select, page: int, size: int = PAGE_SIZE) -> tuple[list, bool]:
    rows = db.session.scalars(query.limit(size + 1).offset((page - 1) * size)).all()
    return list(rows[:size]), len(rows) > size


def cases_naming_organisation(organisation_id: int) -> int:
    """How many cases name the organisation as respondent: a count, no case content."""
    return db.session.scalar(select(func.count()).where(Case.respondent_organisation_id == organisation_id)) or 0


def cases_naming_entity(entity_id: int) -> int:
    return db.session.scalar(select(func.count()).where(CaseEntity.entity_id == entity_id)) or 0


def relations_of(record: Organisation | SupplyChainEntity) -> list[EntityRelation]:
    """Every relation the record is a side of, either way round."""
    if isinstance(record, Organisation):
        sides = or_(
            EntityRelation.subject_organisation_id == record.id, EntityRelation.object_organisation_id == record.id
        )
    else:
        sides = or_(EntityRelation.subject_entity_id == record.id, EntityRelation.object_entity_id == record.id)
    query = select(EntityRelation).where(sides).order_by(EntityRelation.relation, EntityRelation.id)
    return list(db.session.scalars(query))


def operated_sites(organisation_id: int) -> list[SupplyChainEntity]:
    query = select(SupplyChainEntity).where(SupplyChainEntity.operator_organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(SupplyChainEntity.name)))


def organisation_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    return [(str(row.id), row.name) for row in rows]


def entity_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(SupplyChainEntity.id, SupplyChainEntity.name, SupplyChainEntity.country).order_by(SupplyChainEntity.name)
    ).all()
    return [(str(row.id), f"{row.name} ({country_name(row.country)})") for row in rows]
