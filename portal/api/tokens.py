"""Personal API tokens: scoped, expiring, revocable, stored only as a hash, every use attributable.

A token is ``cvp_`` followed by 43 URL-safe characters (256 random bits). The database keeps its SHA-256 (a
random secret of that length needs no slow hash: it cannot be guessed, and lookups stay one indexed read) and its
first characters, so its owner can tell their tokens apart. It is shown once, when issued.

Scopes: what a token may do, within what its owner's role allows (``scopes_for``). A token never outlives its
owner's rights: a deactivated account's tokens answer 401, a scope the role no longer allows answers 403.

Every use that reaches beyond public data (an organisation's or staff scope) is an entry in the audit trail
(``api_token_used``); public reads only refresh ``last_used_at`` (at most once a minute: a read is not a write).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from functools import wraps

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from portal.core import signals
from portal.core.db import CreatedAtMixin, UTCDateTime, utcnow
from portal.core.roles import CASEWORK, Role
from portal.extensions import db
from portal.users.models import User

TOKEN_PREFIX = "cvp_"
SHOWN_CHARACTERS = 8  # of the token, kept to tell tokens apart
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_LIFETIME_DAYS = 366


class Scope(StrEnum):
    PUBLIC_READ = "public:read"
    ORG_READ = "org:read"
    ORG_WRITE = "org:write"
    STAFF_READ = "staff:read"


SCOPE_LABELS = {
    Scope.PUBLIC_READ: _l("Read public data (register, statistics, decisions, entities)"),
    Scope.ORG_READ: _l("Read our organisation's cases and trackers"),
    Scope.ORG_WRITE: _l("Act on our organisation's cases: file, answer, add evidence"),
    Scope.STAFF_READ: _l("Read the cases I may see as staff"),
}


def scopes_for(user: User) -> tuple[Scope, ...]:
    """The scopes a user's role allows a token of theirs."""
    if user.role == Role.ORGANISATION and user.organisation_id:
        return (Scope.PUBLIC_READ, Scope.ORG_READ, Scope.ORG_WRITE)
    if user.role in CASEWORK:
        return (Scope.PUBLIC_READ, Scope.STAFF_READ)
    return (Scope.PUBLIC_READ,)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(CreatedAtMixin, db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    shown: Mapped[str] = mapped_column(String(16))  # the first characters, to tell tokens apart
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated Scope values
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now and self.user.active

    def state(self, now: datetime | None = None) -> str:
        """``revoked``, ``expired`` or ``active``, for the owner's list (a revoked token stays revoked once expired)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= (now or utcnow()) else "active"

    @property
    def audit_target(self) -> str:
        return f"token:{self.id}"

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.shown}…>"


class TokenRefused(ValueError):
    """A token cannot be issued as asked; the message is for the person asking."""


def issue(user: User, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is never stored."""
    allowed = set(scopes_for(user))
    wanted = {Scope(value) for value in scopes if value in Scope._value2member_map_}
    if not wanted or not wanted <= allowed or len(wanted) != len(set(scopes)):
        raise TokenRefused(_l("Choose at least one of the scopes your role allows."))
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise TokenRefused(_l("A token lives between 1 and %(days)d days.", days=MAX_LIFETIME_DAYS))
    if not name.strip():
        raise TokenRefused(_l("Give the token a name, to recognise it later."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip()[:100],
        token_hash=token_hash(secret),
        shown=secret[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
        scopes=" ".join(sorted(wanted)),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    signals.api_token_changed.send(token, actor=user, change="issued")
    return token, secret


def revoke(token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        signals.api_token_changed.send(token, actor=actor, change="revoked")


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


# --- authentication ---------------------------------------------------------------------------------------------


def bearer() -> str | None:
    """The token in ``Authorization: Bearer ...``, if any."""
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    return value.strip() or None if kind.lower() == "bearer" else None


def rate_key() -> str:
    """The rate limit's key: the token (as a hash: no secret in the limiter's storage), else the client."""
    from portal.core.security import limiter_client_key

    secret = bearer()
    return f"token:{token_hash(secret)[:32]}" if secret else f"client:{limiter_client_key()}"


def current_token() -> ApiToken | None:
    """The request's usable token (memoised on ``g``); aborts 401 for a token given but not usable."""
    if "api_token" in g:
        return g.api_token
    secret = bearer()
    token = None
    if secret is not None:
        token = db.session.scalar(
            select(ApiToken)
            .where(ApiToken.token_hash == token_hash(secret))
            # Its owner in the same round trip; their affiliations only if recusal asks (staff reads).
            .options(joinedload(ApiToken.user).lazyload(User.affiliations))
        )
        if token is None or not token.is_usable():
            abort(401, _l("The token is unknown, revoked or expired."))
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            token.last_used_at = now
    g.api_token = token
    return token


def require(scope: Scope) -> Callable:
    """The view needs a usable token with ``scope`` that its owner's role still allows: 401 without one, 403 when
    the token lacks the scope. ``g.api_user`` is then its owner. Non-public uses are written to the audit trail."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = current_token()
            if token is None:
                abort(401, _l("Send a token: Authorization: Bearer <token>."))
            if scope not in token.scope_set or scope not in scopes_for(token.user):
                abort(403, _l("This token does not have the scope %(scope)s.", scope=scope.value))
            g.api_user = token.user
            if scope != Scope.PUBLIC_READ:
                signals.api_token_used.send(token, actor=token.user, method=request.method, endpoint=request.endpoint)
            return view(*args, **kwargs)

        wrapped.required_scope = scope.value  # type: ignore[attr-defined]  # read by the docs page (docs.py)
        return wrapped

    return decorate
