"""Account administration (invite, change, deactivate) and a staff member's own account page."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pyotp
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import event, select

from portal.core import signals
from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.users.models import Affiliation, User

PASSWORD_PATTERN = re.compile(r'<code dir="ltr" class="reference">([a-z0-9-]{23})</code>')
NEW_PASSWORD = "my very own long passphrase"
ADMIN_PAGES = ["/staff/admin/users", "/staff/admin/users/new", "/staff/admin/users/{id}"]


@contextmanager
def user_changes():
    """Collect (user id, change, actor id) of every user_changed signal sent meanwhile."""
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender.id, kwargs["change"], kwargs["actor"].id if kwargs["actor"] else None))

    with signals.user_changed.connected_to(receiver):
        yield seen


def stored_user(app, **criteria) -> User | None:
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(**criteria)).first()
        if user is not None:
            db.session.expunge(user)
        return user


def add_organisation(app, name="Miners' Union", kind="union") -> int:
    with app.app_context():
        organisation = Organisation(name=name, kind=kind)
        db.session.add(organisation)
        db.session.commit()
        return organisation.id


def invite(client, **fields):
    data = {"name": "Ana Costa", "email": "ana@example.org", "role": "member", "organisation_id": "", "locale": "pt_BR"}
    return client.post("/staff/admin/users/new", data={**data, **fields})


# --- Administration ------------------------------------------------------------------------------------------------


def test_test_addresses_are_accepted_in_the_demo_only(app, client, make_user, login_as):
    """The demo's accounts live at .test; a real portal refuses them, since no invitation could ever arrive there."""
    login_as(client, make_user("admin"))
    app.config["PORTAL_DEMO"] = False
    assert "This email address does not look right." in invite(client, email="ana@union.test").get_data(as_text=True)
    app.config["PORTAL_DEMO"] = True
    assert invite(client, email="ana@union.test").status_code == 200
    assert stored_user(app, email="ana@union.test").name == "Ana Costa"


