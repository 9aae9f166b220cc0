"""Staff sessions can be ended: a cookie copied before logout, a password change, a new second factor,
deactivation or a password reset is worthless afterwards; every session dies STAFF_SESSION_HOURS after login; a
one-time password must be replaced before any other page opens."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from portal.extensions import db
from portal.users import operations
from portal.users.models import User
from tests.users.test_login import log_in

NEW_PASSWORD = "another long and careful passphrase"
PASSWORD_PATTERN = re.compile(r'<code dir="ltr" class="reference">([a-z0-9-]{23})</code>')


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get("/staff/account").status_code == 200


def test_a_cookie_copied_before_logout_is_dead_after_it(app, client, make_user):
    log_in(client, make_user("secretariat"))
    thief = copy_of(app, client)
    assert signed_in(thief)
    client.post("/staff/logout")
    response = thief.get("/staff/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_a_password_change_ends_the_other_sessions(app, make_user, login_as):
    user = make_user("chair")
    office, home = app.test_client(), app.test_client()
    log_in(office, user)
    login_as(home, user)
    response = home.post(
        "/staff/account",
        data={
            "action": "password",
            "current_password": user.password,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert signed_in(home)  # the browser that changed it carries on
    assert office.get("/staff/account").headers["Location"].startswith("/staff/login")


def test_deactivation_and_reactivation_leave_old_cookies_dead(app, client, make_user, login_as):
    user = make_user("secretariat")
    log_in(client, user)
    admin = login_as(app.test_client(), make_user("admin"))
    fields = {"role": "secretariat", "organisation_id": "", "nomination": ""}
    admin.post(f"/staff/admin/users/{user.id}", data=fields)  # "active" unticked
    admin.post(f"/staff/admin/users/{user.id}", data={**fields, "active": "y"})
    with app.app_context():
        assert db.session.get(User, user.id).active
    assert client.get("/staff/account").headers["Location"].startswith("/staff/login")


def test_new_recovery_codes_end_every_session(app, client, make_user):
    user = make_user("member")
    log_in(client, user)
    with app.app_context():
        operations.replace_recovery_codes(db.session.get(User, user.id))
        db.session.commit()
    assert not signed_in(client)


def test_a_session_ends_hours_after_login_however_active(app, client, make_user):
    log_in(client, make_user("secretariat"))
    lifetime = app.config["STAFF_SESSION_HOURS"] * 3600
    with client.session_transaction() as session:
        session["staff_login_at"] = int(time.time()) - lifetime + 60
    assert signed_in(client)  # just within, and activity does not stretch it
    with client.session_transaction() as session:
        session["staff_login_at"] -= 120
    response = client.get("/staff/account")
    assert response.headers["Location"].startswith("/staff/login")
    assert "Your session has ended" in client.get("/staff/login").get_data(as_text=True)


def test_a_session_without_its_generation_is_refused(app, client, make_user, login_as):
    """A cookie of the old shape (only the user id) opens nothing."""
    login_as(client, make_user("secretariat"))
    with client.session_transaction() as session:
        del session["staff_generation"]
    assert not signed_in(client)


def test_a_one_time_password_must_be_replaced_first(app, client, make_user, login_as):
    """The admin resets a password through the form; the owner's next login leads to the new-password page,
    and every signed-in page sends them there until they have chosen their own."""
    user = make_user("secretariat")
    owner = app.test_client()
    log_in(owner, user)
    admin = login_as(client, make_user("admin"))
    assert "Issue a new one-time password" in admin.get(f"/staff/admin/users/{user.id}").get_data(as_text=True)
    page = admin.post(f"/staff/admin/users/{user.id}/password")
    assert page.headers["Cache-Control"] == "no-store"
    one_time = PASSWORD_PATTERN.search(page.get_data(as_text=True)).group(1)
    assert not signed_in(owner)  # the reset ended the owner's sessions

    owner.post("/staff/login", data={"email": user.email, "password": one_time})
    next_code = pyotp.TOTP(user.totp_secret).at(time.time() + 30)  # the current one was used by the first login
    response = owner.post("/staff/login/code", data={"code": next_code})
    assert response.headers["Location"] == "/staff/password"
    for path in ("/staff/", "/staff/account", "/staff/cases"):
        assert owner.get(path).headers["Location"] == "/staff/password"

    same = owner.post(
        "/staff/password",
        data={"current_password": one_time, "new_password": one_time, "new_password_again": one_time},
    )
    assert same.status_code == 400
    assert "not the one you were given" in same.get_data(as_text=True)
    response = owner.post(
        "/staff/password",
        data={"current_password": one_time, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/staff/"
    assert signed_in(owner)
    with app.app_context():
        stored = db.session.scalars(select(User).where(User.id == user.id)).one()
        assert not stored.must_change_password and stored.check_password(NEW_PASSWORD)
    assert owner.get("/staff/password").headers["Location"] == "/staff/"
