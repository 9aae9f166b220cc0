"""Every route, walked as a stranger, as staff, as a company liaison, as an administrator and as a receipt holder:
whatever is not a public page or a static file is ``Cache-Control: no-store``, and nothing a signed-in session
receives is compressed (BREACH)."""

from __future__ import annotations

import pytest

from tests.cases.conftest import World

PUBLIC_PAGES = {"public.landing", "public.procedure", "public.privacy"}
# Open data: the same for everyone, cached with revalidation (ETag) so mirrors poll cheaply.
PUBLIC_PAGES |= {"open_data.register_csv", "open_data.register_json", "open_data.decisions_atom"}
# The public register's pages: the same bytes for everyone until something public changes (core/page_cache.py).
PUBLIC_PAGES |= {"register.register_list", "register.register_case"}
# Statistics: the same figures for everyone (rendered once per language and version of the register).
PUBLIC_PAGES |= {"register.statistics_page"}
# The API's public data (ETag, revalidated like the open data) and its documentation page.
PUBLIC_PAGES |= {"api_public." + name for name in ("register_list", "register_case", "statistics_figures")}
PUBLIC_PAGES |= {"api_public." + name for name in ("decisions", "entity_list", "entity")}
PUBLIC_PAGES |= {"api_docs.docs_page"}
METHODS = ("GET", "POST")


def _fill(rule: str, values: dict) -> str:
    for name, value in values.items():
        for converter in ("", "int:", "path:"):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    assert "<" not in rule, rule
    return rule


@pytest.fixture
def holder_client(app, file_grievance):
    """A fresh browser that has just entered a receipt."""
    _, _, receipt = file_grievance()

    def make():
        client = app.test_client()
        assert client.post("/en/follow-up", data={"receipt": receipt}).status_code == 302
        return client

    return make


@pytest.mark.parametrize("who", ["anonymous", "chair", "liaison", "admin", "holder"])
def test_every_route_is_no_store_unless_public(app, world, client_as, holder_client, who):
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in METHODS:
            if method not in rule.methods:
                continue
            client = holder_client() if who == "holder" else client_as(who)
            response = client.open(_fill(rule.rule, _values(world)), method=method, headers={"Accept-Encoding": "gzip"})
            checked += 1
            where = f"{method} {rule.rule} as {who}: {response.status_code}"
            cache = response.headers.get("Cache-Control", "")
            public = rule.endpoint == "static" or (who == "anonymous" and rule.endpoint in PUBLIC_PAGES)
            if public:
                assert "no-store" not in cache, where
            else:
                assert cache == "no-store", where
            if who != "anonymous" and rule.endpoint != "static":
                assert "Content-Encoding" not in response.headers, where
            response.close()
    assert checked > 40


def _values(world: World) -> dict:
    return {
        "locale": "en",
        "reference": world.reference,
        "user_id": world.users["secretariat"],
        "entry_id": world.company_entry_id,
        "attachment_id": world.company_attachment_id,
        "action": "acknowledge",
        "filename": "css/portal.css",
        "organisation_id": next(iter(world.organisations.values())),
        "entity_id": world.site_id,
        "kind": "entities",
        "item": "summary",
        "publication_id": 1,
        "record_id": world.site_id,
        "relation_id": 1,
        "meeting_id": 1,
        "commitment_id": 1,
        "slug": "what",
        "tracker_id": 1,
        "subscription_id": 1,
        "year": 2025,
        "token": "an-invitation-that-does-not-exist",
        "filter_id": 1,
        "tag_id": 1,
        "alert_id": 1,
        "suggestion_id": 1,
        "token_id": 1,
    }


def test_public_pages_stay_cacheable_and_compressed(client):
    for path in ("/en/", "/en/procedure", "/ar/privacy"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["Content-Encoding"] == "gzip"