def test_admin_invites_a_user_with_a_one_time_password(app, client, make_user, login_as):
    admin = make_user("admin")
    login_as(client, admin)
    union = add_organisation(app)
    form = client.get("/staff/admin/users/new").get_data(as_text=True)
    assert 'for="email"' in form and 'for="role"' in form

    with user_changes() as changes:
        response = invite(client, organisation_id=str(union), nomination="civil_society")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = PASSWORD_PATTERN.search(response.get_data(as_text=True)).group(1)

    user = stored_user(app, email="ana@example.org")
    assert (user.role, user.organisation_id, user.nomination, user.locale) == (
        "member",
        union,
        "civil_society",
        "pt_BR",
    )
    assert user.totp_confirmed_at is None and user.active
    assert user.check_password(password)
    assert password not in user.password_hash
    assert changes == [(user.id, "created", admin.id)]

    # Shown once: no other page shows it again.
    for url in ("/staff/admin/users", f"/staff/admin/users/{user.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "ana@example.org" in page and password not in page

    # The new member must set up two-factor login first.
    client.post("/staff/logout")
    response = client.post("/staff/login", data={"email": "ana@example.org", "password": password})
    assert response.headers["Location"] == "/staff/enrol"


def test_invitation_checks_its_fields(app, client, make_user, login_as):
    login_as(client, make_user("admin", email="admin@example.org"))
    response = invite(client, email="Admin@Example.org")
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)

    response = invite(client, role="company", nomination="industry", vice_chair="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "need an organisation" in page
    assert "Only the chair and committee members are nominated." in page
    assert "Only a committee member can be vice-chair." in page

    response = invite(client, email="not an address", role="wizard", name="")
    page = response.get_data(as_text=True)
    assert "This email address does not look right." in page
    assert "Please choose one of the options." in page
    assert "Please fill in this field." in page
    assert stored_user(app, name="Ana Costa") is None


def test_admin_changes_a_role(app, client, make_user, login_as):
    admin = make_user("admin")
    member = make_user("member", nomination="industry")
    login_as(client, admin)
    page = client.get(f"/staff/admin/users/{member.id}").get_data(as_text=True)
    assert '<option selected value="member">' in page

    with user_changes() as changes:
        response = client.post(
            f"/staff/admin/users/{member.id}",
            data={"role": "chair", "organisation_id": "", "nomination": "independent", "active": "y"},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/admin/users"
    assert changes == [
        (member.id, "role:member->chair", admin.id),
        (member.id, "nomination:industry->independent", admin.id),
    ]
    user = stored_user(app, id=member.id)
    assert (user.role, user.nomination, user.active) == ("chair", "independent", True)


def test_admin_deactivates_an_account(app, client, make_user, login_as):
    admin = make_user("admin")
    officer = make_user("secretariat")
    login_as(client, admin)
    with user_changes() as changes:
        response = client.post(f"/staff/admin/users/{officer.id}", data={"role": "secretariat", "organisation_id": ""})
    assert response.status_code == 302
    assert changes == [(officer.id, "deactivated", admin.id)]
    assert stored_user(app, id=officer.id).active is False

    other = app.test_client()
    response = other.post("/staff/login", data={"email": officer.email, "password": officer.password})
    assert "The email address or password is not right." in response.get_data(as_text=True)

    with user_changes() as changes:
        client.post(f"/staff/admin/users/{officer.id}", data={"role": "secretariat", "active": "y"})
    assert changes == [(officer.id, "activated", admin.id)]


def test_an_admin_cannot_deactivate_or_demote_themselves(app, client, make_user, login_as):
    admin = make_user("admin")
    login_as(client, admin)
    response = client.post(f"/staff/admin/users/{admin.id}", data={"role": "admin"})
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    response = client.post(f"/staff/admin/users/{admin.id}", data={"role": "secretariat", "active": "y"})
    assert response.status_code == 400
    assert "You cannot take away your own administrator role." in response.get_data(as_text=True)
    user = stored_user(app, id=admin.id)
    assert (user.role, user.active) == ("admin", True)


@pytest.mark.parametrize("role", ["secretariat", "chair", "member", "company", "organisation"])
def test_only_admins_open_the_admin_pages(app, client, make_user, login_as, role):
    organisation_id = (
        add_organisation(app, "Cobalt Refiners", "company") if role in ("company", "organisation") else None
    )
    user = make_user(role, organisation_id=organisation_id)
    login_as(client, user)
    for url in ADMIN_PAGES:
        assert client.get(url.format(id=user.id)).status_code == 403
    assert client.post("/staff/admin/users/new", data={"email": "x@example.org"}).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, make_user):
    user = make_user("secretariat")
    for url in [*ADMIN_PAGES, "/staff/account"]:
        response = client.get(url.format(id=user.id))
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login?next=")


def test_account_list_is_one_query_whatever_the_number_of_accounts(app, client, make_user, login_as):
    union = add_organisation(app)
    admin = make_user("admin")
    login_as(client, admin)

    def statements_for_list() -> int:
        count = 0

        def counter(*args):
            nonlocal count
            count += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            response = client.get("/staff/admin/users")
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        assert response.status_code == 200
        return count

    make_user("member", organisation_id=union)
    few = statements_for_list()
    for role in ("secretariat", "chair", "member", "member", "company"):
        make_user(role, organisation_id=union)
    assert statements_for_list() == few

    page = client.get("/staff/admin/users").get_data(as_text=True)
    assert '<table class="list">' in page and '<th scope="col">' in page
    assert "Miners&#39; Union" in page
    assert page.count("/staff/admin/users/") >= 7


# --- My account ----------------------------------------------------------------------------------------------------


def test_account_page_stores_the_language(app, client, make_user, login_as):
    user = make_user("secretariat")
    login_as(client, user)
    page = client.get("/staff/account").get_data(as_text=True)
    assert 'lang="zh-Hans"' in page and "中文（简体）" in page

    response = client.post("/staff/account", data={"action": "locale", "locale": "fr"})
    assert response.status_code == 302
    assert stored_user(app, id=user.id).locale == "fr"
    assert '<html lang="fr"' in client.get("/staff/account").get_data(as_text=True)

    response = client.post("/staff/account", data={"action": "locale", "locale": "tlh"})
    assert response.status_code == 400
    assert stored_user(app, id=user.id).locale == "fr"


def test_account_page_changes_the_password(app, client, make_user, login_as):
    user = make_user("chair")
    login_as(client, user)
    new = "an even longer and more careful passphrase"
    response = client.post(
        "/staff/account",
        data={"action": "password", "current_password": "wrong", "new_password": new, "new_password_again": new},
    )
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)

    response = client.post(
        "/staff/account",
        data={
            "action": "password",
            "current_password": user.password,
            "new_password": "short",
            "new_password_again": "x",
        },
    )
    page = response.get_data(as_text=True)
    assert "at least 12 characters" in page and "The two new passwords differ." in page

    with user_changes() as changes:
        response = client.post(
            "/staff/account",
            data={
                "action": "password",
                "current_password": user.password,
                "new_password": new,
                "new_password_again": new,
            },
        )
    assert response.status_code == 302
    assert changes == [(user.id, "password", user.id)]
    assert stored_user(app, id=user.id).check_password(new)


