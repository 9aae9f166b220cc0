import importlib.util

import pytest

from portal.config import ROOT


def test_security_headers_on_public_pages(client):
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_and_no_third_party_origin(client):
    for page in ["/en/", "/en/report", "/ar/procedure", "/sw/privacy", "/en/follow-up"]:
        html = client.get(page).get_data(as_text=True)
        assert "<script" not in html
        assert " style=" not in html
        assert "http://" not in html and "https://" not in html


def test_csrf_token_is_required(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/fr/follow-up", data={"receipt": "1234"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert 'lang="fr"' in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_session_cookie_is_secure_over_https_only(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the form's CSRF token is what puts a cookie on the public pages
    try:
        over_https = app.test_client().get("/en/report", base_url="https://portal.example")
        over_http = app.test_client().get("/en/report", base_url="http://127.0.0.1:5000")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    secure_cookie = over_https.headers["Set-Cookie"]
    assert "Secure" in secure_cookie and "HttpOnly" in secure_cookie and "SameSite=Lax" in secure_cookie
    assert "Secure" not in over_http.headers["Set-Cookie"]


def test_gunicorn_access_log_carries_no_client_address_or_agent():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for forbidden in ["%(h)s", "%(a)s", "%(u)s", "{x-forwarded-for}", "{x-real-ip}"]:
        assert forbidden not in module.access_log_format.lower()


def test_limiter_key_is_a_hash_not_an_address(app):
    from portal.core.security import limiter_client_key

    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        key = limiter_client_key()
    assert "203.0.113.7" not in key and len(key) == 32


@pytest.mark.parametrize(
    ("subdomains", "preload", "expected"),
    [
        (False, False, "max-age=31536000"),
        (True, False, "max-age=31536000; includeSubDomains"),
        (True, True, "max-age=31536000; includeSubDomains; preload"),
    ],
)
def test_hsts_widens_only_when_configured(app, client, subdomains, preload, expected):
    saved = app.config["HSTS_INCLUDE_SUBDOMAINS"], app.config["HSTS_PRELOAD"]
    app.config.update(HSTS_INCLUDE_SUBDOMAINS=subdomains, HSTS_PRELOAD=preload)
    try:
        over_https = client.get("/en/", base_url="https://portal.example")
        over_http = client.get("/en/")
    finally:
        app.config["HSTS_INCLUDE_SUBDOMAINS"], app.config["HSTS_PRELOAD"] = saved
    assert over_https.headers["Strict-Transport-Security"] == expected
    assert "Strict-Transport-Security" not in over_http.headers


def test_a_signed_in_page_with_a_csrf_token_is_not_compressed(app, client, make_user, login_as):
    """BREACH needs compression of a page that holds a secret (the CSRF token) beside reflected text."""
    login_as(client, make_user("secretariat"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.get("/staff/account", headers={"Accept-Encoding": "gzip, br"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert "Content-Encoding" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    # A stranger's public form is still compressed: the 40 KB budget of docs/architecture.md §9.
    public = app.test_client().get("/en/report", headers={"Accept-Encoding": "gzip"})
    assert public.headers["Content-Encoding"] == "gzip"


def test_static_files_stay_cacheable_and_compressed_when_signed_in(client, make_user, login_as):
    login_as(client, make_user("secretariat"))
    response = client.get("/static/css/portal.css", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
