"""The working translation of the original description (issue 15 §8): written by case staff, encrypted at rest
like the description, shown beside it, audited, and never shown to the company or the complainant."""

from __future__ import annotations

from sqlalchemy import select, text

from portal.audit.models import AuditEntry
from portal.cases.models import Case
from portal.cases.translations import DescriptionTranslation
from portal.extensions import db
from tests.cases.conftest import SECRET_DESCRIPTION

TRANSLATION = "Le gérant du dépôt, M. Kasongo, oblige des enfants à trier le cobalt la nuit."


def _url(world) -> str:
    return f"/staff/cases/{world.reference}/description-translation"


def test_staff_add_a_translation_shown_beside_the_original_and_stored_encrypted(app, world, client_as):
    secretariat = client_as("secretariat")
    response = secretariat.post(_url(world), data={"description-translation": TRANSLATION})
    assert response.status_code == 302 and response.headers["Location"].endswith("#summary")
    page = secretariat.get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    section = page[page.index('id="description-translation"') :]
    section = section[: section.index("</section>")]
    assert SECRET_DESCRIPTION in section and TRANSLATION in section
    assert section.index(SECRET_DESCRIPTION) < section.index(TRANSLATION)  # the original first, then beside it
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == world.reference))
        row = db.session.scalar(select(DescriptionTranslation).where(DescriptionTranslation.case_id == case.id))
        assert row.text == TRANSLATION and row.locale == "en"
        raw = db.session.execute(
            text("SELECT text_encrypted FROM description_translations WHERE case_id = :id"), {"id": case.id}
        ).scalar_one()
        assert TRANSLATION.encode() not in bytes(raw) and b"Kasongo" not in bytes(raw)
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "description-translated")).all()
        assert len(audit) == 1 and audit[0].target == f"case:{case.id}"
        assert audit[0].actor_id == world.users["secretariat"] and "Kasongo" not in audit[0].data


def test_the_translation_can_be_changed_and_removed(app, world, client_as):
    secretariat = client_as("secretariat")
    secretariat.post(_url(world), data={"description-translation": TRANSLATION})
    changed = "The depot manager makes children sort cobalt at night."
    secretariat.post(_url(world), data={"description-translation": changed})
    page = secretariat.get(f"/staff/cases/{world.reference}").get_data(as_text=True)
    assert "makes children sort cobalt" in page and TRANSLATION not in page
    secretariat.post(_url(world), data={"description-translation": "  "})
    with app.app_context():
        assert db.session.scalar(select(DescriptionTranslation)) is None
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "description-translated")).all()
        assert len(audit) == 3


def test_too_long_a_translation_is_refused_and_kept_to_copy(app, world, client_as):
    long = "x" * 20_001
    response = client_as("secretariat").post(_url(world), data={"description-translation": long})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert long in html and "has-error" in html[html.index('id="description-translation"') :]


def test_only_case_staff_who_see_the_case_write_it(world, client_as):
    data = {"description-translation": TRANSLATION}
    assert client_as("member_panel").post(_url(world), data=data).status_code == 403
    assert client_as("secretariat_recused").post(_url(world), data=data).status_code == 404
    assert client_as("liaison").post(_url(world), data=data).status_code == 403
    assert client_as("chair").post(_url(world), data=data).status_code == 302


def test_the_company_and_the_complainant_never_read_it(app, world, client_as, open_case, client):
    client_as("secretariat").post(_url(world), data={"description-translation": TRANSLATION})
    assert TRANSLATION not in client_as("liaison").get(f"/company/cases/{world.reference}").get_data(as_text=True)
    open_case(world.receipt)
    assert TRANSLATION not in client.get("/en/follow-up/case").get_data(as_text=True)
