"""``flask portal import-entities``: a CSV of organisations and sites, idempotent, all or nothing."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.registry.importing import COLUMNS
from tests.registry.conftest import LEI

HEADER = ["record", "name", "kind", "country", "lei", "identifiers", "covenant_party", "verified", "region",
          "commodities", "operator", "rmi_id", "os_id", "geonames_id", "latitude", "longitude"]  # fmt: skip
GOOD = [
    # A site listed before its operator: organisations are applied first.
    {"record": "entity", "name": "Vlissingen smelter", "kind": "smelter", "country": "NL", "region": "NL-ZE",
     "commodities": "aluminium", "operator": LEI, "rmi_id": "CID001234", "latitude": "51.4512", "longitude": "3.6701"},
    {"record": "organisation", "name": "Century Aluminum Vlissingen B.V.", "kind": "company", "country": "NL",
     "lei": LEI, "identifiers": "NL-KVK 22061589", "covenant_party": "yes", "verified": "yes"},
    {"record": "organisation", "name": "FNV", "kind": "union", "country": "NL", "identifiers": "NL-KVK 40409352"},
    {"record": "entity", "name": "Kolwezi depot", "kind": "depot", "country": "CD", "region": "CD-LU",
     "commodities": "cobalt; copper", "operator": "NL-KVK 40409352", "geonames_id": "922704"},
]  # fmt: skip


def _write(tmp_path, rows, name="registry.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def _run(app, path):
    return app.test_cli_runner().invoke(args=["portal", "import-entities", path])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_file_is_imported_with_counts(app, tmp_path):
    result = _run(app, _write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output + result.stderr
    assert "organisations: 2 created, 0 updated, 0 unchanged" in result.output
    assert "entitys" not in result.output and "entities: 2 created, 0 updated, 0 unchanged" in result.output
    with app.app_context():
        smelter = db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.rmi_id == "CID001234"))
        assert (smelter.operator.lei, smelter.region, smelter.latitude, smelter.longitude) == (
            LEI,
            "NL-ZE",
            51.45,
            3.67,
        )
        depot = db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.name == "Kolwezi depot"))
        assert (depot.operator.name, depot.commodities, depot.geonames_id) == ("FNV", ["cobalt", "copper"], 922704)
        century = db.session.scalar(select(Organisation).where(Organisation.lei == LEI))
        assert (century.covenant_party, century.verified) == (True, True)
        assert _count(AuditEntry) == 4  # each record audited, the command as actor-less


def test_reimporting_updates_by_stable_keys_without_duplicates(app, tmp_path):
    assert _run(app, _write(tmp_path, GOOD)).exit_code == 0
    changed = [dict(row) for row in GOOD]
    changed[1]["name"] = "Century Aluminum Vlissingen"  # found again by its LEI
    changed[2]["name"] = "FNV Metaal"  # found again by its register number
    changed[0]["name"] = "Vlissingen aluminium smelter"  # found again by its RMI id
    changed[3]["kind"] = "trader"  # found again by name and country
    result = _run(app, _write(tmp_path, changed, "again.csv"))
    assert result.exit_code == 0, result.output + result.stderr
    assert "organisations: 0 created, 2 updated, 0 unchanged" in result.output
    assert "entities: 0 created, 2 updated, 0 unchanged" in result.output
    assert "entities: 0 created, 0 updated, 2 unchanged" in _run(app, _write(tmp_path, changed, "again.csv")).output
    with app.app_context():
        assert (_count(Organisation), _count(SupplyChainEntity)) == (2, 2)
        assert (
            db.session.scalar(select(Organisation.name).where(Organisation.lei == LEI)) == "Century Aluminum Vlissingen"
        )
        depot = db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.name == "Kolwezi depot"))
        assert depot.kind == "trader"


def test_one_bad_row_writes_nothing_and_every_error_has_its_line(app, tmp_path):
    bad = [
        *GOOD,
        {"record": "organisation", "name": "Broken LEI", "kind": "company", "lei": LEI[:-2] + "68"},  # line 6
        {"record": "entity", "name": "Nowhere", "kind": "mine", "country": "CD", "region": "ZM-08"},  # line 7
        {"record": "site", "name": "Typo", "kind": "mine"},  # line 8
        {"record": "entity", "name": "Orphan", "kind": "mine", "country": "CD", "operator": "Unknown Ltd"},  # line 9
        {"record": "organisation", "name": "Yes-ish", "kind": "ngo", "covenant_party": "perhaps"},  # line 10
    ]
    result = _run(app, _write(tmp_path, bad))
    assert result.exit_code == 1
    lines = [line.split(":")[0] for line in result.stderr.splitlines() if line.startswith("line ")]
    assert lines == ["line 6", "line 7", "line 8", "line 9", "line 10"]
    assert "This is not a valid LEI" in result.stderr
    assert "nothing was imported" in result.stderr
    with app.app_context():
        assert (_count(Organisation), _count(SupplyChainEntity), _count(AuditEntry)) == (0, 0, 0)


def test_unknown_columns_are_refused_and_help_lists_every_column(app, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("record,name,kind,contry\norganisation,FNV,union,NL\n", encoding="utf-8")
    result = _run(app, str(path))
    assert result.exit_code == 1
    assert "unknown columns ['contry']" in result.stderr
    help_text = app.test_cli_runner().invoke(args=["portal", "import-entities", "--help"]).output
    for column in COLUMNS:
        assert f"{column}:" in help_text


def test_a_file_with_a_byte_order_mark_is_read(app, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(io.StringIO("\ufeffrecord,name,kind\norganisation,FNV,union\n").getvalue().encode("utf-8"))
    result = _run(app, str(path))
    assert result.exit_code == 0, result.stderr
    assert "organisations: 1 created" in result.output
