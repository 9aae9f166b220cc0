"""The register as open data: CSV and JSON with stable keys (the data dictionary page explains them), and the Atom
feed of published decisions. Licensed CC BY 4.0. Everything here is built from ``queries.PublicCase``, so nothing
reaches a file that the register page does not show."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from flask import render_template, url_for

from portal.transparency.models import Publication
from portal.transparency.queries import PublicCase

CSV_COLUMNS = (
    "reference", "url", "stage", "date_precision", "received", "last_updated", "filer_type",
    "representing_organisation", "country", "regions", "commodity", "categories", "respondent", "respondent_lei",
    "sites", "outcome", "remedy_types", "summary", "summary_language",
)  # fmt: skip


def url_maker() -> Callable[[str], str]:
    """Case URLs by substitution: url_for per row would cost a second over 100,000 rows."""
    template = url_for("register.register_case", locale="en", reference="MC-0000-00000", _external=True)
    return lambda reference: template.replace("MC-0000-00000", reference)


def _texts(publication: Publication | None) -> dict[str, str]:
    return dict(publication.published_texts or {}) if publication else {}


def site_json(site) -> dict:
    """A registered site as every public output gives it (its identifiers, never a staff note or its operator)."""
    return {
        "name": site.name,
        "kind": site.kind,
        "country": site.country,
        "region": site.region,
        "rmi_id": site.rmi_id,
        "os_id": site.os_id,
        "geonames_id": site.geonames_id,
    }


def _respondent(record: PublicCase) -> dict | None:
    organisation = record.respondent
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "lei": organisation.lei,
        "identifiers": [{"scheme": i.scheme, "identifier": i.identifier} for i in organisation.identifiers],
    }


def case_json(record: PublicCase, url: Callable[[str], str]) -> dict:
    """One listed case with stable keys: the open-data JSON and the API (/api/v1/register) both give this."""
    date = record.date_text
    return {
        "reference": record.reference,
        "url": url(record.reference),
        "stage": record.stage.value,
        "date_precision": "day" if record.exact_dates else "month",
        "stages": [{"stage": stage.value, "date": date(on)} for stage, on in record.stages],
        "filer_type": record.filer_type,
        "representing_organisation": record.representing,
        "country": record.country,
        "regions": record.regions,
        "commodity": record.commodity,
        "categories": record.categories,
        "respondent": _respondent(record),
        "sites": [site_json(site) for site in record.entities],
        "outcome": record.outcome,
        "remedy_types": record.remedy_types,
        "summary": _texts(record.summary),
        "decisions": [
            {
                "kind": decision.kind,
                "date": date(decision.decided_on),
                "admissible": decision.admissible,
                "outcome": decision.outcome,
                "referral": decision.referral,
                "summary": _texts(decision.summary),
            }
            for decision in record.decisions
        ],
        "commitments": [
            {
                "payment": commitment.payment,
                "due": commitment.due_on.strftime("%Y-%m"),
                "instalment": commitment.instalment,
                "instalments": commitment.instalments,
                "checks": [{"date": date(on), "status": status} for on, status in commitment.checks],
            }
            for commitment in record.commitments
        ],
        "last_updated": date(record.last_updated),
    }


def as_json(records: Iterable[PublicCase], licence_url: str) -> dict:
    url = url_maker()
    return {"licence": "CC-BY-4.0", "licence_url": licence_url, "cases": [case_json(r, url) for r in records]}


def as_csv_rows(records: Iterable[PublicCase]) -> Iterator[list]:
    url = url_maker()
    yield list(CSV_COLUMNS)
    for record in records:
        texts = _texts(record.summary)
        language = "en" if "en" in texts else next(iter(texts), "")
        respondent = record.respondent
        yield [
            record.reference,
            url(record.reference),
            record.stage.value,
            "day" if record.exact_dates else "month",
            record.date_text(record.stages[0][1]),
            record.date_text(record.last_updated),
            record.filer_type,
            record.representing or "",
            record.country,
            ";".join(record.regions),
            record.commodity,
            ";".join(record.categories),
            respondent.name if respondent else "",
            (respondent.lei or "") if respondent else "",
            ";".join(site.rmi_id or site.os_id or site.name for site in record.entities),
            record.outcome or "",
            ";".join(record.remedy_types),
            texts.get(language, ""),
            language,
        ]


def atom_feed(items: list[tuple[str, Publication]], licence_url: str) -> str:
    url = url_maker()
    entries = [
        {
            "reference": reference,
            "url": url(reference),
            "id": f"{url(reference)}#decision-{publication.decision_id}",
            "updated": publication.published_at,
            "text": publication.text_for("en"),
        }
        for reference, publication in items
    ]
    updated = max((entry["updated"] for entry in entries if entry["updated"]), default=None)
    return render_template(
        "transparency/decisions.atom.xml",
        entries=entries,
        updated=updated,
        licence_url=licence_url,
        feed_url=url_for("open_data.decisions_atom", _external=True),
        register_url=url_for("register.register_list", locale="en", _external=True),
    )