def test_declaring_an_affiliation(app, client, make_user, login_as):
    user = make_user("member", nomination="industry")
    union = add_organisation(app)
    with app.app_context():
        depot = SupplyChainEntity(name="Kasulo depot", kind="depot", country="CD")
        db.session.add(depot)
        db.session.commit()
        depot_id = depot.id
    login_as(client, user)

    declared = []
    with signals.affiliation_changed.connected_to(lambda sender, **kw: declared.append((sender.id, kw["actor"].id))):
        response = client.post(
            "/staff/account", data={"action": "affiliation", "organisation_id": str(union), "note": "Member until 2024"}
        )
    assert response.status_code == 302
    assert declared == [(user.id, user.id)]
    page = client.get("/staff/account").get_data(as_text=True)
    assert "Miners&#39; Union" in page and "Member until 2024" in page

    # Either an organisation or a site; never the same one twice.
    both = client.post(
        "/staff/account", data={"action": "affiliation", "organisation_id": str(union), "entity_id": str(depot_id)}
    )
    assert "either an organisation or a site" in both.get_data(as_text=True)
    again = client.post("/staff/account", data={"action": "affiliation", "organisation_id": str(union)})
    assert "already declared" in again.get_data(as_text=True)
    site = client.post("/staff/account", data={"action": "affiliation", "entity_id": str(depot_id)})
    assert site.status_code == 302

    with app.app_context():
        rows = db.session.scalars(select(Affiliation).where(Affiliation.user_id == user.id)).all()
        assert {(row.organisation_id, row.entity_id) for row in rows} == {(union, None), (None, depot_id)}


def test_enrolled_user_logs_in_after_an_invitation(app, client, make_user, login_as):
    """The whole way: invite, first login, enrolment, and a later login with the app's code."""
    login_as(client, make_user("admin"))
    password = PASSWORD_PATTERN.search(invite(client).get_data(as_text=True)).group(1)
    client.post("/staff/logout")

    newcomer = app.test_client()
    newcomer.post("/staff/login", data={"email": "ana@example.org", "password": password})
    newcomer.get("/staff/enrol")
    with app.app_context():
        secret = db.session.scalars(select(User).filter_by(email="ana@example.org")).one().totp_secret
    response = newcomer.post("/staff/enrol", data={"code": pyotp.TOTP(secret).now()})
    with app.test_request_context(), force_locale("pt_BR"):  # the invited user chose Brazilian Portuguese
        expected = gettext("Your recovery codes")
    assert expected != "Your recovery codes"
    assert expected in response.get_data(as_text=True)
    # The one-time password must be replaced before any other page opens.
    assert newcomer.get("/staff/account").headers["Location"] == "/staff/password"
    changed = newcomer.post(
        "/staff/password",
        data={"current_password": password, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert newcomer.get("/staff/account").status_code == 200
    assert stored_user(app, email="ana@example.org").last_login_at is not None
