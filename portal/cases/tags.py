"""Tags on cases: staff-defined words the secretariat sorts its work by ("mine closure", "heat"), each with a label
per locale (English is required and is the fallback). Tags are few; their labels are read once per request.

Adding or removing a tag is a casework step like any other: ``can_tag`` is its guard, ``case_tagged`` its signal
(audited). The bulk page calls the very same functions (portal/cases/bulk.py).
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import JSON, ForeignKey, Index, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from portal.cases import access
from portal.cases.models import Case
from portal.cases.refusals import CaseworkRefused
from portal.core import signals
from portal.core.db import CreatedAtMixin
from portal.core.forms import CHOOSE_ONE, REQUIRED, MaxLength, QuickSelect, options
from portal.core.i18n import DEFAULT_LOCALE, LOCALES
from portal.core.roles import CASE_STAFF
from portal.extensions import db
from portal.users.models import User

LABEL_MAX = 60


class Tag(CreatedAtMixin, db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    labels: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: label}; "en" always present

    def label(self, locale: str) -> str:
        return self.labels.get(locale) or self.labels.get(DEFAULT_LOCALE) or str(self.id)


class CaseTag(db.Model):
    __tablename__ = "case_tags"
    __table_args__ = (Index("ix_case_tags_tag_id_case_id", "tag_id", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    tagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


def all_tags() -> list[Tag]:
    """Every tag, read once per request."""
    if has_request_context() and "portal_tags" in g:
        return g.portal_tags
    tags = list(db.session.scalars(select(Tag).order_by(Tag.id)))
    if has_request_context():
        g.portal_tags = tags
    return tags


def sorted_labels(locale: str) -> list[tuple[int, str]]:
    return sorted(((tag.id, tag.label(locale)) for tag in all_tags()), key=lambda item: item[1].casefold())


def tags_of(case_ids: list[int]) -> dict[int, list[int]]:
    """The tag ids of each case, in one query (a list page asks for its 50 rows at once)."""
    found: dict[int, list[int]] = {}
    if case_ids:
        rows = db.session.execute(
            select(CaseTag.case_id, CaseTag.tag_id).where(CaseTag.case_id.in_(case_ids)).order_by(CaseTag.tag_id)
        )
        for case_id, tag_id in rows:
            found.setdefault(case_id, []).append(tag_id)
    return found


def create_tag(labels: dict[str, str], actor: User) -> Tag:
    cleaned = {locale: text.strip()[:LABEL_MAX] for locale, text in labels.items() if locale in LOCALES and text}
    if not cleaned.get(DEFAULT_LOCALE):
        raise CaseworkRefused("tag_label_required")
    tag = Tag(labels=cleaned)
    db.session.add(tag)
    db.session.flush()
    if has_request_context():
        g.pop("portal_tags", None)
    signals.tag_changed.send(actor, tag_id=tag.id, change="created", actor=actor)
    return tag


def can_tag(case: Case, user: User) -> bool:
    """Case staff tag the cases they may see, closed ones too (tags serve reports as well as triage)."""
    return user.is_in(CASE_STAFF) and access.can_view(case, user)


def add_tag(case: Case, tag: Tag, actor: User) -> bool:
    """Tag ``case``; False when it already had the tag (nothing changes, nothing audited)."""
    if not can_tag(case, actor):
        raise CaseworkRefused("recused")
    if db.session.get(CaseTag, (case.id, tag.id)) is not None:
        return False
    db.session.add(CaseTag(case_id=case.id, tag_id=tag.id, tagged_by_id=actor.id))
    db.session.flush()
    signals.case_tagged.send(case, tag_id=tag.id, removed=False, actor=actor)
    return True


def remove_tag(case: Case, tag: Tag, actor: User) -> None:
    if not can_tag(case, actor):
        raise CaseworkRefused("recused")
    if db.session.execute(delete(CaseTag).where(CaseTag.case_id == case.id, CaseTag.tag_id == tag.id)).rowcount:
        signals.case_tagged.send(case, tag_id=tag.id, removed=True, actor=actor)


class TagForm(FlaskForm):
    """A new tag: its label in English (required) and in each other locale (optional; English is shown instead)."""

    @classmethod
    def for_locales(cls) -> type[TagForm]:
        """The form class with one label field per locale, made once."""
        global _TAG_FORM
        if _TAG_FORM is None:
            fields = {
                f"label_{code}": StringField(
                    LOCALES[code].native_name,
                    validators=([DataRequired(REQUIRED)] if code == DEFAULT_LOCALE else [Optional()])
                    + [MaxLength(LABEL_MAX)],
                    render_kw={"lang": LOCALES[code].tag, "dir": "rtl" if LOCALES[code].rtl else "ltr"},
                )
                for code in LOCALES
            }
            _TAG_FORM = type("LocalisedTagForm", (cls,), fields)
        return _TAG_FORM

    def labels(self) -> dict[str, str]:
        return {code: (self[f"label_{code}"].data or "").strip() for code in LOCALES}


_TAG_FORM: type[TagForm] | None = None


class CaseTagForm(FlaskForm):
    tag = SelectField(_l("Tag"), validators=[InputRequired(CHOOSE_ONE)], validate_choice=False, widget=QuickSelect())

    def __init__(self, tag_labels: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag.choices = options([("", _("Choose a tag")), *((str(tag_id), label) for tag_id, label in tag_labels)])

    def validate_tag(self, field) -> None:
        if not field.data or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(str(CHOOSE_ONE))
