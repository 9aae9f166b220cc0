"""Organisations for the /org/ tests (and for anyone else's): a verified child-rights NGO with an admin and a
member, a verified mine-workers' union with a member, and the answers of a filing on behalf of three families."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from tests.conftest import HIDDEN_PATTERN, RECEIPT_PATTERN, REFERENCE_PATTERN


@dataclass(frozen=True)
class Org:
    id: int
    name: str


def _organisation(app, name: str, kind: OrganisationKind, verified: bool = True) -> Org:
    with app.app_context():
        organisation = Organisation(
            name=name, kind=kind, country="CD", verified=verified, verified_at=utcnow() if verified else None
        )
        db.session.add(organisation)
        db.session.commit()
        return Org(organisation.id, organisation.name)


@pytest.fixture
def verified_ngo(app):
    return _organisation(app, "Bana ya Kolwezi Child Rights", OrganisationKind.NGO)


@pytest.fixture
def verified_union(app):
    return _organisation(app, "Sulawesi Nickel Workers' Union", OrganisationKind.UNION)


@pytest.fixture
def unverified_ngo(app):
    return _organisation(app, "Bauxite Villages Network", OrganisationKind.COMMUNITY_ORGANISATION, verified=False)


@pytest.fixture
def ngo_admin(make_user, verified_ngo):
    return make_user(
        Role.ORGANISATION, "admin@bana.example", verified_ngo.id, name="Esther Admin", organisation_admin=True
    )


@pytest.fixture
def ngo_member(make_user, verified_ngo):
    return make_user(Role.ORGANISATION, "field@bana.example", verified_ngo.id, name="Jean Field", locale="fr")


@pytest.fixture
def union_member(make_user, verified_union):
    return make_user(Role.ORGANISATION, "rep@sulawesi.example", verified_union.id, name="Wati Rep", locale="id")


# Three families about child labour, with the consent the field worker recorded and a guardian's consent.
ON_BEHALF = {
    "represented_kind": "households",
    "represented_named": "anonymous",
    "own_receipts": "1",
    "consent_by": "The three mothers",
    "consent_method": "thumbprint",
    "consent_on": "2026-11-02",
    "consent_language": "Swahili",
    "people_represented": "11",
    "households_represented": "3",
    "community": "Kasulo",
    "categories": ["child_labour"],
    "country": "CD",
    "commodity": "cobalt",
    "description": "Nine children of three families carry cobalt ore at the Kasulo depot every night.",
    "children_involved": "y",
    "guardian_consent_by": "Mama Furaha, mother of four of the children",
    "guardian_consent_method": "spoken",
    "safeguarding": "y",
    "anonymous": "yes",
    "consent": "y",
}

ORDER = ("behalf", "group", "what", "kind", "where", "wish", "guardian", "contact", "identity")


def file_on_behalf(client, locale: str = "en", **overrides):
    """As a signed-in member: press "File on behalf of people" on /org/, answer each page, send. Returns
    (response, reference, receipts), the receipt page in the member's language, where receipts[0] is the
    organisation's and the rest the people's."""
    from portal.intake.steps import BY_SLUG

    data = {**ON_BEHALF, **overrides}
    response = client.post("/org/file")  # CSRF is checked in the browser tests; off in these
    if response.status_code != 303:
        return response, None, []
    path = response.headers["Location"]
    for _ in range(len(ORDER) + 1):
        slug = path.rstrip("/").split("/")[-1].split("?")[0]
        if slug == "check" or slug not in BY_SLUG:
            break
        page = {name: data[name] for name in BY_SLUG[slug].fields if name in data}
        response = client.post(path, data=page, content_type="multipart/form-data")
        if response.status_code != 303:
            return response, None, []
        path = response.headers["Location"]
    locale = path.split("/")[1] if path.startswith("/") else locale
    check = client.get(f"/{locale}/report/check")
    form = dict(HIDDEN_PATTERN.findall(check.get_data(as_text=True)))
    form["consent"] = "y"
    response = client.post(f"/{locale}/report/check", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    reference = REFERENCE_PATTERN.search(page)
    return response, reference.group(0) if reference else None, RECEIPT_PATTERN.findall(page)
