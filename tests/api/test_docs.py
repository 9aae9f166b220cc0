"""The documentation page is rendered from the OpenAPI document: every operation, every problem type's anchor,
the chapters on tokens, paging, limits, webhooks and versioning, in the reader's language, without a script."""

from __future__ import annotations

import re

import pytest

from portal.api.problems import PROBLEMS, problem_type

CHAPTERS = ("tokens", "endpoints", "errors", "pagination", "rate-limits", "webhooks", "versioning", "schemas")


def test_every_operation_and_problem_type_has_its_place(app, client):
    with app.app_context():
        spec = app.extensions["portal_api"].spec.to_dict()
    page = client.get("/api/v1/docs?lang=en")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                assert f"<code>{method.upper()} {path}</code>" in html, (method, path)
    for status in PROBLEMS:
        assert f'id="{problem_type(status).split("#")[1]}"' in html
    for chapter in CHAPTERS:
        assert f'id="{chapter}"' in html
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "<script" not in html
    assert "Portal-Signature: t=" in html and "HMAC-SHA256" in html
    assert "Deprecation" in html and "Sunset" in html and "/api/v2" in html


def test_the_scope_each_endpoint_needs_is_shown(client):
    html = client.get("/api/v1/docs?lang=en").get_data(as_text=True)
    me = html[html.index("<code>GET /api/v1/me</code>") :]
    assert re.search(r"Scope needed: <code dir=\"ltr\">public:read</code>", me[:2000])
    register = html[html.index("<code>GET /api/v1/register</code>") :]
    assert "none (a token with public:read is accepted)" in register[:1000]
    for field in ("next_cursor", "cursor", "limit", "stage", "suppressed"):
        assert f'<code dir="ltr">{field}</code>' in html


@pytest.mark.parametrize(("lang", "heading", "direction"), [("ar", "الأخطاء", "rtl"), ("fr", "Erreurs", "ltr")])
def test_the_page_speaks_the_chosen_language(client, lang, heading, direction):
    html = client.get(f"/api/v1/docs?lang={lang}").get_data(as_text=True)
    assert f'dir="{direction}"' in html.split(">", 2)[1]
    assert f'<h2 id="errors">{heading}</h2>' in html
    assert client.get("/api/v1/docs", headers={"Accept-Language": "nl"}).get_data(as_text=True).count("Fouten") >= 1
