"""Staff login: password, then a TOTP or recovery code; lock-out, replay, enrolment, idle timeout, throttling."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from portal.core import signals
from portal.core.db import utcnow
from portal.core.security import SEEN_STEP
from portal.extensions import db
from portal.users import operations
from portal.users.models import LoginFailure, RecoveryCode, User

GENERIC = "The email address or password is not right."
LOCKED = "try again later"
CODES_PATTERN = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


def password_step(client, user, password=None, next_path=None):
    url = "/staff/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": user.email, "password": password or user.password})


def code_step(client, code="", recovery_code=""):
    return client.post("/staff/login/code", data={"code": code, "recovery_code": recovery_code})


def log_in(client, user):
    password_step(client, user)
    return code_step(client, pyotp.TOTP(user.totp_secret).now())


def load(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def failures(app, user_id) -> int:
    """Failed attempts counted against this account, from every client together."""
    with app.app_context():
        rows = db.session.scalars(select(LoginFailure).where(LoginFailure.user_id == user_id)).all()
        return sum(row.failures for row in rows)


def lock_until(app, user_id):
    with app.app_context():
        return db.session.scalar(select(LoginFailure.locked_until).where(LoginFailure.user_id == user_id))


def totp_secret(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).totp_secret


def test_login_needs_password_and_code(app, client, make_user):
    user = make_user("secretariat")
    response = password_step(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login/code"

    # The password alone opens nothing.
    response = client.get("/staff/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")

    page = client.get("/staff/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    response = code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    # The session cookie dies with the browser.
    assert "Expires" not in response.headers["Set-Cookie"]

    assert client.get("/staff/account").status_code == 200
    stored = load(app, user.id)
    assert stored.last_login_at is not None
    assert failures(app, user.id) == 0


def test_login_page_fields(client):
    response = client.get("/staff/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'for="email"' in page and 'for="password"' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("role", "home"), [("company", "/company/"), ("admin", "/staff/admin/users")])
def test_login_lands_on_the_role_home(client, make_user, role, home):
    assert log_in(client, make_user(role)).headers["Location"] == home


def test_login_returns_to_the_page_asked_for(client, make_user):
    user = make_user("chair")
    login_url = client.get("/staff/account").headers["Location"]
    assert login_url.startswith("/staff/login?next=")
    client.post(login_url, data={"email": user.email, "password": user.password})
    response = code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert response.headers["Location"] == "/staff/account"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client, make_user, target):
    user = make_user("chair")
    password_step(client, user, next_path=target)
    response = code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert response.headers["Location"] == "/staff/"


def test_wrong_password_or_unknown_email_get_one_generic_message(app, client, make_user):
    user = make_user("secretariat")
    wrong_password = password_step(client, user, password="not the passphrase")
    unknown = client.post("/staff/login", data={"email": "nobody@example.org", "password": user.password})
    for response in (wrong_password, unknown):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Form")
        assert GENERIC in response.get_data(as_text=True)
    assert failures(app, user.id) == 1


def test_lock_out_after_repeated_failures(app, client, make_user):
    user = make_user("secretariat")
    seen = []
    with signals.user_login_failed.connected_to(lambda sender, **kw: seen.append((sender.id, kw["stage"]))):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            response = password_step(client, user, password="guess")
    assert seen == [(user.id, "password")] * app.config["LOGIN_MAX_FAILURES"]
    assert LOCKED in response.get_data(as_text=True)
    assert lock_until(app, user.id) > utcnow() + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] - 1)

    # Still locked, even with the right password.
    response = password_step(client, user)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert GENERIC in page and LOCKED in page
    assert client.get("/staff/login/code").status_code == 302  # no pending login

    # Once the lock has run out, the right password works; a full login starts the count again.
    with app.app_context():
        db.session.execute(update(LoginFailure).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert password_step(client, user).headers["Location"] == "/staff/login/code"
    code_step(client, pyotp.TOTP(user.totp_secret).now())
    assert failures(app, user.id) == 0


def test_the_lock_doubles_with_every_further_failure(app, client, make_user):
    user = make_user("secretariat")
    minutes = app.config["LOGIN_LOCK_MINUTES"]
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        password_step(client, user, password="guess")
    for expected in (2 * minutes, 4 * minutes):
        with app.app_context():  # the lock has run out; the next failure locks twice as long
            db.session.execute(update(LoginFailure).values(locked_until=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        password_step(client, user, password="guess")
        remaining = lock_until(app, user.id) - utcnow()
        assert timedelta(minutes=expected - 1) < remaining <= timedelta(minutes=expected)


def test_a_stranger_cannot_lock_the_owner_out(app, make_user):
    """Failures from one client lock that client out of the account, not the owner at another client."""
    user = make_user("secretariat")
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "198.51.100.66"
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.10"
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        password_step(stranger, user, password="guess")
    assert password_step(stranger, user).status_code == 401  # the stranger's client is locked out

    assert password_step(owner, user).headers["Location"] == "/staff/login/code"
    assert code_step(owner, pyotp.TOTP(user.totp_secret).now()).headers["Location"] == "/staff/"
    with app.app_context():  # no address is stored, only keyed hashes
        hashes = db.session.scalars(select(LoginFailure.client_hash)).all()
    assert hashes and not any("198.51" in value or "203.0" in value for value in hashes)


def test_unknown_wrong_and_locked_answer_alike(app, client, make_user, monkeypatch):
    """Same status and words, and the same Argon2 work, so none of the three can be told apart. The work is counted
    (one Argon2 verification per attempt, whatever the kind), not timed: with the tests' cheapest Argon2 profile a
    wrong password's lock-out counter write outweighs the hash, and a timing ratio failed on a busy machine (CI,
    2026-12-01: 20 ms against 6). In production the hash (RFC 9106 low-memory, ~50 ms) is what an attacker times."""
    user = make_user("secretariat")
    locked = make_user("secretariat")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        password_step(client, locked, password="guess")
    verified = []
    real_verify = PasswordHasher.verify

    def counting_verify(self, hash, password):
        verified.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    kinds = {
        "unknown": ("nobody@example.org", user.password),
        "wrong": (user.email, "not the passphrase"),
        "locked": (locked.email, locked.password),
    }
    bodies, statuses, work = {}, {}, {}
    for kind, (email, password) in kinds.items():
        verified.clear()
        response = client.post("/staff/login", data={"email": email, "password": password})
        bodies[kind] = response.get_data(as_text=True).replace(email, "typed address")
        statuses[kind] = response.status_code
        work[kind] = len(verified)
    assert set(statuses.values()) == {401}
    assert bodies["unknown"] == bodies["wrong"] == bodies["locked"]
    assert work == {"unknown": 1, "wrong": 1, "locked": 1}


def test_wrong_codes_count_toward_the_lock_out(app, client, make_user):
    user = make_user("member")
    password_step(client, user)
    with signals.user_login_failed.connected_to(lambda sender, **kw: stages.append(kw["stage"])):
        stages: list[str] = []
        for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
            response = code_step(client, "000000")
            assert "This code is not right" in response.get_data(as_text=True)
        response = code_step(client, "000001")
    assert stages == ["code"] * app.config["LOGIN_MAX_FAILURES"]
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login"
    assert lock_until(app, user.id) is not None
    # The right code no longer helps: the half-finished login is gone and the account is locked.
    assert code_step(client, pyotp.TOTP(user.totp_secret).now()).status_code == 302
    assert LOCKED in password_step(client, user).get_data(as_text=True)


def test_a_totp_code_works_only_once(app, client, make_user):
    user = make_user("secretariat")
    code = pyotp.TOTP(user.totp_secret).now()
    password_step(client, user)
    assert code_step(client, code).status_code == 302
    client.post("/staff/logout")

    password_step(client, user)
    response = code_step(client, code)
    assert response.status_code == 401
    assert "already used" in response.get_data(as_text=True)
    assert client.get("/staff/account").status_code == 302
    assert failures(app, user.id) == 1


def test_a_recovery_code_works_once(app, client, make_user):
    user = make_user("chair")
    with app.app_context():
        codes = operations.replace_recovery_codes(db.session.get(User, user.id))
        db.session.commit()

    password_step(client, user)
    response = code_step(client, recovery_code=codes[3].upper().replace("-", " "))
    assert response.headers["Location"] == "/staff/"
    with app.app_context():
        used = db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
        assert len(used) == 1
    client.post("/staff/logout")

    password_step(client, user)
    response = code_step(client, recovery_code=codes[3])
    assert response.status_code == 401
    assert "already used" in response.get_data(as_text=True)
    # Another code still works.
    assert code_step(client, recovery_code=codes[4]).headers["Location"] == "/staff/"


def test_first_login_enrols_an_authenticator(app, client):
    with app.app_context():
        user, password = operations.create_user(
            email="new.officer@example.org", name="New Officer", role="secretariat", actor=None
        )
        db.session.commit()
        user_id = user.id

    response = client.post("/staff/login", data={"email": "New.Officer@example.org", "password": password})
    assert response.headers["Location"] == "/staff/enrol"
    assert client.get("/staff/login/code").headers["Location"] == "/staff/enrol"

    page = client.get("/staff/enrol").get_data(as_text=True)
    assert "<svg" in page
    assert "data:" not in page and "<img" not in page
    secret = totp_secret(app, user_id)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    # A reload shows the same secret: the one in the app keeps working.
    client.get("/staff/enrol")
    assert totp_secret(app, user_id) == secret
    assert load(app, user_id).totp_confirmed_at is None

    wrong = client.post("/staff/enrol", data={"code": "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"})
    assert "This code is not right" in wrong.get_data(as_text=True)

    logins = []
    with signals.user_logged_in.connected_to(lambda sender, **kw: logins.append((sender.id, kw["actor"].id))):
        response = client.post("/staff/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert logins == [(user_id, user_id)]
    codes = CODES_PATTERN.findall(response.get_data(as_text=True))
    assert len(codes) == 10 == len(set(codes))
    assert "Write these down" in response.get_data(as_text=True)

    with app.app_context():
        stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all()
        assert len(stored) == 10
        assert all(row.code_hash.startswith("$argon2id$") for row in stored)
        assert not any(code.replace("-", "") in row.code_hash for code in codes for row in stored)
        assert any(row.matches(codes[0].replace("-", "")) for row in stored)
        assert db.session.get(User, user_id).totp_confirmed_at is not None

    # Logged in now, with a one-time password still to replace; the codes are never shown again.
    assert client.get("/staff/account").headers["Location"] == "/staff/password"
    assert client.get("/staff/enrol").status_code == 302


def test_a_confirmed_user_cannot_enrol_again(client, make_user):
    user = make_user("member")
    password_step(client, user)
    assert client.get("/staff/enrol").headers["Location"] == "/staff/login/code"


def test_the_second_step_needs_the_first(client):
    response = client.get("/staff/login/code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login"
    assert client.get("/staff/enrol").headers["Location"] == "/staff/login"


def test_idle_session_is_logged_out(app, client, make_user, login_as):
    user = make_user("secretariat")
    login_as(client, user)
    assert client.get("/staff/account").status_code == 200

    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5
    response = client.get("/staff/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
    page = client.get("/staff/login").get_data(as_text=True)
    assert "inactivity" in page
    assert client.get("/staff/account").status_code == 302


def test_activity_keeps_the_session_alive(app, client, make_user, login_as):
    login_as(client, make_user("secretariat"))
    almost = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 + 30
    with client.session_transaction() as session:
        session["staff_seen"] = almost
    assert client.get("/staff/account").status_code == 200
    with client.session_transaction() as session:
        assert session["staff_seen"] > almost


def test_a_deactivated_account_cannot_log_in(app, client, make_user, login_as):
    user = make_user("secretariat", active=False)
    response = password_step(client, user)
    assert response.status_code == 401
    assert GENERIC in response.get_data(as_text=True)

    # An account deactivated while logged in is logged out at its next request.
    other = make_user("secretariat")
    login_as(client, other)
    with app.app_context():
        db.session.get(User, other.id).active = False
        db.session.commit()
    assert client.get("/staff/account").status_code == 302


def test_logout(client, make_user, login_as):
    login_as(client, make_user("chair"))
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout")
    assert response.headers["Location"] == "/staff/login"
    assert client.get("/staff/account").status_code == 302


def test_login_signals(client, make_user):
    user = make_user("secretariat")
    logins, failures = [], []
    with (
        signals.user_logged_in.connected_to(lambda sender, **kw: logins.append((sender.id, kw["actor"].id))),
        signals.user_login_failed.connected_to(lambda sender, **kw: failures.append((sender.id, kw["stage"]))),
    ):
        client.post("/staff/login", data={"email": "nobody@example.org", "password": "whatever"})
        password_step(client, user, password="wrong")
        log_in(client, user)
    assert failures == [(user.id, "password")]
    assert logins == [(user.id, user.id)]


def test_login_is_throttled_per_client(app, client, make_user):
    user = make_user("secretariat")
    saved = app.config["RATELIMIT_LOGIN_CLIENT"]
    app.config["RATELIMIT_LOGIN_CLIENT"] = "2 per minute"
    try:
        statuses = [password_step(client, user, password="wrong").status_code for _ in range(3)]
    finally:
        app.config["RATELIMIT_LOGIN_CLIENT"] = saved
    assert statuses == [401, 401, 429]
    assert client.get("/staff/login").status_code == 200  # only attempts are limited


def test_a_page_within_seconds_of_the_last_does_not_sign_the_cookie_again(app, client, make_user, login_as):
    """The last request is stamped at most every SEEN_STEP seconds: an unchanged session sends no new cookie."""
    login_as(client, make_user("secretariat"))
    client.get("/staff/account")  # the first page adds its forms' CSRF token to the session
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - 2
    assert "Set-Cookie" not in client.get("/staff/account").headers
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - SEEN_STEP - 1
    response = client.get("/staff/account")
    assert "Set-Cookie" in response.headers
    with client.session_transaction() as session:
        assert session["staff_seen"] >= int(time.time()) - 1
