"""Finding any case: the go-to box, and the search across reference, sites, company, country, staff summary and
tags, on both databases; never the encrypted description, never a case the reader may not see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cases.models import Case, CaseEntity
from portal.cases.search import SearchTerm, set_staff_summary, terms_of
from portal.cases.tags import add_tag, create_tag
from portal.extensions import db
from portal.organisations.models import EntityKind, Organisation, OrganisationKind, SupplyChainEntity
from portal.users.models import User
from tests.cases.lists_helpers import listed, recuse, seeded


@pytest.fixture
def officer(app, client, make_user, login_as):
    ids = seeded(app, 60)
    user = make_user("secretariat", name="Officer Search")
    login_as(client, user)
    return user, ids


def test_go_to_an_exact_reference_opens_the_case(app, client, officer):
    _, ids = officer
    with app.app_context():
        reference = db.session.get(Case, ids[3]).reference
    for typed in (reference, reference.lower(), reference[3:]):  # "2026-000004" without the MC- works too
        response = client.get(f"/staff/go?q={typed}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/staff/cases/{reference}")
    assert listed(client, f"/staff/cases?q={reference}") == [reference]


def test_go_to_anything_else_searches(client, officer):
    response = client.get("/staff/go?q=Kipushi")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/cases?q=Kipushi")
    assert client.get("/staff/go?q=").headers["Location"].endswith("/staff/cases")


def test_a_recused_case_is_never_found_nor_opened(app, client, officer):
    user, ids = officer
    reference = recuse(app, ids[5], user.id)
    assert client.get(f"/staff/go?q={reference}").headers["Location"].endswith(f"/staff/cases?q={reference}")
    assert listed(client, f"/staff/cases?q={reference}") == []


def test_search_by_site_name_identifier_and_company(app, client, officer):
    _, ids = officer
    with app.app_context():
        site = SupplyChainEntity(name="Kipushi Tailings Depot", kind=EntityKind.DEPOT, country="CD", rmi_id="CID001234")
        company = Organisation(name="Lualaba Refining", kind=OrganisationKind.COMPANY, lei="5493001KJTIIGC8Y1R12")
        db.session.add_all([site, company])
        db.session.flush()
        db.session.add_all(
            [CaseEntity(case_id=ids[0], entity_id=site.id), CaseEntity(case_id=ids[1], entity_id=site.id)]
        )
        db.session.get(Case, ids[2]).respondent_organisation_id = company.id
        db.session.commit()
        by_site = {db.session.get(Case, i).reference for i in ids[:2]}
        by_company = {db.session.get(Case, ids[2]).reference}
    assert set(listed(client, "/staff/cases?q=kipushi+tailings")) == by_site
    assert set(listed(client, "/staff/cases?q=cid001234")) == by_site
    assert set(listed(client, "/staff/cases?q=Lualaba")) == by_company
    assert set(listed(client, "/staff/cases?q=5493001KJTIIGC8Y1R12")) == by_company


def test_search_by_country_name_in_the_readers_language(app, client, officer):
    with app.app_context():
        in_zambia = set(db.session.scalars(select(Case.reference).where(Case.country == "ZM")))
    assert in_zambia, "the seed files cases in Zambia"
    found = set()
    page = 1
    while True:
        html = client.get(f"/staff/cases?q=zambia&page={page}").get_data(as_text=True)
        from tests.cases.lists_helpers import LISTED

        found |= set(LISTED.findall(html))
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert found == in_zambia


def test_search_by_tag_label_in_any_language(app, client, officer):
    user, ids = officer
    with app.app_context():
        actor = db.session.get(User, user.id)
        tag = create_tag({"en": "Tailings dam", "fr": "Barrage de résidus"}, actor)
        for case_id in ids[10:13]:
            add_tag(db.session.get(Case, case_id), tag, actor)
        db.session.commit()
        tagged = {db.session.get(Case, i).reference for i in ids[10:13]}
    assert set(listed(client, "/staff/cases?q=tailings+dam")) == tagged
    assert set(listed(client, "/staff/cases?q=residus")) == tagged  # accents do not matter


def test_staff_summary_is_searchable_through_a_blind_index(app, client, officer):
    user, ids = officer
    with app.app_context():
        actor = db.session.get(User, user.id)
        case = db.session.get(Case, ids[20])
        set_staff_summary(case, "Night shift at the Kambove crushing plant; dust", actor)
        db.session.commit()
        reference = case.reference
        stored = list(db.session.scalars(select(SearchTerm.term).where(SearchTerm.case_id == case.id)))
        assert stored and sorted(stored) == sorted(terms_of("Night shift at the Kambove crushing plant; dust"))
        assert not any("kambove" in term or "crush" in term for term in stored)  # hashes, never the words
        assert b"Kambove" not in db.session.get(Case, ids[20]).staff_summary_encrypted
    assert listed(client, "/staff/cases?q=kambove") == [reference]
    assert listed(client, "/staff/cases?q=Crush") == [reference]  # a prefix of a word
    assert listed(client, "/staff/cases?q=kambove+crushing") == [reference]  # every word must match
    assert listed(client, "/staff/cases?q=kambove+smelter") == []


def test_the_description_is_never_searched(app, client, officer):
    _, ids = officer
    with app.app_context():
        description = db.session.get(Case, ids[0]).description
    word = max(description.split(), key=len).strip(".,;:")
    assert len(word) >= 6
    assert listed(client, f"/staff/cases?q={word}") == []
