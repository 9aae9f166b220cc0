from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import CreatedAtMixin, UTCDateTime, one_of
from portal.core.encrypted import EncryptedText
from portal.core.roles import ACCOUNT_ROLES, GROUPS, Role
from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity


@cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def _hasher() -> PasswordHasher:
    """Argon2id with the profile ``PASSWORD_HASH_PROFILE`` names: RFC 9106's low-memory profile (argon2-cffi's
    default) unless configured; the test configuration takes argon2-cffi's cheapest, since thousands of test
    accounts would otherwise spend most of the suite's time hashing. A hash carries its own parameters, so any
    profile verifies any stored hash."""
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY") if has_app_context() else None
    return _hasher_for(profile or "RFC_9106_LOW_MEMORY")


class Nomination(StrEnum):
    """Which side nominated a committee member; a panel needs one of each beside its chair."""

    INDEPENDENT = "independent"
    INDUSTRY = "industry"
    CIVIL_SOCIETY = "civil_society"


class User(UserMixin, CreatedAtMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", [role for role in Role if role in ACCOUNT_ROLES]), name="valid_role"),
        CheckConstraint(
            f"nomination IS NULL OR {one_of('nomination', Nomination)}",
            name="valid_nomination",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last TOTP time step accepted: a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    nomination: Mapped[str | None] = mapped_column(String(16))
    vice_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every session carries the generation it was opened in; raising it ends all of them (users/sessions.py).
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # Set when an administrator issued a one-time password: the next login must choose a new one first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # A union's, NGO's or community organisation's account (role organisation): its admin invites and removes
    # members (portal/orgs/members.py). An invited member's one-time link is kept only as a keyed hash until used.
    organisation_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    invitation_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    totp_secret = EncryptedText("totp_secret_encrypted")

    organisation: Mapped[Organisation | None] = relationship()
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def account_role(self) -> Role:
        return Role(self.role)

    def is_in(self, group: frozenset[Role] | str) -> bool:
        """Whether this account's role belongs to a group of ``portal.core.roles`` (by name in templates)."""
        return self.role in (GROUPS[group] if isinstance(group, str) else group)

    @property
    def is_organisation_member(self) -> bool:
        """A union's, NGO's or community organisation's account (admin or member) that may use /org/."""
        return self.role == Role.ORGANISATION and self.organisation_id is not None and self.active

    @property
    def can_file_on_behalf(self) -> bool:
        """Only a member of an organisation the secretariat verified files on behalf of people (§4)."""
        return self.is_organisation_member and self.organisation is not None and self.organisation.verified

    @property
    def can_manage_members(self) -> bool:
        return self.is_organisation_member and self.organisation_admin

    @property
    def can_chair_panels(self) -> bool:
        return self.role == Role.CHAIR or (self.role == Role.MEMBER and self.vice_chair)

    @property
    def affiliated_organisation_ids(self) -> set[int]:
        ids = {a.organisation_id for a in self.affiliations if a.organisation_id}
        # A company liaison is tied to their own company, a committee member to their nominating organisation.
        if self.organisation_id and self.role != Role.SECRETARIAT:
            ids.add(self.organisation_id)
        return ids

    @property
    def affiliated_entity_ids(self) -> set[int]:
        return {a.entity_id for a in self.affiliations if a.entity_id}

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher().hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Affiliation(CreatedAtMixin, db.Model):
    """A declared tie of a staff member to an organisation or a site; a case naming it recuses them."""

    __tablename__ = "affiliations"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (entity_id IS NULL)", name="one_target"),
        UniqueConstraint("user_id", "organisation_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("supply_chain_entities.id"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship(back_populates="affiliations")
    organisation: Mapped[Organisation | None] = relationship()
    entity: Mapped[SupplyChainEntity | None] = relationship()


class LoginFailure(db.Model):
    """Failed passwords or codes for one account from one client. The lock-out is per pair, so that a stranger
    cannot lock the owner out from elsewhere. ``client_hash`` is a keyed hash (core/security.py), never an address.
    """

    __tablename__ = "login_failures"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RecoveryCode(db.Model):
    """A one-time two-factor recovery code, kept only as an Argon2 hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def matches(self, code: str) -> bool:
        try:
            return _hasher().verify(self.code_hash, code)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def hash(code: str) -> str:
        return _hasher().hash(code)
