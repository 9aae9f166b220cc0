from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import CreatedAtMixin
from portal.extensions import db


class OrganisationKind(StrEnum):
    COMPANY = "company"
    INDUSTRY_ASSOCIATION = "industry_association"
    UNION = "union"
    NGO = "ngo"
    GOVERNMENT = "government"
    SECRETARIAT = "secretariat"


class Organisation(CreatedAtMixin, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ({})".format(", ".join(f"'{kind}'" for kind in OrganisationKind)), name="valid_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    covenant_party: Mapped[bool] = mapped_column(Boolean, default=False)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"
