"""The registry's staff pages: lists with filters, create and edit through the HTML forms, relations, access."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db
from portal.organisations.models import EntityRelation, Organisation, SupplyChainEntity
from tests.conftest import VALID_GRIEVANCE
from tests.registry.conftest import LEI, registry_entries

ORGANISATION = {
    "name": "Lualaba Cobalt Refining SARL",
    "kind": "company",
    "country": "CD",
    "lei": LEI.lower(),
    "identifiers": "CD-RCCM CD/LSH/RCCM/21-B-00123\r\nnl-kvk 12345678\r\n",
    "covenant_party": "y",
}
ENTITY = {
    "name": "Kasulo artisanal mine",
    "kind": "mine",
    "commodities": ["cobalt", "copper"],
    "country": "CD",
    "region": "cd-lu",
    "rmi_id": "",
    "os_id": "CD2024001ABC123",
    "geonames_id": "922704",
    "latitude": "-10.7149",
    "longitude": "25.4663",
}


def test_secretariat_registers_an_organisation_with_its_identifiers(app, client, secretariat):
    response = client.post("/staff/registry/organisations/new", data=ORGANISATION)
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION["name"]))
        assert (saved.kind, saved.country, saved.lei, saved.covenant_party) == ("company", "CD", LEI, True)
        assert [(row.scheme, row.identifier) for row in saved.identifiers] == [
            ("CD-RCCM", "CD/LSH/RCCM/21-B-00123"),
            ("NL-KVK", "12345678"),
        ]
        assert response.headers["Location"] == f"/staff/registry/organisations/{saved.id}"
        assert registry_entries() == [
            (f"organisation:{saved.id}", secretariat.id, {"change": "created", "fields": _created_fields()})
        ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "NL-KVK 12345678" in page and LEI in page


def _created_fields():
    return sorted(["name", "kind", "country", "covenant_party", "identifiers", "lei"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lei", LEI[:-2] + "68", "This is not a valid LEI"),
        ("identifiers", "KVK 12345678", "Write each identifier as register and number"),
        ("name", "", "Please fill in this field."),
        ("kind", "club", "Please choose one of the options."),
    ],
)
def test_a_wrong_organisation_is_refused_with_the_reason(app, client, secretariat, field, value, message):
    response = client.post("/staff/registry/organisations/new", data={**ORGANISATION, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Organisation.id)) is None


def test_names_leis_and_register_numbers_are_unique(app, client, secretariat, organisation):
    organisation("Other", lei=LEI, identifiers=[("NL-KVK", "12345678")])
    response = client.post("/staff/registry/organisations/new", data={**ORGANISATION, "name": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "An organisation with this name is already registered." in page
    assert "Another organisation already has this LEI." in page
    assert "Another organisation already has this identifier." in page


def test_editing_records_what_changed(app, client, secretariat, organisation):
    organisation_id = organisation("Cobalt Refiners", identifiers=[("NL-KVK", "11111111")])
    form = client.get(f"/staff/registry/organisations/{organisation_id}/edit").get_data(as_text=True)
    assert "NL-KVK 11111111" in form
    data = {"name": "Cobalt Refiners", "kind": "industry_association", "identifiers": "NL-KVK 22222222"}
    assert client.post(f"/staff/registry/organisations/{organisation_id}/edit", data=data).status_code == 302
    unchanged = client.post(f"/staff/registry/organisations/{organisation_id}/edit", data=data, follow_redirects=True)
    assert "Nothing was changed." in unchanged.get_data(as_text=True)
    with app.app_context():
        saved = db.session.get(Organisation, organisation_id)
        assert saved.kind == "industry_association"
        assert [(row.scheme, row.identifier) for row in saved.identifiers] == [("NL-KVK", "22222222")]
        assert registry_entries(f"organisation:{organisation_id}")[-1] == (
            f"organisation:{organisation_id}",
            secretariat.id,
            {"change": "updated", "fields": ["identifiers", "kind"]},
        )


def test_secretariat_registers_a_site_with_region_and_coarse_coordinates(app, client, secretariat, organisation):
    operator = organisation()
    response = client.post("/staff/registry/entities/new", data={**ENTITY, "operator_organisation_id": str(operator)})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        site = db.session.scalar(select(SupplyChainEntity))
        assert (site.region, site.os_id, site.geonames_id, site.operator_organisation_id) == (
            "CD-LU", "CD2024001ABC123", 922704, operator
        )  # fmt: skip
        assert (site.latitude, site.longitude) == (-10.71, 25.47)
        assert site.commodities == ["cobalt", "copper"]
        assert registry_entries(f"entity:{site.id}")[0][2]["change"] == "created"
    page = client.get(f"/staff/registry/entities/{site.id}").get_data(as_text=True)
    assert "-10.71, 25.47" in page and "Cobalt Refiners" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("region", "ZM-08", "The region must be an ISO 3166-2 code of the site"),
        ("rmi_id", "CID12", "An RMI facility id is CID and six digits"),
        ("os_id", "NL20", "An OS ID is two letters and 13 letters or digits"),
        ("latitude", "91", "Give both latitude"),
        ("longitude", "", "Give both latitude"),
        ("geonames_id", "abc", "Please give a whole number"),
        ("commodities", ["gold"], "Please choose one of the options."),
    ],
)
def test_a_wrong_site_is_refused_with_the_reason(app, client, secretariat, field, value, message):
    response = client.post("/staff/registry/entities/new", data={**ENTITY, field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SupplyChainEntity.id)) is None


def test_rmi_ids_are_unique_and_editing_a_site_keeps_its_own(app, client, secretariat, entity):
    entity("First smelter", kind="smelter", rmi_id="CID001234")
    second = entity("Second smelter", kind="smelter")
    data = {**ENTITY, "name": "Second smelter", "kind": "smelter", "rmi_id": "CID001234", "os_id": ""}
    response = client.post(f"/staff/registry/entities/{second}/edit", data=data)
    assert response.status_code == 400
    assert "Another site already has this RMI facility id." in response.get_data(as_text=True)
    data["rmi_id"] = "CID005678"
    assert client.post(f"/staff/registry/entities/{second}/edit", data=data).status_code == 302
    assert client.post(f"/staff/registry/entities/{second}/edit", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(SupplyChainEntity, second).rmi_id == "CID005678"
        changes = [facts["change"] for _target, _actor, facts in registry_entries(f"entity:{second}")]
        assert changes == ["created", "updated"]  # the second, identical save changed nothing and wrote nothing


def test_relations_are_added_shown_both_ways_and_removed(app, client, secretariat, organisation, entity):
    company = organisation("Aluminium Profiles BV")
    mine, refinery = (
        entity("Boké mine", kind="mine", country="GN"),
        entity("Fria refinery", kind="refinery", country="GN"),
    )
    response = client.post(
        f"/staff/registry/entities/{mine}/relations", data={"relation": "supplies", "entity_id": refinery}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/registry/entities/{mine}"
    owned = {"relation": "owned_by", "organisation_id": company}
    assert client.post(f"/staff/registry/entities/{refinery}/relations", data=owned).status_code == 302
    again = client.post(f"/staff/registry/entities/{refinery}/relations", data=owned)
    assert again.status_code == 400
    assert "This relation is already registered." in again.get_data(as_text=True)
    page = client.get(f"/staff/registry/entities/{refinery}").get_data(as_text=True)
    assert "Boké mine" in page and "supplies" in page and "is owned by" in page
    assert "Aluminium Profiles BV" in client.get(f"/staff/registry/organisations/{company}").get_data(as_text=True)
    with app.app_context():
        relation_id = db.session.scalar(select(EntityRelation.id).where(EntityRelation.relation == "supplies"))
        facts = registry_entries(f"entity:{mine}")[-1][2]
        assert facts == {
            "change": "relation_added",
            "fields": [],
            "relation": "supplies",
            "relation_id": relation_id,
            "subject": f"entity:{mine}",
            "object": f"entity:{refinery}",
        }
    back = f"/staff/registry/entities/{refinery}"
    removed = client.post(f"/staff/registry/relations/{relation_id}/delete", data={"next": back})
    assert removed.headers["Location"] == back
    with app.app_context():
        assert db.session.get(EntityRelation, relation_id) is None
        assert registry_entries(f"entity:{mine}")[-1][2]["change"] == "relation_removed"


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        (
            "organisations/{company}",
            {"relation": "supplies", "entity_id": "{mine}"},
            "Please choose one of the options.",
        ),
        ("entities/{mine}", {"relation": "operates", "entity_id": "{mine}"}, "Please choose one of the options."),
        ("entities/{mine}", {"relation": "owned_by", "entity_id": "{mine}"}, "This relation does not fit"),
        ("entities/{mine}", {"relation": "supplies", "entity_id": "{mine}"}, "cannot have a relation to itself"),
        ("entities/{mine}", {"relation": "supplies"}, "Please choose either an organisation or a site."),
    ],
)
def test_a_relation_that_does_not_fit_is_refused(app, client, secretariat, organisation, entity, page, data, message):
    ids = {"company": organisation(), "mine": entity()}
    url = f"/staff/registry/{page.format(**ids)}/relations"
    response = client.post(url, data={key: value.format(**ids) for key, value in data.items()})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(EntityRelation.id)) is None


def test_lists_filter_by_kind_country_commodity_covenant_party_and_name(client, secretariat, organisation, entity):
    party = organisation("Tata Steel Nederland", covenant_party=True, country="NL")
    organisation("Miners' Union", kind="union", country="ZM")
    entity("IJmuiden mill", kind="smelter", country="NL", commodities=["steel"], operator_organisation_id=party)
    entity("Kolwezi depot", kind="depot", country="CD", commodities=["cobalt"])

    def names(url):
        page = client.get(url).get_data(as_text=True)
        candidates = ("IJmuiden", "Kolwezi") if "/entities" in url else ("Tata Steel", "Miners")
        return [name for name in candidates if name in page]

    assert names("/staff/registry/") == ["Tata Steel", "Miners"]
    assert names("/staff/registry/?kind=union") == ["Miners"]
    assert names("/staff/registry/?covenant_party=y") == ["Tata Steel"]
    assert names("/staff/registry/?country=ZM") == ["Miners"]
    assert names("/staff/registry/?commodity=steel") == ["Tata Steel"]  # operates a steel site
    assert names("/staff/registry/?q=TATA") == ["Tata Steel"]
    assert names("/staff/registry/?q=%25") == []  # a wildcard is a character, not a pattern
    assert names("/staff/registry/entities") == ["IJmuiden", "Kolwezi"]
    assert names("/staff/registry/entities?commodity=cobalt") == ["Kolwezi"]
    assert names("/staff/registry/entities?kind=smelter&country=NL") == ["IJmuiden"]
    assert names("/staff/registry/entities?covenant_party=y") == ["IJmuiden"]
    assert names("/staff/registry/entities?q=kolw") == ["Kolwezi"]
    assert client.get("/staff/registry/?kind=club").status_code == 200  # an invalid filter is ignored


def test_detail_page_counts_the_cases_naming_it_and_shows_no_case_content(
    app, client, secretariat, organisation, file_grievance
):
    company = organisation()
    _response, reference, _receipt = file_grievance()
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.respondent_organisation_id = company
        db.session.commit()
    page = client.get(f"/staff/registry/organisations/{company}").get_data(as_text=True)
    assert "Cases naming it</dt><dd>1</dd>" in page.replace("\n", "").replace("  ", "")
    # The desk lists the cases naming it to case staff who may see them (tests/cases/test_alerts.py checks recusal):
    # the reference and the list's columns, never what the complainant wrote.
    assert reference in page
    assert VALID_GRIEVANCE["description"] not in page


READ_PAGES = ["/staff/registry/", "/staff/registry/entities", "/staff/registry/organisations/{o}",
              "/staff/registry/entities/{e}"]  # fmt: skip
EDIT_PAGES = ["/staff/registry/organisations/new", "/staff/registry/organisations/{o}/edit",
              "/staff/registry/entities/new", "/staff/registry/entities/{e}/edit"]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "reads", "edits"),
    [("secretariat", 200, 200), ("admin", 200, 200), ("chair", 200, 403), ("member", 200, 403),
     ("company", 403, 403), ("organisation", 403, 403)],
)  # fmt: skip
def test_who_reads_and_who_edits(client, make_user, login_as, organisation, entity, role, reads, edits):
    ids = {"o": organisation("Registered Org", kind="union"), "e": entity()}
    login_as(client, make_user(role, organisation_id=ids["o"] if role in ("company", "organisation") else None))
    for path in READ_PAGES:
        assert client.get(path.format(**ids)).status_code == reads, path
    for path in EDIT_PAGES:
        assert client.get(path.format(**ids)).status_code == edits, path
        assert client.post(path.format(**ids), data={"name": "x"}).status_code in (
            edits,
            400 if edits == 200 else edits,
        )
    relation = client.post(f"/staff/registry/entities/{ids['e']}/relations", data={"relation": "owned_by"})
    assert relation.status_code == (400 if edits == 200 else 403)
    page = client.get("/staff/registry/").get_data(as_text=True)
    assert ("Register an organisation" in page) == (edits == 200 and reads == 200)


def test_anonymous_visitors_are_sent_to_the_login_page(client, organisation):
    organisation_id = organisation()
    for path in [
        "/staff/registry/",
        f"/staff/registry/organisations/{organisation_id}",
        "/staff/registry/entities/new",
    ]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login")
    assert client.post("/staff/registry/relations/1/delete").status_code == 302


def test_nav_links_the_registry_for_its_readers_only(client, make_user, login_as):
    login_as(client, make_user("member"))
    assert 'href="/staff/registry/"' in client.get("/staff/registry/").get_data(as_text=True)
    login_as(client, make_user("company"))
    assert 'href="/staff/registry/"' not in client.get("/staff/account").get_data(as_text=True)


def test_missing_records_answer_404(client, secretariat):
    for path in ["/staff/registry/organisations/999", "/staff/registry/entities/999/edit"]:
        assert client.get(path).status_code == 404
    assert client.post("/staff/registry/clubs/1/relations").status_code == 404
    assert client.post("/staff/registry/relations/999/delete").status_code == 404
