"""Nothing a person wrote, no identity and no file reaches a public output: the seeded secret texts are searched for
in every public page (in two languages) and every open data file."""

from __future__ import annotations

from sqlalchemy import select

from portal.cases.casework import add_internal_note, send_message
from portal.cases.committee import Decision
from portal.extensions import db
from portal.intake.operations import add_complainant_reply
from portal.transparency import operations
from tests.cases.conftest import SECRET_DESCRIPTION

SECRETS = [
    SECRET_DESCRIPTION,
    "Kasongo",  # the name inside the description
    "Amani",  # the complainant's name
    "amani@example.org",
    "contract.pdf",  # file names
    "audit.pdf",
    "%PDF",  # file content
    "We are investigating.",  # the company's response
    "Night work by children is reported",  # the summary written for the company
    "Within the covenant's scope.",  # the panel's reasons, written to the complainant
    "A reply naming Mrs Ilunga at the pit",
    "Internal: the officer suspects the foreman",
    "Message to the complainant about the hearing",
]


def public_texts(client, reference: str) -> dict[str, str]:
    pages = {}
    for locale in ("en", "ar"):
        for path in (
            f"/{locale}/register",
            f"/{locale}/register/{reference}",
            f"/{locale}/open-data",
            f"/{locale}/statistics",
        ):
            response = client.get(path)
            assert response.status_code == 200, path
            pages[path] = response.get_data(as_text=True)
    for path in ("/open-data/register.csv", "/open-data/register.json", "/open-data/decisions.atom"):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True)
    return pages


def test_no_secret_text_reaches_any_public_output(client, case, person):
    add_complainant_reply(case, "A reply naming Mrs Ilunga at the pit", [], "en")
    add_internal_note(case, person("secretariat"), "Internal: the officer suspects the foreman")
    send_message(case, person("secretariat"), "Message to the complainant about the hearing")
    summary = operations.draft_text(case, person("secretariat"), "en", "Workers at a cobalt depot complained.")
    operations.approve(case, summary, person("chair"))
    decision = db.session.scalar(select(Decision).where(Decision.case_id == case.id))
    decision_summary = operations.draft_text(case, person("secretariat"), "fr", "Le panel a admis le cas.", decision)
    operations.approve(case, decision_summary, person("chair"))
    db.session.commit()

    pages = public_texts(client, case.reference)
    assert "Workers at a cobalt depot complained." in pages[f"/en/register/{case.reference}"]  # the check can see
    assert "Le panel a admis le cas." in pages["/open-data/decisions.atom"]
    for path, text in pages.items():
        for secret in SECRETS:
            assert secret not in text, (path, secret)
