"""Open data: stable keys, the licence, and ETag / Last-Modified so mirrors poll cheaply (304)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from portal.cases.committee import Decision
from portal.extensions import db
from portal.organisations.models import EntityKind, SupplyChainEntity
from portal.transparency import operations
from portal.transparency.opendata import CSV_COLUMNS

FILES = ("/open-data/register.csv", "/open-data/register.json", "/open-data/decisions.atom")


@pytest.mark.parametrize("path", FILES)
def test_an_unchanged_file_answers_304_to_its_etag_and_date_and_200_after_a_change(client, case, person, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert "creativecommons.org/licenses/by/4.0" in first.headers["Link"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200

    summary = operations.draft_text(case, person("secretariat"), "en", "Workers at a depot were not paid.")
    operations.approve(case, summary, person("chair"))
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_a_login_does_not_change_the_version(client, case, person):
    from portal.core import signals

    first = client.get("/open-data/register.json").headers["ETag"]
    signals.user_logged_in.send(person("chair"), actor=person("chair"))
    db.session.commit()
    assert client.get("/open-data/register.json").headers["ETag"] == first


def test_json_and_csv_carry_the_public_fields_with_stable_keys(client, case, person):
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
    publication = operations.draft_text(case, person("secretariat"), "sw", "Jopo lilikubali kesi.", decision)
    operations.approve(case, publication, person("chair"))
    db.session.commit()

    data = json.loads(client.get("/open-data/register.json").get_data(as_text=True))
    assert data["licence"] == "CC-BY-4.0"
    [record] = data["cases"]
    assert record["reference"] == case.reference
    assert record["stage"] == "company_response"
    assert [stage["stage"] for stage in record["stages"]] == [
        "received", "acknowledged", "admissibility", "company_response",
    ]  # fmt: skip
    assert record["decisions"][0]["summary"] == {"sw": "Jopo lilikubali kesi."}
    assert record["decisions"][0]["admissible"] is True
    assert record["commodity"] == "cobalt" and record["country"] == "CD"
    assert record["sites"][0]["kind"] == "smelter"

    rows = list(csv.reader(io.StringIO(client.get("/open-data/register.csv").get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][0] == case.reference


def test_dates_are_given_to_the_month_unless_every_site_is_a_registered_smelter_or_refinery(client, case):
    record = json.loads(client.get("/open-data/register.json").get_data(as_text=True))["cases"][0]
    assert record["date_precision"] == "month"  # the world's smelter has no RMI facility id
    assert all(len(stage["date"]) == 7 for stage in record["stages"])  # YYYY-MM
    site = db.session.scalar(select(SupplyChainEntity))
    site.rmi_id = "CID001234"
    db.session.commit()
    # The register's version follows audited changes; this direct edit is not one, so ask without a validator.
    record = json.loads(client.get("/open-data/register.json").get_data(as_text=True))["cases"][0]
    assert record["date_precision"] in ("day", "month")
    from portal.transparency.queries import all_records

    assert next(all_records()).exact_dates is True
    site.kind = EntityKind.MINE
    db.session.commit()
    assert next(all_records()).exact_dates is False


def test_the_data_dictionary_names_every_key_and_the_licence_in_each_locale(client):
    for locale in ("en", "ar", "sw"):
        page = client.get(f"/{locale}/open-data").get_data(as_text=True)
        assert "CC BY 4.0" in page
        for key in ("reference", "stage", "date_precision", "decisions", "commitments", "last_updated"):
            assert f">{key}<" in page, (locale, key)


def test_the_feed_lists_published_decisions(client, case, person):
    assert "<entry>" not in client.get("/open-data/decisions.atom").get_data(as_text=True)
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
    publication = operations.draft_text(case, person("secretariat"), "en", "The case was admitted.", decision)
    operations.approve(case, publication, person("chair"))
    db.session.commit()
    feed = client.get("/open-data/decisions.atom")
    assert feed.mimetype == "application/atom+xml"
    text = feed.get_data(as_text=True)
    assert "<entry>" in text and "The case was admitted." in text and case.reference in text
