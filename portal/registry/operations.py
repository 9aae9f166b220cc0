"""Changes to the registry: create and edit organisations and sites, add and remove relations.

Each operation checks the business rules (formats, uniqueness, relation shapes), changes, flushes and sends
``registry_changed`` (the audit trail writes one hash-chained entry per change). A refusal raises
``RegistryRefused`` with the reasons per field (keys of ``labels.REFUSALS``) and changes nothing. Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlalchemy import func, select

from portal.cases.models import Commodity
from portal.core import signals
from portal.core.i18n import countries
from portal.extensions import db
from portal.organisations import identifiers as ids
from portal.organisations.models import (
    EntityKind,
    EntityRelation,
    Organisation,
    OrganisationIdentifier,
    OrganisationKind,
    RelationKind,
    SupplyChainEntity,
)
from portal.users.models import User

Record = Organisation | SupplyChainEntity


class RegistryRefused(Exception):
    """``reasons``: field name → reason key of ``labels.REFUSALS``."""

    def __init__(self, reasons: dict[str, str]):
        super().__init__(reasons)
        self.reasons = reasons


@dataclass
class OrganisationInput:
    name: str
    kind: str
    country: str | None = None
    lei: str | None = None
    covenant_party: bool = False
    verified: bool = False
    identifiers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class EntityInput:
    name: str
    kind: str
    country: str
    region: str | None = None
    commodities: list[str] = field(default_factory=list)
    operator_organisation_id: int | None = None
    rmi_id: str | None = None
    os_id: str | None = None
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None


def known_country(code: str | None) -> str | None:
    code = ids.normal_country(code)
    return code if code and code in dict(countries("en")) else None


def _taken(query, current: Record | None) -> bool:
    found = db.session.scalar(query.limit(1))
    return found is not None and (current is None or found != current.id)


# --- Organisations -------------------------------------------------------------------------------------------------


def check_organisation(data: OrganisationInput, current: Organisation | None = None) -> OrganisationInput:
    """``data`` in stored form, or RegistryRefused."""
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "name_required"
    elif _taken(select(Organisation.id).where(func.lower(Organisation.name) == name.lower()), current):
        errors["name"] = "name_taken"
    if data.kind not in set(OrganisationKind):
        errors["kind"] = "kind_invalid"
    country = known_country(data.country) if data.country else None
    if data.country and country is None:
        errors["country"] = "country_invalid"
    lei = ids.normal_lei(data.lei) if data.lei else None
    if data.lei and lei is None:
        errors["lei"] = "lei_invalid"
    elif lei and _taken(select(Organisation.id).where(Organisation.lei == lei), current):
        errors["lei"] = "lei_taken"
    identifiers = []
    for scheme, number in data.identifiers:
        pair = (ids.normal_scheme(scheme), ids.normal_register_number(number))
        if None in pair:
            errors["identifiers"] = "identifier_invalid"
            continue
        owner = select(OrganisationIdentifier.organisation_id).where(
            OrganisationIdentifier.scheme == pair[0], OrganisationIdentifier.identifier == pair[1]
        )
        if _taken(owner, current):
            errors.setdefault("identifiers", "identifier_taken")
        identifiers.append(pair)
    if errors:
        raise RegistryRefused(errors)
    return replace(data, name=name, country=country, lei=lei, identifiers=list(dict.fromkeys(identifiers)))


def _set_identifiers(organisation: Organisation, wanted: list[tuple[str, str]]) -> bool:
    have = {(row.scheme, row.identifier): row for row in organisation.identifiers}
    if set(have) == set(wanted):
        return False
    for key, row in have.items():
        if key not in wanted:
            organisation.identifiers.remove(row)
    db.session.flush()  # the removed rows go first, so that a number can move between schemes' rows
    for scheme, number in wanted:
        if (scheme, number) not in have:
            organisation.identifiers.append(OrganisationIdentifier(scheme=scheme, identifier=number))
    return True


def _assign(record: Record, data: Any, skip: set[str]) -> list[str]:
    changed = []
    for item in fields(data):
        if item.name in skip:
            continue
        value = getattr(data, item.name)
        if getattr(record, item.name) != value:
            setattr(record, item.name, value)
            changed.append(item.name)
    return changed


def _given(data: Any) -> list[str]:
    """The fields a new record was given: what a "created" entry lists."""
    return [item.name for item in fields(data) if getattr(data, item.name) not in (None, False, [], "")]


def save_organisation(data: OrganisationInput, actor: User | None, organisation: Organisation | None = None):
    """Create (``organisation`` None) or update an organisation; returns it and the names of changed fields."""
    data = check_organisation(data, organisation)
    created = organisation is None
    if organisation is None:
        organisation = Organisation(name=data.name, kind=data.kind)
        db.session.add(organisation)
    changed = _assign(organisation, data, {"identifiers"})
    if _set_identifiers(organisation, data.identifiers):
        changed.append("identifiers")
    changed = _given(data) if created else changed
    db.session.flush()
    if created or changed:
        signals.registry_changed.send(
            organisation, actor=actor, change="created" if created else "updated", fields=changed
        )
    return organisation, changed


# --- Sites ---------------------------------------------------------------------------------------------------------


def _coordinates(data: EntityInput) -> bool:
    lat, lon = data.latitude, data.longitude
    if lat is None and lon is None:
        return True
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def check_entity(data: EntityInput, current: SupplyChainEntity | None = None) -> EntityInput:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "name_required"
    if data.kind not in set(EntityKind):
        errors["kind"] = "kind_invalid"
    country = known_country(data.country)
    if country is None:
        errors["country"] = "country_invalid"
    region = ids.normal_region(data.region, country) if data.region else None
    if data.region and region is None:
        errors["region"] = "region_invalid"
    if any(value not in set(Commodity) for value in data.commodities):
        errors["commodities"] = "commodity_invalid"
    operator = data.operator_organisation_id
    if operator is not None and db.session.get(Organisation, operator) is None:
        errors["operator_organisation_id"] = "operator_invalid"
    normal = {}
    for key, normalise, column, prefix in (
        ("rmi_id", ids.normal_rmi_id, SupplyChainEntity.rmi_id, "rmi"),
        ("os_id", ids.normal_os_id, SupplyChainEntity.os_id, "os_id"),
    ):
        given = getattr(data, key)
        normal[key] = normalise(given) if given else None
        if given and normal[key] is None:
            errors[key] = f"{prefix}_invalid"
        elif normal[key] and _taken(select(SupplyChainEntity.id).where(column == normal[key]), current):
            errors[key] = f"{prefix}_taken"
    if data.geonames_id is not None and not 0 < data.geonames_id < 2**31:
        errors["geonames_id"] = "geonames_invalid"
    if not _coordinates(data):
        errors["latitude"] = "coordinates_invalid"
    if errors:
        raise RegistryRefused(errors)
    return replace(data, name=name, country=country, region=region, commodities=sorted(set(data.commodities)), **normal)


def save_entity(data: EntityInput, actor: User | None, entity: SupplyChainEntity | None = None):
    """Create (``entity`` None) or update a site; returns it and the names of changed fields."""
    data = check_entity(data, entity)
    created = entity is None
    if entity is None:
        entity = SupplyChainEntity(name=data.name, kind=data.kind, country=data.country)
        db.session.add(entity)
    changed = _assign(entity, data, {"commodities", "latitude", "longitude"})
    if sorted(entity.commodities) != data.commodities:
        entity.commodities = data.commodities
        changed.append("commodities")
    for name in ("latitude", "longitude"):
        value = getattr(data, name)
        before = getattr(entity, name)
        setattr(entity, name, value)  # rounded by the model
        if getattr(entity, name) != before:
            changed.append(name)
    changed = _given(data) if created else changed
    db.session.flush()
    if created or changed:
        signals.registry_changed.send(entity, actor=actor, change="created" if created else "updated", fields=changed)
    return entity, changed


# --- Relations -----------------------------------------------------------------------------------------------------

# Which sides each relation joins (module docstring of portal/organisations/models.py).
SHAPES = {
    RelationKind.OPERATES: ({Organisation}, {SupplyChainEntity}),
    RelationKind.OWNED_BY: ({Organisation, SupplyChainEntity}, {Organisation}),
    RelationKind.SUPPLIES: ({SupplyChainEntity}, {SupplyChainEntity, Organisation}),
}


def _sides(subject: Record, obj: Record) -> dict[str, int | None]:
    return {
        "subject_organisation_id": subject.id if isinstance(subject, Organisation) else None,
        "subject_entity_id": subject.id if isinstance(subject, SupplyChainEntity) else None,
        "object_organisation_id": obj.id if isinstance(obj, Organisation) else None,
        "object_entity_id": obj.id if isinstance(obj, SupplyChainEntity) else None,
    }


def add_relation(subject: Record, relation: str, obj: Record, actor: User | None) -> EntityRelation:
    shape = SHAPES.get(relation)  # type: ignore[call-overload]
    if shape is None or type(subject) not in shape[0] or type(obj) not in shape[1]:
        raise RegistryRefused({"relation": "relation_invalid"})
    if subject is obj:
        raise RegistryRefused({"relation": "relation_self"})
    sides = _sides(subject, obj)
    query = select(EntityRelation.id).where(
        EntityRelation.relation == relation,
        *(getattr(EntityRelation, key).is_(None) if value is None else getattr(EntityRelation, key) == value
          for key, value in sides.items()),
    )  # fmt: skip
    if db.session.scalar(query) is not None:
        raise RegistryRefused({"relation": "relation_exists"})
    row = EntityRelation(relation=relation, **sides)
    db.session.add(row)
    db.session.flush()
    signals.registry_changed.send(subject, actor=actor, change="relation_added", relation=row)
    return row


def remove_relation(row: EntityRelation, actor: User | None) -> None:
    subject = row.subject
    signals.registry_changed.send(subject, actor=actor, change="relation_removed", relation=row)
    db.session.delete(row)
    db.session.flush()
