"""Staff accounts: password and second-factor login with lock-out, TOTP enrolment, recovery codes, account changes.

Like every operation these flush and send a signal; the request (or the CLI command) commits.
"""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta
from functools import cache
from typing import Any, cast

import pyotp
from flask import current_app
from sqlalchemy import CursorResult, delete, func, or_, select, update

from portal.core import signals
from portal.core.db import upsert, utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.organisations.models import Organisation, OrganisationKind
from portal.users.models import Affiliation, LoginFailure, RecoveryCode, User

ISSUER = "Covenant grievance portal"  # the account's name in authenticator apps
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
PASSWORD_MIN_LENGTH = 12
LONGEST_LOCK_MINUTES = 24 * 60
# A client's failures that led to no lock are forgotten after a day without another.
FAILURES_FORGOTTEN_AFTER = timedelta(days=1)
# Codes and generated passwords are read from paper or a screen: no 0/o, 1/l/i to mix up.
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


class LoginRefused(Exception):
    """A login step failed. ``reason``: "credentials" (password step), "code" or "locked" (second step)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# The kinds of organisation an account of these roles may belong to: a liaison speaks for a registered company.
ORGANISATION_KINDS_FOR_ROLE = {
    Role.COMPANY: frozenset({OrganisationKind.COMPANY}),
    Role.ORGANISATION: frozenset(
        {OrganisationKind.UNION, OrganisationKind.NGO, OrganisationKind.COMMUNITY_ORGANISATION}
    ),
}


def check_organisation_kind(role: str, organisation_id: int | None) -> None:
    """Refuse an organisation of the wrong kind for ``role`` (a liaison tied to a union, say)."""
    kinds = ORGANISATION_KINDS_FOR_ROLE.get(Role(role))
    if kinds is None or organisation_id is None:
        return
    kind = db.session.scalar(select(Organisation.kind).where(Organisation.id == organisation_id))
    if kind not in kinds:
        raise UserChangeRefused(f"organisation_kind_{Role(role).value}")


class UserChangeRefused(Exception):
    """An account change the rules do not allow; ``reason`` is a key in labels.CHANGE_REFUSALS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _readable_secret(groups: int, size: int = 5) -> str:
    return "-".join("".join(secrets.choice(_READABLE) for _ in range(size)) for _ in range(groups))


def generate_password() -> str:
    """A random one-time password of about 99 bits, e.g. ``k7mpq-2xwra-...``."""
    return _readable_secret(4)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


# --- Login ---------------------------------------------------------------------------------------------------------


@cache
def _dummy_user() -> User:
    user = User()
    user.set_password(secrets.token_urlsafe(16))
    return user


def is_locked(user: User, client: str) -> bool:
    """Whether this client may not try this account now. ``client`` is a keyed hash of its address."""
    failure = db.session.get(LoginFailure, (user.id, client))
    return failure is not None and failure.locked_until is not None and failure.locked_until > utcnow()


def record_failure(user: User, client: str, stage: str) -> None:
    """Count a wrong password or code from one client. From LOGIN_MAX_FAILURES on, that client is locked out of
    this account for LOGIN_LOCK_MINUTES, doubled with each further failure (at most a day); others are not."""
    config = current_app.config
    now = utcnow()
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.last_failed_at < now - FAILURES_FORGOTTEN_AFTER,
            or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < now),
        )
    )
    insert = upsert(db.session, LoginFailure)
    # One statement, so that concurrent attempts all count.
    db.session.execute(
        insert.values(user_id=user.id, client_hash=client, failures=1, last_failed_at=now).on_conflict_do_update(
            index_elements=[LoginFailure.user_id, LoginFailure.client_hash],
            set_={"failures": LoginFailure.failures + 1, "last_failed_at": now},
        )
    )
    failure = db.session.get(LoginFailure, (user.id, client), populate_existing=True)
    assert failure is not None  # the upsert above made or updated it
    beyond = failure.failures - config["LOGIN_MAX_FAILURES"]
    if beyond >= 0:
        minutes = min(config["LOGIN_LOCK_MINUTES"] * 2 ** min(beyond, 16), LONGEST_LOCK_MINUTES)
        failure.locked_until = now + timedelta(minutes=minutes)
    db.session.flush()
    signals.user_login_failed.send(user, stage=stage)


