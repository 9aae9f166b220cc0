"""Message templates per language for the common steps (docs/architecture.md §11): the secretariat keeps one text per
step and interface language; the case page's picker pre-fills the message to the complainant with the text in
the complainant's language (``Case.written_locale``), falling back to English.

Templates hold no personal data (plain text, not encrypted). ``{reference}`` in a text is replaced by the case's
reference when it is used. The defaults are translated strings of the catalogs; ``flask portal seed-message-templates``
(and the demo) store them for every language that has none yet, so editing starts from a sensible text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.models import Case
from portal.core import signals
from portal.core.db import CreatedAtMixin, UTCDateTime, one_of, utcnow
from portal.core.i18n import DEFAULT_LOCALE, LOCALES
from portal.extensions import db
from portal.users.models import User

TEMPLATE_MAX = 5_000


class TemplateStep(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    REQUEST_INFO = "request_info"
    ADMITTED = "admitted"
    INADMISSIBLE = "inadmissible"


STEP_NAMES = {
    TemplateStep.ACKNOWLEDGE: _l("Acknowledge the grievance"),
    TemplateStep.REQUEST_INFO: _l("Ask for information"),
    TemplateStep.ADMITTED: _l("Admissibility: admitted"),
    TemplateStep.INADMISSIBLE: _l("Admissibility: not admitted"),
}

DEFAULT_TEXTS = {
    TemplateStep.ACKNOWLEDGE: _l(
        "Thank you for your grievance {reference}. We have received it and a case officer will look at it. "
        "We will tell you within six weeks whether the committee can handle it. You can read our messages and "
        "answer them with your receipt."
    ),
    TemplateStep.REQUEST_INFO: _l(
        "We need more information about your grievance {reference}. Please tell us: when did it happen, where "
        "exactly, and who was involved? You can answer with your receipt. The clocks stop until you answer."
    ),
    TemplateStep.ADMITTED: _l(
        "The committee decided that your grievance {reference} is admissible. We have asked the company to "
        "respond. We will tell you what happens next."
    ),
    TemplateStep.INADMISSIBLE: _l(
        "The committee decided that your grievance {reference} is not admissible. The reasons are on your case "
        "page. You may ask for a review within 30 days."
    ),
}


class MessageTemplate(CreatedAtMixin, db.Model):
    __tablename__ = "message_templates"
    __table_args__ = (
        CheckConstraint(one_of("step", TemplateStep), name="valid_step"),
        UniqueConstraint("step", "locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class Filled:
    text: str  # in ``locale``
    locale: str
    fell_back: bool  # no template in the complainant's language: English was used


def all_templates() -> dict[tuple[str, str], MessageTemplate]:
    """Every stored template by (step, locale): one query for the management page."""
    return {(row.step, row.locale): row for row in db.session.scalars(select(MessageTemplate))}


def template_text(step: TemplateStep, locale: str) -> str | None:
    return db.session.scalar(
        select(MessageTemplate.body).where(MessageTemplate.step == step, MessageTemplate.locale == locale)
    )


def fill(step: TemplateStep, case: Case, locale: str | None = None) -> Filled | None:
    """The template of ``step`` in ``locale`` (default: the complainant's language), else in English, with the
    case's reference put in; None when neither exists."""
    wanted = locale or case.written_locale
    for candidate in dict.fromkeys((wanted, DEFAULT_LOCALE)):
        text = template_text(step, candidate)
        if text:
            return Filled(text.replace("{reference}", case.reference), candidate, candidate != wanted)
    return None


def save_template(step: TemplateStep, locale: str, body: str, actor: User) -> MessageTemplate | None:
    """Store the text of ``step`` in ``locale``; an empty text removes it (the picker then falls back to English)."""
    template = db.session.scalar(
        select(MessageTemplate).where(MessageTemplate.step == step, MessageTemplate.locale == locale)
    )
    body = body.strip()
    if not body:
        if template is not None:
            db.session.delete(template)
            db.session.flush()
            signals.message_template_changed.send(actor, actor=actor, step=step, locale=locale, removed=True)
        return None
    if template is None:
        template = MessageTemplate(step=step, locale=locale)
        db.session.add(template)
    template.body = body
    template.updated_by_id = actor.id
    template.updated_at = utcnow()
    db.session.flush()
    signals.message_template_changed.send(actor, actor=actor, step=step, locale=locale, removed=False)
    return template


def default_text(step: TemplateStep, locale: str) -> str:
    with force_locale(locale):
        return str(DEFAULT_TEXTS[step])


def seed_defaults() -> int:
    """Store the catalog's default text for every step and language that has no template yet; returns how many."""
    existing = set(all_templates())
    added = 0
    for step in TemplateStep:
        for locale in LOCALES:
            if (step.value, locale) not in existing:
                db.session.add(MessageTemplate(step=step, locale=locale, body=default_text(step, locale)))
                added += 1
    db.session.flush()
    return added
