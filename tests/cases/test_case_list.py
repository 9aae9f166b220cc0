"""The staff case list: every filter narrows to the right cases, pages follow one another."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bench.seed import seed
from portal.cases.models import Case, CaseCategory, CaseEntity
from portal.cases.tags import Tag
from portal.cases.workflow import FINAL_STATES
from portal.extensions import db
from portal.organisations.models import EntityKind, Organisation, OrganisationKind, SupplyChainEntity

REFERENCE = re.compile(r">(MC-\d{4}-\d{5,})</a>")


@pytest.fixture
def officer_client(app, client, make_user, login_as):
    with app.app_context():
        seed(130, receipts_path=None)
        site = SupplyChainEntity(name="Depot", kind=EntityKind.DEPOT, country="CD")
        db.session.add(site)
        db.session.flush()
        db.session.add(CaseEntity(case_id=db.session.scalar(select(Case.id).limit(1)), entity_id=site.id))
        db.session.commit()
    login_as(client, make_user("secretariat"))
    return client


def _listed(client, query: str) -> set[str]:
    response = client.get(f"/staff/cases?{query}")
    assert response.status_code == 200
    return set(REFERENCE.findall(response.get_data(as_text=True)))


def _expected(app, *where) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Case.reference).where(*where)))


def test_filters(app, officer_client):
    assert _listed(officer_client, "state=assessment") == _expected(app, Case.state == "assessment")
    assert _listed(officer_client, "commodity=cobalt") == _expected(app, Case.commodity == "cobalt")
    assert _listed(officer_client, "country=cd") == _expected(app, Case.country == "CD")
    # A closed case is never "urgent", whatever its flag says.
    assert _listed(officer_client, "urgent=y") == _expected(app, Case.urgent, Case.state.notin_(FINAL_STATES))
    in_category = select(CaseCategory.case_id).where(CaseCategory.category == "child_labour")
    assert _listed(officer_client, "category=child_labour") == _expected(app, Case.id.in_(in_category))
    with app.app_context():
        site_id = db.session.scalar(select(SupplyChainEntity.id))
    assert len(_listed(officer_client, f"entity={site_id}")) == 1
    combined = _listed(officer_client, "state=submitted&category=child_labour")
    assert combined == _expected(app, Case.state == "submitted", Case.id.in_(in_category))


def test_pages_cover_every_case_once(app, officer_client):
    seen, page = [], 1
    while True:
        html = officer_client.get(f"/staff/cases?sort=oldest&page={page}").get_data(as_text=True)
        seen += REFERENCE.findall(html)
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert page == 3 and len(seen) == 130 and len(set(seen)) == 130


def test_invalid_filter_values_are_ignored_not_errors(officer_client):
    assert officer_client.get("/staff/cases?state=nonsense&sort=weird&page=-4").status_code == 200


def test_the_filter_and_bulk_forms_kept_in_memory_follow_every_change_of_their_lists(app, officer_client, make_user):
    """The list's forms are rendered once per list of sites, tags and officers (core/page_cache.py): a site renamed,
    a tag added or an officer joining shows on the next request, on this server as on any other."""
    first = officer_client.get("/staff/cases").get_data(as_text=True)
    assert ">Depot</option>" in first and "Child soldiers" not in first and "Ama Newcomer" not in first
    with app.app_context():
        db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.name == "Depot")).name = "Kolwezi depot"
        db.session.add(Tag(labels={"en": "Child soldiers"}))
        db.session.commit()
    make_user("secretariat", name="Ama Newcomer")
    second = officer_client.get("/staff/cases").get_data(as_text=True)
    assert ">Kolwezi depot</option>" in second and ">Depot</option>" not in second
    assert second.count(">Child soldiers</option>") == 2  # the filter's tag list and the bulk form's
    assert ">Ama Newcomer</option>" in second
    # The kept form is filled in per request: its selection (and the CSRF token, where it is on: its slot never
    # reaches the page).
    selected = officer_client.get("/staff/cases?state=closed").get_data(as_text=True)
    assert re.search(r'<option selected value="closed">|value="closed" selected', selected)
    assert "\x00" not in second + selected


def test_the_kept_bulk_form_speaks_each_readers_language(app, officer_client, make_user, login_as):
    """The bulk form's option lists are kept per list and language: a French reader after an English one reads
    « Personne », not "Nobody"."""
    french = app.test_client()
    login_as(french, make_user("secretariat", locale="fr"))  # first: the same officers for both readers
    assert ">Nobody</option>" in officer_client.get("/staff/cases").get_data(as_text=True)
    page = french.get("/staff/cases").get_data(as_text=True)
    assert '<html lang="fr"' in page and ">Nobody</option>" not in page


def test_the_case_pages_kept_forms_follow_their_lists_and_each_cases_choice(app, officer_client, make_user):
    """The case page's link, officer and panel forms are rendered once per list and selection (core/page_cache.py):
    a site renamed, a company or a person added shows at the next request, and each case shows its own choice."""
    with app.app_context():
        first_case, second_case = db.session.scalars(select(Case.reference).order_by(Case.id).limit(2)).all()
    page = officer_client.get(f"/staff/cases/{first_case}").get_data(as_text=True)
    assert ">Depot</label>" in page and "Newco Mining" not in page and "Ama Newcomer" not in page
    with app.app_context():
        db.session.scalar(select(SupplyChainEntity).where(SupplyChainEntity.name == "Depot")).name = "Kolwezi depot"
        company = Organisation(name="Newco Mining", kind=OrganisationKind.COMPANY)
        db.session.add(company)
        db.session.flush()
        db.session.scalar(select(Case).where(Case.reference == first_case)).respondent_organisation_id = company.id
        db.session.commit()
        company_id = company.id
    make_user("secretariat", name="Ama Newcomer")
    make_user("member", name="Kofi Panelist")
    page = officer_client.get(f"/staff/cases/{first_case}").get_data(as_text=True)
    assert ">Kolwezi depot</label>" in page and ">Depot</label>" not in page
    assert ">Ama Newcomer</option>" in page and page.count(">Kofi Panelist</option>") == 1
    chosen = re.compile(rf'<option selected value="{company_id}">|value="{company_id}" selected')
    assert chosen.search(page)
    other = officer_client.get(f"/staff/cases/{second_case}").get_data(as_text=True)
    assert ">Newco Mining</option>" in other and not chosen.search(other)
    assert "\x00" not in page + other