def authenticate(email: str, password: str, client: str) -> User:
    """The first step: the user whose email and password these are, or LoginRefused("credentials") — the same
    refusal, after the same Argon2 work, for an unknown address, a wrong password, a locked-out client and a
    deactivated account, so that none of them can be told apart. Nobody is logged in yet."""
    user = find_user(email)
    if user is None:
        _dummy_user().check_password(password)
        raise LoginRefused("credentials")
    locked = is_locked(user, client)
    right = user.check_password(password)
    if locked:
        raise LoginRefused("credentials")  # not counted: the lock runs its course
    if not right or not user.active:
        record_failure(user, client, "password")
        raise LoginRefused("credentials")
    return user


def _claim_totp_step(user: User, step: int) -> bool:
    """Accept a time step only if it is later than the last one accepted; atomic, so a code works only once."""
    # An UPDATE answers a CursorResult, whose rowcount says whether this request won the race.
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.expire(user, ["totp_last_step"])
    return result.rowcount == 1


def verify_totp(user: User, code: str) -> bool:
    """A 6-digit code of the current time step or one either side, never one already used."""
    code = "".join((code or "").split())
    secret = user.totp_secret
    if not secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    now = totp.timecode(int(time.time()))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return _claim_totp_step(user, step)
    return False


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code; each works once."""
    code = normalise_recovery_code(code)
    if len(code) != RECOVERY_CODE_LENGTH:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for recovery in unused:
        if recovery.matches(code):
            result = cast(
                CursorResult[Any],
                db.session.execute(
                    update(RecoveryCode)
                    .where(RecoveryCode.id == recovery.id, RecoveryCode.used_at.is_(None))
                    .values(used_at=utcnow())
                    .execution_options(synchronize_session=False)
                ),
            )
            db.session.expire(recovery)
            return result.rowcount == 1
    return False


def check_second_factor(user: User, client: str, code: str = "", recovery_code: str = "") -> None:
    """The second step for a user whose password was right: a TOTP code or a recovery code, else LoginRefused."""
    if is_locked(user, client):
        raise LoginRefused("locked")
    accepted = verify_totp(user, code) if code else use_recovery_code(user, recovery_code)
    if not accepted or not user.active:
        record_failure(user, client, "code")
        raise LoginRefused("locked" if is_locked(user, client) else "code")


def record_login(user: User, client: str) -> None:
    """Both factors passed: this client's failure count starts again."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.client_hash == client))
    user.last_login_at = utcnow()
    db.session.flush()
    signals.user_logged_in.send(user, actor=user)


# --- Sessions ------------------------------------------------------------------------------------------------------


def end_sessions(user: User) -> None:
    """Every session of this account ends at its next request: each carries the generation it began in
    (users/sessions.py), and this one is raised. A session that made the change may carry on (sessions.renew)."""
    user.session_generation = User.session_generation + 1  # in SQL, so that concurrent changes all count
    db.session.flush()
    db.session.expire(user, ["session_generation"])


def log_out(user: User) -> None:
    end_sessions(user)


# --- Two-factor enrolment ------------------------------------------------------------------------------------------


