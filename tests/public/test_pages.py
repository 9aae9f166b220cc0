import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core.i18n import LOCALES

PAGES = ["/", "/procedure", "/privacy", "/report", "/follow-up"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_renders_in_every_locale(client, locale, page):
    response = client.get(f"/{locale}{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tag = LOCALES[locale].tag
    direction = "rtl" if locale == "ar" else "ltr"
    assert f'<html lang="{tag}" dir="{direction}">' in html
    # The switcher names each language in its own name, linking to the same page.
    for other in LOCALES.values():
        assert other.native_name in html
        assert f'href="/{other.code}{page}"' in html


@pytest.mark.parametrize("locale", [code for code in LOCALES if code != "en"])
def test_pages_are_translated_not_english(app, client, locale):
    html = client.get(f"/{locale}/").get_data(as_text=True)
    assert "Tell us about harm from mines and metal factories" not in html
    with app.test_request_context(), force_locale(locale):
        assert _("Tell us about harm from mines and metal factories") in html


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("pt-PT,pt;q=0.9", "pt_BR"),
        ("zh-CN,zh;q=0.9", "zh_Hans"),
        ("sw-KE", "sw"),
        ("de-DE,ar;q=0.5", "ar"),
        ("de-DE", "en"),
        ("", "en"),
    ],
)
def test_root_redirects_by_accept_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{expected}/"
    assert "Accept-Language" in response.headers["Vary"]


def test_unknown_locale_is_a_localised_404(app, client):
    response = client.get("/xx/", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    with app.test_request_context(), force_locale("fr"):
        assert _("Page not found") in response.get_data(as_text=True)
    assert 'lang="fr"' in response.get_data(as_text=True)


def test_procedure_prints_the_configured_clocks(client):
    html = client.get("/en/procedure").get_data(as_text=True)
    assert "within 7 days after you send it" in html
    assert "within 48 hours after you send it" in html
    assert "within 28 days; once, 14 days more" in html


def test_procedure_follows_a_changed_configuration(tmp_path):
    from portal import create_app
    from portal.config import Config, TestConfig

    days = {**Config.CLOCK_DAYS, "acknowledge": 5}
    app = create_app(TestConfig, INSTANCE_PATH=tmp_path, CLOCK_DAYS=days, CLOCK_URGENT_TRIAGE_HOURS=24)
    html = app.test_client().get("/en/procedure").get_data(as_text=True)
    assert "within 5 days after you send it" in html
    assert "within 24 hours after you send it" in html
    assert app.extensions["portal_clocks"].acknowledge_days == 5


def test_arabic_pages_use_only_logical_css(client):
    with client.get("/static/css/portal.css") as response:
        css = response.get_data(as_text=True)
    # Physical directions would not mirror in right-to-left pages.
    assert not re.search(r"(margin|padding|border)-(left|right)|text-align:\s*(left|right)|\b(left|right):", css)


def test_landing_names_who_may_file_and_links_the_form(client):
    html = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/report"' in html
    for text in ["Trade unions and aid groups.", "You can keep your name secret", "Stay safe"]:
        assert text in html
