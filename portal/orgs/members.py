"""Who belongs to an organisation, read in one query each; the rules themselves are on ``User``
(``is_organisation_member``, ``can_manage_members``, ``can_file_on_behalf``)."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.roles import Role
from portal.extensions import db
from portal.users.models import User


def members_of(organisation_id: int, *, active_only: bool = True) -> list[User]:
    """The organisation's accounts, admins first, then by name."""
    criteria = [User.role == Role.ORGANISATION, User.organisation_id == organisation_id]
    if active_only:
        criteria.append(User.active)
    return list(db.session.scalars(select(User).where(*criteria).order_by(User.organisation_admin.desc(), User.name)))


def member_of(organisation_id: int, user_id: int) -> User | None:
    """One account of this organisation, or None: another organisation's member is not found (404)."""
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.ORGANISATION or user.organisation_id != organisation_id:
        return None
    return user
