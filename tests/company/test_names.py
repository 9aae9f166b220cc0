"""Names instead of codes on the company and staff pages (issue 15 §8): countries and languages in the reader's
language, from one table per language built once."""

from __future__ import annotations

from portal.core.i18n import _country_names, country_name
from portal.extensions import db
from portal.users.models import Affiliation, User


def test_the_company_pages_name_the_country(world, client_as):
    liaison = client_as("liaison")
    for path in ("/company/", f"/company/cases/{world.reference}"):
        html = liaison.get(path).get_data(as_text=True)
        assert "Congo - Kinshasa" in html, path
        assert "<td>CD</td>" not in html and ">CD<" not in html, path


def test_the_name_follows_the_readers_language(app, world, client_as):
    with app.app_context():
        db.session.get(User, world.users["liaison"]).locale = "fr"
        db.session.commit()
    html = client_as("liaison").get(f"/company/cases/{world.reference}").get_data(as_text=True)
    assert "Congo-Kinshasa" in html and "Pays\u00a0:" in html


def test_the_account_page_names_the_country_of_a_declared_site(app, world, client_as):
    with app.app_context():
        user = db.session.get(User, world.users["secretariat"])
        user.affiliations.append(Affiliation(entity_id=world.site_id))
        db.session.commit()
    html = client_as("secretariat").get("/staff/account").get_data(as_text=True)
    assert "Smelter (Netherlands)" in html and "(NL)" not in html


def test_one_table_per_language_is_built_once(app):
    with app.test_request_context():
        _country_names.cache_clear()
        assert [country_name(code, "sw") for code in ("CD", "ID", "XX")] == [
            "Kongo - Kinshasa",
            "Indonesia",
            "XX",
        ]
        assert country_name("CD", "ar") and country_name(None) == ""
        info = _country_names.cache_info()
        assert (info.misses, info.hits) == (2, 2)
