"""The API's ground rules (portal/api/setup.py, problems.py, tokens.py): errors as problem+json on API paths only,
tokens that are hashed, scoped, expiring and revocable, every non-public use in the audit trail, no CSRF, no CORS
unless allowed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.api.tokens import ApiToken, TokenRefused, issue, revoke, token_hash
from portal.audit.models import AuditEntry
from portal.core.db import utcnow
from portal.extensions import db
from portal.users.models import User

PROBLEM = "application/problem+json"


@pytest.fixture
def member(app, make_user):
    """A member of a verified NGO: the role with the organisation's scopes."""
    from portal.organisations.models import Organisation

    with app.app_context():
        ngo = Organisation(name="Bana Mining Watch", kind="ngo", verified=True)
        db.session.add(ngo)
        db.session.commit()
        ngo_id = ngo.id
    return make_user("organisation", organisation_id=ngo_id)


def _token(app, user_id: int, scopes: list[str], days: int = 30) -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        _row, secret = issue(user, "reporting", scopes, days)
        db.session.commit()
    return secret


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_errors_on_api_paths_are_problems_and_pages_stay_html(client):
    for path, status in (("/api/v1/nowhere", 404), ("/api/v1/me", 401)):
        response = client.get(path)
        assert response.status_code == status and response.mimetype == PROBLEM
        body = response.get_json()
        assert body["status"] == status and body["type"].startswith("/api/v1/docs#problem-") and body["title"]
    assert client.get("/api/v1/me").headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/api/v1/me").status_code == 405 and client.post("/api/v1/me").mimetype == PROBLEM
    page = client.get("/en/nowhere")
    assert page.status_code == 404 and page.mimetype == "text/html"
    # The title is in the requester's language.
    french = client.get("/api/v1/nowhere", headers={"Accept-Language": "fr"}).get_json()
    assert french["title"] != client.get("/api/v1/nowhere").get_json()["title"]


def test_a_nul_byte_anywhere_is_a_documented_400_problem_on_every_operation(client):
    """The malformed-input guard answers before the view and its token (core/routing.py), so every operation may
    answer 400, and says so: schemathesis once sent a NUL in a multipart field of the evidence upload."""
    body = b'--b\r\nContent-Disposition: form-data; name="message"\r\n\r\nhello\x00\r\n--b--\r\n'
    response = client.post(
        "/api/v1/org/cases/MC-2026-00001/evidence", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert client.get("/api/v1/org/cases?state=%00").status_code == 400
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":  # the path's own parameters, not an operation
                continue
            assert "application/problem+json" in operation["responses"]["400"]["content"], (method, path)


def test_the_openapi_document_is_3_1_and_names_the_bearer_scheme(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    assert "/api/v1/me" in document["paths"]


def test_a_token_is_stored_only_as_its_hash_and_works_until_revoked(app, client, member):
    secret = _token(app, member.id, ["public:read", "org:read"])
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == token_hash(secret) and secret not in (row.shown + row.scopes + row.name)
        assert secret.startswith(row.shown)
    me = client.get("/api/v1/me", headers=_bearer(secret))
    assert me.status_code == 200 and me.get_json()["scopes"] == ["org:read", "public:read"]
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.last_used_at is not None
        revoke(row, row.user)
        db.session.commit()
    refused = client.get("/api/v1/me", headers=_bearer(secret))
    assert refused.status_code == 401 and refused.mimetype == PROBLEM


def test_an_expired_token_or_a_deactivated_owner_answers_401(app, client, make_user):
    owner = make_user("secretariat")
    secret = _token(app, owner.id, ["staff:read"])
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 403  # lacks public:read
    with app.app_context():
        db.session.scalar(select(ApiToken)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 401
    other = _token(app, owner.id, ["public:read"])
    assert client.get("/api/v1/me", headers=_bearer(other)).status_code == 200
    with app.app_context():
        db.session.get(User, owner.id).active = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=_bearer(other)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer("cvp_made-up")).status_code == 401


def test_a_role_gets_only_its_scopes(app, make_user):
    with app.app_context():
        company = db.session.get(User, make_user("company").id)
        with pytest.raises(TokenRefused):
            issue(company, "x", ["staff:read"], 30)
        organisation = db.session.get(User, make_user("organisation").id)
        with pytest.raises(TokenRefused):
            issue(organisation, "x", ["staff:read"], 30)
        with pytest.raises(TokenRefused):
            issue(organisation, "x", ["org:read"], 400)  # at most a year
        with pytest.raises(TokenRefused):
            issue(organisation, " ", ["org:read"], 30)


def test_issuing_revoking_and_non_public_use_are_audited(app, client, make_user):
    owner = make_user("organisation")
    secret = _token(app, owner.id, ["public:read"])
    client.get("/api/v1/me", headers=_bearer(secret))
    with app.app_context():
        actions = [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("api-token-changed") == 1
    assert "api-token-used" not in actions  # public reads are not case data (non-public use: tests/api/test_org.py)


def test_no_csrf_on_the_api_and_no_cors_unless_allowed(app, client, make_user):
    secret = _token(app, make_user("organisation").id, ["public:read"])
    plain = client.get("/api/v1/me", headers={**_bearer(secret), "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in plain.headers
    app.config["API_CORS_ORIGINS"] = frozenset({"https://partner.example"})
    try:
        allowed = client.get("/api/v1/me", headers={**_bearer(secret), "Origin": "https://partner.example"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    finally:
        app.config["API_CORS_ORIGINS"] = frozenset()
    assert "api_me" in {blueprint.name for blueprint in app.extensions["csrf"]._exempt_blueprints}


def test_a_token_is_rate_limited_on_its_own(app, client, make_user):
    first = _token(app, make_user("organisation").id, ["public:read"])
    second = _token(app, make_user("organisation").id, ["public:read"])
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/me", headers=_bearer(first)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = client.get("/api/v1/me", headers=_bearer(first))
        assert limited.mimetype == PROBLEM and limited.headers.get("Retry-After")
        assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "10000 per minute"
