"""Import organisations and sites from one CSV file (``flask portal import-entities``).

One row per record; the ``record`` column says ``organisation`` or ``entity``. Organisation rows are applied
first, so a site's ``operator`` may name an organisation of the same file. Re-importing updates: a row is matched
to a registered record by a stable key — an organisation by its LEI, else by one of its register identifiers, else
by its name (names are unique); a site by its RMI facility id, else its OS ID, else its name and country.

Every row goes through the same operations as the staff pages (formats, uniqueness, audit entry). The import is
all or nothing: the caller commits only when ``ImportResult.errors`` is empty, and rolls back otherwise.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy import func, select

from portal.extensions import db
from portal.organisations import identifiers as ids
from portal.organisations.models import Organisation, OrganisationIdentifier, SupplyChainEntity
from portal.registry import operations
from portal.registry.labels import REFUSALS

ORGANISATION_COLUMNS = {
    "name": "Name (required; unique among organisations).",
    "kind": "company, industry_association, union, ngo, community_organisation, government or secretariat.",
    "country": "ISO 3166-1 alpha-2 code, e.g. NL (optional for organisations, required for sites).",
    "lei": "ISO 17442 LEI, 20 characters with valid check digits.",
    "identifiers": "National register identifiers, 'SCHEME NUMBER' separated by ';', e.g. 'NL-KVK 12345678'.",
    "covenant_party": "yes/no (also true/false, 1/0; empty is no).",
    "verified": "yes/no.",
}
ENTITY_COLUMNS = {
    "name": "Name (required).",
    "kind": "mine, smelter, refinery, trader, manufacturer, port or depot.",
    "country": "ISO 3166-1 alpha-2 code (required).",
    "region": "ISO 3166-2 code of a subdivision of that country, e.g. CD-LU.",
    "commodities": "aluminium, steel, cobalt, copper, nickel, tin, zinc, other; several separated by ';'.",
    "operator": "The operating organisation: its LEI, 'SCHEME NUMBER' or exact name.",
    "rmi_id": "RMI facility id, CID and six digits.",
    "os_id": "Open Supply Hub OS ID, two letters and 13 letters or digits.",
    "geonames_id": "GeoNames id, a whole number.",
    "latitude": "Decimal degrees, -90 to 90; stored to two decimals.",
    "longitude": "Decimal degrees, -180 to 180; stored to two decimals.",
}
COLUMNS = {"record": "organisation or entity.", **ORGANISATION_COLUMNS, **ENTITY_COLUMNS}
TRUE, FALSE = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)  # ("organisation" | "entity", "created" | "updated" | ...)
    errors: list[str] = field(default_factory=list)  # "line 4: lei: ..."


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _bool(row: dict, column: str) -> bool:
    value = (row.get(column) or "").strip().lower()
    if value in TRUE | FALSE:
        return value in TRUE
    raise RowError(column, "write yes or no")


def _number(row: dict, column: str, kind: type):
    value = (row.get(column) or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return kind(value)
    except ValueError as error:
        raise RowError(column, "not a number") from error


def _list(row: dict, column: str) -> list[str]:
    return [item.strip() for item in (row.get(column) or "").split(";") if item.strip()]


def _text(row: dict, column: str) -> str | None:
    return (row.get(column) or "").strip() or None


def find_organisation(key: str | None) -> Organisation | None:
    """By LEI, by 'SCHEME NUMBER' or by name (case-insensitive)."""
    if not key:
        return None
    lei = ids.normal_lei(key)
    if lei:
        return db.session.scalar(select(Organisation).where(Organisation.lei == lei))
    scheme, _, number = key.strip().partition(" ")
    if ids.normal_scheme(scheme) and number.strip():
        found = db.session.scalar(
            select(Organisation)
            .join(OrganisationIdentifier)
            .where(
                OrganisationIdentifier.scheme == ids.normal_scheme(scheme),
                OrganisationIdentifier.identifier == number.strip(),
            )
        )
        if found:
            return found
    return db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == key.strip().lower()))


def _existing_organisation(data: operations.OrganisationInput) -> Organisation | None:
    """The registered organisation this row describes: by LEI, else a register identifier, else the name."""
    lei = data.lei if ids.normal_lei(data.lei) else None
    keys = [lei, *(f"{scheme} {number}" for scheme, number in data.identifiers)]
    for key in keys:
        found = find_organisation(key) if key else None
        if found is not None:
            return found
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == " ".join(data.name.split()).lower())
    )


def _existing_entity(data: operations.EntityInput) -> SupplyChainEntity | None:
    for column, value in (
        (SupplyChainEntity.rmi_id, ids.normal_rmi_id(data.rmi_id)),
        (SupplyChainEntity.os_id, ids.normal_os_id(data.os_id)),
    ):
        if value:
            found = db.session.scalar(select(SupplyChainEntity).where(column == value))
            if found is not None:
                return found
    return db.session.scalar(
        select(SupplyChainEntity).where(
            func.lower(SupplyChainEntity.name) == " ".join((data.name or "").split()).lower(),
            SupplyChainEntity.country == (ids.normal_country(data.country) or ""),
        )
    )


def _organisation(row: dict) -> tuple[str, Organisation]:
    identifiers = []
    for item in _list(row, "identifiers"):
        scheme, _, number = item.partition(" ")
        identifiers.append((scheme, number.strip()))
    data = operations.OrganisationInput(
        name=_text(row, "name") or "",
        kind=_text(row, "kind") or "",
        country=_text(row, "country"),
        lei=_text(row, "lei"),
        covenant_party=_bool(row, "covenant_party"),
        verified=_bool(row, "verified"),
        identifiers=identifiers,
    )
    existing = _existing_organisation(data)
    saved, changed = operations.save_organisation(data, None, existing)
    return ("created" if existing is None else "updated" if changed else "unchanged"), saved


def _entity(row: dict) -> tuple[str, SupplyChainEntity]:
    operator_key = _text(row, "operator")
    operator = find_organisation(operator_key)
    if operator_key and operator is None:
        raise RowError("operator", "no registered organisation has this LEI, identifier or name")
    data = operations.EntityInput(
        name=_text(row, "name") or "",
        kind=_text(row, "kind") or "",
        country=_text(row, "country") or "",
        region=_text(row, "region"),
        commodities=[item.lower() for item in _list(row, "commodities")],
        operator_organisation_id=operator.id if operator else None,
        rmi_id=_text(row, "rmi_id"),
        os_id=_text(row, "os_id"),
        geonames_id=_number(row, "geonames_id", int),
        latitude=_number(row, "latitude", float),
        longitude=_number(row, "longitude", float),
    )
    existing = _existing_entity(data)
    saved, changed = operations.save_entity(data, None, existing)
    return ("created" if existing is None else "updated" if changed else "unchanged"), saved


def import_csv(stream: IO[str]) -> ImportResult:
    """Apply every row; collect every error with its line number. Never commits."""
    result = ImportResult()
    reader = csv.DictReader(stream)
    headers = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in headers if name not in COLUMNS]
    missing = [name for name in ("record", "name", "kind") if name not in headers]
    if unknown or missing:
        result.errors.append(f"line 1: unknown columns {unknown}, missing columns {missing}")
        return result
    rows = []
    for row in reader:
        cleaned = {(key or "").strip(): value for key, value in row.items()}
        rows.append((reader.line_num, cleaned))
    ordered = sorted(rows, key=lambda item: (item[1].get("record", "").strip() != "organisation", item[0]))
    for line, row in ordered:
        record = (row.get("record") or "").strip().lower()
        try:
            if record == "organisation":
                outcome, _saved = _organisation(row)
            elif record == "entity":
                outcome, _saved = _entity(row)
            else:
                raise RowError("record", "write organisation or entity")
        except RowError as error:
            result.errors.append(f"line {line}: {error.column}: {error.message}")
        except operations.RegistryRefused as refused:
            for column, reason in refused.reasons.items():
                result.errors.append(f"line {line}: {column}: {REFUSALS[reason]}")
        else:
            result.counts[(record, outcome)] += 1
    result.errors.sort(key=lambda message: int(message.split(":")[0].split()[1]))
    return result
