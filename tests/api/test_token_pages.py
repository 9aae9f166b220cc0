"""The account page's tokens (portal/api/pages.py): created and shown once, listed without the secret, revoked by
their owner only, each change audited, CSRF kept on these cookie forms."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.api.tokens import ApiToken
from portal.audit.models import AuditEntry
from portal.extensions import db

NEW = "/staff/account/tokens/new"
SECRET = re.compile(r"cvp_[A-Za-z0-9_-]{43}")


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


def _create(client, name="Case system", scopes=("public:read", "org:read"), lifetime="90"):
    return client.post(NEW, data={"name": name, "scopes": list(scopes), "lifetime": lifetime})


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _tokens(app) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def test_a_new_token_is_shown_once_then_works_and_the_list_never_shows_it(app, client, login_as, member):
    login_as(client, member)
    form = client.get(NEW)
    assert form.status_code == 200
    assert {"public:read", "org:read", "org:write"} == set(re.findall(r'name="scopes"[^>]*value="([^"]+)"', form.text))
    created = _create(client)
    # The answer to the POST itself, never a redirect to a page that could show it again; and never stored.
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secrets = set(SECRET.findall(created.text))
    assert len(secrets) == 1
    secret = secrets.pop()
    assert f"Authorization: Bearer {secret}" in created.text and "/api/v1/docs?lang=en" in created.text
    me = client.get("/api/v1/me", headers=_bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["token_name"] == "Case system" and me.get_json()["scopes"] == ["org:read", "public:read"]

    account = client.get("/staff/account")
    assert account.status_code == 200
    assert secret not in account.text and not SECRET.search(account.text)
    (token,) = _tokens(app)
    assert f"{token.shown}…" in account.text and "Case system" in account.text
    assert "Read our organisation&#39;s cases and trackers" in account.text and "Active" in account.text
    assert secret not in client.get(NEW).text


def test_staff_get_the_staff_scope_and_no_scope_outside_their_role(app, client, login_as, make_user):
    login_as(client, make_user("secretariat"))
    offered = set(re.findall(r'name="scopes"[^>]*value="([^"]+)"', client.get(NEW).text))
    assert offered == {"public:read", "staff:read"}
    refused = _create(client, scopes=("public:read", "org:write"))
    assert refused.status_code == 400 and "Please choose one of the options." in refused.text
    assert _tokens(app) == []
    created = _create(client, scopes=("staff:read",), lifetime="30")
    assert created.status_code == 200 and SECRET.search(created.text)
    (token,) = _tokens(app)
    assert token.scopes == "staff:read"


def test_a_company_liaison_may_only_read_public_data(app, client, login_as, make_user):
    login_as(client, make_user("company"))
    assert set(re.findall(r'name="scopes"[^>]*value="([^"]+)"', client.get(NEW).text)) == {"public:read"}
    assert _create(client, scopes=("staff:read",)).status_code == 400
    assert _tokens(app) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scopes": ["org:read"], "lifetime": "90"}, "Please fill in this field."),
        ({"name": "   ", "scopes": ["org:read"], "lifetime": "90"}, "Please fill in this field."),
        ({"name": "Monthly report", "lifetime": "90"}, "Choose at least one thing the token may do."),
        ({"name": "Monthly report", "scopes": ["org:read"], "lifetime": "400"}, "Please choose one of the options."),
        ({"name": "Monthly report", "scopes": ["org:read"]}, "Please choose one of the options."),
    ],
)
def test_a_refused_form_says_why_and_keeps_what_was_typed(app, client, login_as, member, data, message):
    login_as(client, member)
    answer = client.post(NEW, data=data)
    assert answer.status_code == 400 and message in answer.text and "There is a problem" in answer.text
    anchors = re.findall(r'<li><a href="#([\w-]+)">', answer.text)
    assert anchors and all(f'id="{anchor}"' in answer.text for anchor in anchors)  # each link reaches its field
    if data["name"].strip():
        assert f'value="{data["name"]}"' in answer.text
    for scope in data.get("scopes", []):
        assert re.search(rf'checked[^>]*value="{scope}"|value="{scope}"[^>]*checked', answer.text)
    assert _tokens(app) == []


def test_errors_speak_the_readers_language(app, client, login_as, make_user):
    login_as(client, make_user("secretariat", locale="fr"))
    answer = client.post(NEW, data={"name": "Rapport", "lifetime": "90"})
    assert answer.status_code == 400
    assert "Choose at least one thing the token may do." not in answer.text and 'lang="fr"' in answer.text


def test_revoking_makes_the_token_answer_401_and_both_changes_are_audited(app, client, login_as, member):
    login_as(client, member)
    secret = SECRET.search(_create(client).text).group()
    (token,) = _tokens(app)
    revoked = client.post(f"/staff/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 302 and revoked.headers["Location"].endswith("/staff/account#tokens-heading")
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 401
    account = client.get("/staff/account").text
    assert "Revoked" in account and f"/staff/account/tokens/{token.id}/revoke" not in account
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "api-token-changed").order_by(AuditEntry.id)
        ).all()
        assert [(e.actor_id, e.target, json.loads(e.data)["change"]) for e in entries] == [
            (member.id, f"token:{token.id}", "issued"),
            (member.id, f"token:{token.id}", "revoked"),
        ]


def test_another_users_token_is_not_found(app, client, login_as, member, make_user):
    login_as(client, member)
    secret = SECRET.search(_create(client).text).group()
    (token,) = _tokens(app)
    stranger = login_as(app.test_client(), make_user("secretariat"))
    assert stranger.post(f"/staff/account/tokens/{token.id}/revoke").status_code == 404
    assert stranger.post("/staff/account/tokens/999999/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 200
    assert f"{token.shown}…" not in stranger.get("/staff/account").text


def test_the_cookie_forms_need_their_csrf_token(app, client, login_as, member):
    login_as(client, member)
    secret = SECRET.search(_create(client).text).group()
    (token,) = _tokens(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _create(client, name="Forged").status_code == 400
        assert client.post(f"/staff/account/tokens/{token.id}/revoke").status_code == 400
        page = client.get(NEW).text
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        created = client.post(NEW, data={"csrf_token": csrf, "name": "Real", "scopes": ["org:read"], "lifetime": "30"})
        assert created.status_code == 200 and SECRET.search(created.text)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 200  # not revoked by the forged POST
    assert [t.name for t in _tokens(app)] == ["Case system", "Real"]


def test_the_token_pages_need_a_signed_in_account(client):
    assert client.get(NEW).status_code == 302
    assert "/staff/login" in client.get(NEW).headers["Location"]
    assert client.post("/staff/account/tokens/1/revoke").status_code == 302