def enrolment_secret(user: User) -> str:
    """The TOTP secret being enrolled; created once and kept, so that reloading the page shows the same one."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(enrolment_secret(user)).provisioning_uri(name=user.email, issuer_name=ISSUER)


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes, stored only as hashes; returned once for the user to write down. A new second
    factor ends every session opened with the old one."""
    end_sessions(user)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_readable_secret(2, RECOVERY_CODE_LENGTH // 2) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=RecoveryCode.hash(normalise_recovery_code(code))) for code in codes
    )
    db.session.flush()
    return codes


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """A right code from the new authenticator confirms it; returns the recovery codes, or None."""
    if user.totp_confirmed_at is not None or not verify_totp(user, code):
        return None
    user.totp_confirmed_at = utcnow()
    codes = replace_recovery_codes(user)
    signals.user_changed.send(user, actor=user, change="two_factor:enrolled")
    return codes


# --- Account changes -----------------------------------------------------------------------------------------------


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    actor: User | None,
    organisation_id: int | None = None,
    nomination: str | None = None,
    vice_chair: bool = False,
    locale: str = "en",
    password: str | None = None,
) -> tuple[User, str]:
    """A new account and its password (generated unless given); its owner enrols a second factor at first login
    and, when the password was generated (a one-time password someone passes on), must then choose their own."""
    if find_user(email) is not None:
        raise UserChangeRefused("email_taken")
    check_organisation_kind(role, organisation_id)
    one_time = password is None
    password = password or generate_password()
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=Role(role).value,
        organisation_id=organisation_id,
        nomination=nomination or None,
        vice_chair=vice_chair,
        locale=locale,
        active=True,
        must_change_password=one_time,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    signals.user_changed.send(user, actor=actor, change="created")
    return user, password


def update_user(
    user: User,
    actor: User,
    *,
    role: str,
    organisation_id: int | None,
    nomination: str | None,
    vice_chair: bool,
    active: bool,
) -> list[str]:
    """Change an account; one ``user_changed`` signal per change, e.g. ``role:member->chair``, ``deactivated``."""
    if actor.id == user.id:
        if not active:
            raise UserChangeRefused("self_deactivate")
        if user.role == Role.ADMIN and role != Role.ADMIN:
            raise UserChangeRefused("self_demote")
    check_organisation_kind(role, organisation_id)
    nomination = nomination or None
    changes = []
    if role != user.role:
        changes.append(f"role:{user.role}->{role}")
        user.role = Role(role).value
    if organisation_id != user.organisation_id:
        changes.append(f"organisation:{user.organisation_id or '-'}->{organisation_id or '-'}")
        user.organisation_id = organisation_id
    if nomination != user.nomination:
        changes.append(f"nomination:{user.nomination or '-'}->{nomination or '-'}")
        user.nomination = nomination
    if vice_chair != user.vice_chair:
        changes.append("vice_chair:on" if vice_chair else "vice_chair:off")
        user.vice_chair = vice_chair
    if active != user.active:
        changes.append("activated" if active else "deactivated")
        user.active = active
        end_sessions(user)  # also on reactivation: a cookie from before must not come back to life
    db.session.flush()
    for change in changes:
        signals.user_changed.send(user, actor=actor, change=change)
    return changes


def change_password(user: User, actor: User, new_password: str) -> None:
    """A password the user chose; every other session of the account ends."""
    user.set_password(new_password)
    user.must_change_password = False
    end_sessions(user)
    signals.user_changed.send(user, actor=actor, change="password")


def reset_password(user: User, actor: User) -> str:
    """An administrator issues a new one-time password: every session ends, and the next login must choose a
    new password. Returned once, to be passed on."""
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    signals.user_changed.send(user, actor=actor, change="password_reset")
    return password


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()


def declare_affiliation(user: User, actor: User, organisation_id: int | None, entity_id: int | None, note: str) -> None:
    """A staff member declares a tie. The cases package listens (``affiliation_changed``) and recuses them from
    every open case naming it."""
    user.affiliations.append(Affiliation(organisation_id=organisation_id, entity_id=entity_id, note=note))
    db.session.flush()
    signals.affiliation_changed.send(user, actor=actor, organisation_id=organisation_id, entity_id=entity_id)
